"""The JSON Schema of an emulator data file, generated from the one attribute table.

The shipped file (``cleanroomsml_tf/schemas/emulator-data.schema.json``) is the output of
:func:`data_json_schema`; ``tests/test_emulator_data.py`` asserts they are equal, so the schema
cannot drift from :data:`cleanroomsml_tf.record.TRAINED_MODEL` or from botocore's required
members. Regenerate it with ``python -m cleanroomsml_tf.shipped_schemas``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cleanroomsml_tf.record import TRAINED_MODEL, Attribute

SCHEMA_ID = "https://cleanroomsml-tf.invalid/schemas/emulator-data.schema.json"

# ISO-8601 with a time zone, as the service sends it (botocore's timestampFormat is iso8601).
# Calendar validity (no month 13) is checked separately, with datetime.
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$"

# Identifiers the emulator looks models up by: an item the API could never be asked about is a
# mistake in the file, so these carry the service model's input patterns (anchored).
_IDENTIFIER_INPUTS = {
    "trainedModelArn": "trainedModelArn",
    "collaborationIdentifier": "collaborationIdentifier",
    "versionIdentifier": "versionIdentifier",
}

ACCESS_DENIED_DESCRIPTION = (
    "Optional. Collaboration identifiers and/or trained model ARNs the caller may not read: "
    "a GetCollaborationTrainedModel request whose collaboration or ARN is listed, and a "
    "ListCollaborationTrainedModels request whose collaboration is listed, get HTTP 403 "
    "AccessDeniedException."
)


def _output_shape() -> Any:
    from cleanroomsml_tf.service_model import GET_OPERATION, operation

    return operation(GET_OPERATION).output_shape


def _scalar_schema(attribute: Attribute) -> dict[str, Any]:
    if attribute.kind == "number":
        return {"type": "integer"}
    if attribute.kind == "timestamp":
        return {"type": "string", "pattern": TIMESTAMP_PATTERN}
    # Enums stay plain strings on purpose: the API grows them faster than botocore releases.
    schema: dict[str, Any] = {"type": "string"}
    if attribute.api_name in _IDENTIFIER_INPUTS:
        schema.update(_identifier_constraints(_IDENTIFIER_INPUTS[attribute.api_name]))
    return schema


def _identifier_constraints(member: str) -> dict[str, Any]:
    from cleanroomsml_tf.service_model import GET_OPERATION, input_constraints

    c = input_constraints(GET_OPERATION)[member]
    out: dict[str, Any] = {}
    if "min" in c:
        out["minLength"] = c["min"]
    if "max" in c:
        out["maxLength"] = c["max"]
    if "pattern" in c:
        out["pattern"] = f"^(?:{c['pattern']})$"
    return out


def _attribute_schema(attribute: Attribute, shape: Any) -> dict[str, Any]:
    if attribute.kind == "object":
        schema = {"type": "object", **_members_schema(attribute.children, shape)}
    elif attribute.kind == "list":
        schema = {"type": "array",
                  "items": {"type": "object", **_members_schema(attribute.children, shape.member)}}
    else:
        schema = _scalar_schema(attribute)
    return {"description": attribute.description, **schema}


def _members_schema(attributes: Iterable[Attribute], shape: Any) -> dict[str, Any]:
    attributes = tuple(attributes)
    known = {a.api_name for a in attributes}
    return {
        "properties": {
            a.api_name: _attribute_schema(a, shape.members[a.api_name]) for a in attributes
        },
        # botocore's output shape decides what the service always sends.
        "required": [m for m in shape.required_members if m in known],
        # Unknown members are typos far more often than new API fields: refuse them by name.
        "additionalProperties": False,
    }


def data_json_schema() -> dict[str, Any]:
    """The emulator data file's JSON Schema (draft 2020-12), generated from the table."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "cleanroomsml-tf emulator data",
        "description": (
            "Trained models served by `cleanroomsml-tf emulator --data FILE`. Each item of "
            "trainedModels is a GetCollaborationTrainedModel response exactly as the API returns "
            "it (camelCase, ISO-8601 timestamps). Items with the same collaborationIdentifier and "
            "trainedModelArn are versions of one model; the latest is the one with the greatest "
            "createTime. Generated from cleanroomsml_tf.record.TRAINED_MODEL; do not edit."
        ),
        "type": "object",
        "properties": {
            "$schema": {"type": "string", "description": "Optional link to this schema."},
            "trainedModels": {
                "description": "GetCollaborationTrainedModel responses, one per model version.",
                "type": "array",
                "items": {"$ref": "#/$defs/trainedModel"},
            },
            "accessDenied": {
                "description": ACCESS_DENIED_DESCRIPTION,
                "type": "array",
                "items": {"type": "string", "minLength": 1},
            },
        },
        "required": ["trainedModels"],
        "additionalProperties": False,
        "$defs": {
            "trainedModel": {"type": "object", **_members_schema(TRAINED_MODEL, _output_shape())},
        },
    }
