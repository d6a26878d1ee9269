"""Helpers shared by the drift report tests: the SARIF 2.1.0 schema validator, and the generated
regions of docs/drift.md (written by tests/test_drift_docs.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"
SARIF_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
"""Pinned: the OASIS schema as shipped (tests/data/README.md says where it comes from)."""

UPDATE_DOCS_COMMAND = "python -m tests.test_drift_docs"
REGION_BEGIN = "<!-- generated: {name} (do not edit: `" + UPDATE_DOCS_COMMAND + "` rewrites it) -->"
REGION_END = "<!-- end generated: {name} -->"


def sarif_validator() -> jsonschema.Draft4Validator:
    """A validator for the shipped SARIF 2.1.0 schema (draft-04, formats checked)."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def generated_region_of(path: Path, line: int) -> str | None:
    """The name of the generated region of ``path`` holding ``line`` (1-based), if any."""
    begins = re.compile(re.escape(REGION_BEGIN).replace(r"\{name\}", "(?P<name>[a-z-]+)"))
    current = None
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found = begins.fullmatch(text)
        if found:
            current = found.group("name")
        elif current and text == REGION_END.format(name=current):
            current = None
        if number == line:
            return current
    return None
