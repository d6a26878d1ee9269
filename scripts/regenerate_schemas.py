"""Regenerate the JSON Schemas shipped in ``cleanroomsml_tf/schemas/`` from their generators.

    python scripts/regenerate_schemas.py

Tests (tests/test_lockfile.py, tests/test_emulator_data.py) fail when a shipped file differs
from its generator in :mod:`cleanroomsml_tf.model.json_schemas`; this rewrites them, atomically.
"""

from __future__ import annotations

from pathlib import Path

from cleanroomsml_tf.model.json_schemas import generators, render, source_path
from cleanroomsml_tf.output.atomic import atomic_write_text


def write_all() -> list[Path]:
    """Regenerate every shipped schema file; their paths."""
    written = []
    for name, generate in generators().items():
        target = source_path(name)
        atomic_write_text(target, render(generate()))
        written.append(target)
    return written


def main() -> None:
    """Regenerate and say what was written."""
    for path in write_all():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
