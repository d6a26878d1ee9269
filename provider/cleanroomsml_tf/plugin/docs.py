"""Attribute reference markdown for the registry docs, generated from the record table.

``python -m cleanroomsml_tf.plugin.docs`` rewrites the generated blocks (between the
``<!-- BEGIN generated ... -->`` / ``<!-- END generated -->`` markers) of
``docs/data-sources/*.md``; ``tests/test_plugin_docs.py`` fails when they are stale.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

from cleanroomsml_tf.model.record import TRAINED_MODEL, TRAINED_MODEL_SUMMARY, Attribute

_TYPE_NAMES = {"string": "String", "timestamp": "String", "number": "Number",
               "object": "Object", "list": "List of Object"}
BLOCKS: dict[str, tuple[Attribute, ...]] = {
    "trained_model": TRAINED_MODEL,
    "trained_model_summary": TRAINED_MODEL_SUMMARY,
}


def attribute_lines(attributes: Iterable[Attribute], indent: str = "") -> list[str]:
    """``* `name` (Type) description`` for each attribute, nested members indented."""
    lines = []
    for attribute in attributes:
        lines.append(
            f"{indent}* `{attribute.name}` ({_TYPE_NAMES[attribute.kind]}) {attribute.description}"
        )
        lines += attribute_lines(attribute.children, indent + "  ")
    return lines


def render_block(name: str) -> str:
    """The generated block ``name`` with its markers."""
    body = "\n".join(attribute_lines(BLOCKS[name]))
    return f"<!-- BEGIN generated {name} -->\n{body}\n<!-- END generated -->"


def update(text: str) -> str:
    """``text`` with every generated block re-rendered."""
    pattern = re.compile(r"<!-- BEGIN generated (\w+) -->.*?<!-- END generated -->", re.S)
    return pattern.sub(lambda m: render_block(m.group(1)), text)


def main(paths: list[str]) -> int:
    """Rewrite the generated blocks of the given files (default: docs/data-sources/*.md)."""
    files = [Path(p) for p in paths] or sorted(Path("docs/data-sources").glob("*.md"))
    for path in files:
        path.write_text(update(path.read_text()))
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
