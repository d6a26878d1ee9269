"""The JSON Schemas shipped in ``cleanroomsml_tf/schemas/``: generated, rendered, loaded, written.

Each shipped file is the output of a generator built from the attribute table (the emulator data
file's and the lock file's); tests compare every file with its generator, and::

    python -m cleanroomsml_tf.shipped_schemas

rewrites them all. Rendering keeps the generators' key order (the table's order), so a
schema reads like the record it describes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

EMULATOR_DATA = "emulator-data.schema.json"
LOCK_FILE = "lockfile.schema.json"


def generators() -> dict[str, Callable[[], dict[str, Any]]]:
    """File name -> the function that generates it (imported here: the two modules need this
    one to validate, not the other way round)."""
    from cleanroomsml_tf.emulator.schema import data_json_schema
    from cleanroomsml_tf.lockfile import lockfile_json_schema

    return {EMULATOR_DATA: data_json_schema, LOCK_FILE: lockfile_json_schema}


def render(schema: dict[str, Any]) -> str:
    """The canonical text of a schema file (generation order, two-space indent, newline)."""
    return json.dumps(schema, indent=2) + "\n"


def source_path(name: str) -> Path:
    """Where a shipped schema lives in the source tree (for regeneration)."""
    return Path(__file__).resolve().parent / "schemas" / name


@functools.cache
def text(name: str) -> str:
    """A shipped schema's text, read through importlib.resources (works from a wheel)."""
    return resources.files("cleanroomsml_tf").joinpath("schemas", name).read_text("utf-8")


@functools.cache
def load(name: str) -> dict[str, Any]:
    """A shipped schema, parsed."""
    return json.loads(text(name))


@functools.cache
def validator(name: str) -> Any:
    """A jsonschema validator (draft 2020-12) for a shipped schema, built once."""
    import jsonschema

    return jsonschema.Draft202012Validator(load(name))


def write_all() -> list[Path]:
    """Regenerate every shipped schema file (atomically); their paths."""
    from cleanroomsml_tf.atomic import atomic_write_text

    written = []
    for name, generate in generators().items():
        target = source_path(name)
        atomic_write_text(target, render(generate()))
        written.append(target)
    return written


def main() -> None:
    """``python -m cleanroomsml_tf.shipped_schemas``: regenerate and say what was written."""
    for path in write_all():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
