"""Every JSON Schema of the package, generated from the attribute table, and the shipped files.

Generators: :func:`record_json_schema` (a normalized record), :func:`lockfile_json_schema` (the
lock file ``cleanroomsml.lock.json``) and :func:`data_json_schema` (an emulator data file: API
responses, camelCase). The last two are shipped in ``cleanroomsml_tf/schemas/``; tests compare
every shipped file with its generator, and::

    python scripts/regenerate_schemas.py

rewrites them all. Rendering keeps the generators' key order (the table's order), so a
schema reads like the record it describes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from cleanroomsml_tf.model.record import RFC3339_UTC_PATTERN, TRAINED_MODEL, Attribute

EMULATOR_DATA = "emulator-data.schema.json"
LOCK_FILE = "lockfile.schema.json"
LOCK_FILE_FORMAT_VERSION = 1
"""The lock file's ``format_version`` (:mod:`cleanroomsml_tf.lockfile.model` writes it)."""


def generators() -> dict[str, Callable[[], dict[str, Any]]]:
    """Shipped file name -> the function that generates it."""
    return {EMULATOR_DATA: data_json_schema, LOCK_FILE: lockfile_json_schema}


def render(schema: dict[str, Any]) -> str:
    """The canonical text of a schema file (generation order, two-space indent, newline)."""
    return json.dumps(schema, indent=2) + "\n"


def source_path(name: str) -> Path:
    """Where a shipped schema lives in the source tree (for regeneration)."""
    return Path(__file__).resolve().parent.parent / "schemas" / name


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


# --------------------------------------------------------------------------- the record


_JSON_TYPES: dict[str, Any] = {
    "string": {"type": ["string", "null"]},
    "number": {"type": ["integer", "null"]},
    "timestamp": {
        "type": ["string", "null"],
        "pattern": RFC3339_UTC_PATTERN,
    },
}


def _record_attribute(attribute: Attribute) -> dict[str, Any]:
    if attribute.kind == "object":
        schema: dict[str, Any] = {"type": ["object", "null"], **_record_members(attribute.children)}
    elif attribute.kind == "list":
        schema = {"type": ["array", "null"], "items": {"type": "object",
                                                       **_record_members(attribute.children)}}
    else:
        schema = dict(_JSON_TYPES[attribute.kind])
    schema["description"] = attribute.description
    return schema


def _record_members(attributes: Iterable[Attribute]) -> dict[str, Any]:
    attributes = tuple(attributes)
    return {
        "properties": {a.name: _record_attribute(a) for a in attributes},
        "required": [a.name for a in attributes],
        "additionalProperties": False,
    }


def record_json_schema(attributes: Iterable[Attribute] = TRAINED_MODEL) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a normalized record, generated from the table."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        **_record_members(attributes),
    }


# --------------------------------------------------------------------------- the lock file


def lockfile_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the lock file; the record part is generated from the table.

    ``schemas/lockfile.schema.json`` is this.
    """
    record_schema = record_json_schema()
    record_schema.pop("$schema", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cleanroomsml-tf lock file",
        "description": "Trained-model records pinned by cleanroomsml-tf (cleanroomsml.lock.json).",
        "type": "object",
        "properties": {
            "format_version": {"const": LOCK_FILE_FORMAT_VERSION},
            "entries": {
                "type": "object",
                "description": "One entry per model, keyed COLLABORATION/ARN@VERSION|latest.",
                "additionalProperties": {"$ref": "#/$defs/entry"},
            },
            "watched_collaborations": {
                "type": "object",
                "description": "Collaborations locked whole (lock add --all): drift reports "
                "models that appear in them and are not locked. Keyed by collaboration ID.",
                "additionalProperties": {"$ref": "#/$defs/watch"},
            },
        },
        "required": ["format_version", "entries"],
        "additionalProperties": False,
        "$defs": {
            "entry": {
                "type": "object",
                "properties": {
                    "ref": {
                        "type": "object",
                        "properties": {
                            "collaboration_identifier": {"type": "string", "minLength": 1},
                            "trained_model_arn": {"type": "string", "minLength": 1},
                            "version_identifier": {
                                "type": ["string", "null"],
                                "minLength": 1,
                                "description": "The requested version; null means latest.",
                            },
                        },
                        "required": [
                            "collaboration_identifier", "trained_model_arn", "version_identifier"
                        ],
                        "additionalProperties": False,
                    },
                    "record": {"$ref": "#/$defs/record"},
                    "resolved_at": {
                        "type": "string",
                        "pattern": RFC3339_UTC_PATTERN,
                        "description": "When the record was resolved, RFC 3339 UTC.",
                    },
                },
                "required": ["ref", "record", "resolved_at"],
                "additionalProperties": False,
            },
            "watch": {
                "type": "object",
                "properties": {
                    "added_at": {
                        "type": "string",
                        "pattern": RFC3339_UTC_PATTERN,
                        "description": "When the collaboration was last locked whole, RFC 3339 "
                        "UTC.",
                    },
                    "known_trained_model_arns": {
                        "type": "array",
                        "items": {"type": "string", "minLength": 1},
                        "uniqueItems": True,
                        "description": "Models seen (and locked) in it; only others are new.",
                    },
                },
                "required": ["added_at", "known_trained_model_arns"],
                "additionalProperties": False,
            },
            "record": record_schema,
        },
    }


# --------------------------------------------------------------------------- emulator data files

# The JSON Schema of an emulator data file: API responses as the service sends them. Checked
# against botocore's required members, so it cannot drift from the service model.

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
    from cleanroomsml_tf.model.service_model import GET_OPERATION, operation

    return operation(GET_OPERATION).output_shape


def _data_scalar(attribute: Attribute) -> dict[str, Any]:
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
    from cleanroomsml_tf.model.service_model import GET_OPERATION, input_constraints

    c = input_constraints(GET_OPERATION)[member]
    out: dict[str, Any] = {}
    if "min" in c:
        out["minLength"] = c["min"]
    if "max" in c:
        out["maxLength"] = c["max"]
    if "pattern" in c:
        out["pattern"] = f"^(?:{c['pattern']})$"
    return out


def _data_attribute(attribute: Attribute, shape: Any) -> dict[str, Any]:
    if attribute.kind == "object":
        schema = {"type": "object", **_data_members(attribute.children, shape)}
    elif attribute.kind == "list":
        schema = {"type": "array",
                  "items": {"type": "object", **_data_members(attribute.children, shape.member)}}
    else:
        schema = _data_scalar(attribute)
    return {"description": attribute.description, **schema}


def _data_members(attributes: Iterable[Attribute], shape: Any) -> dict[str, Any]:
    attributes = tuple(attributes)
    known = {a.api_name for a in attributes}
    return {
        "properties": {
            a.api_name: _data_attribute(a, shape.members[a.api_name]) for a in attributes
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
            "createTime. Generated from cleanroomsml_tf.model.record.TRAINED_MODEL; do not edit."
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
            "trainedModel": {"type": "object", **_data_members(TRAINED_MODEL, _output_shape())},
        },
    }
