"""Check emulator data against the shipped JSON Schema and say, in one line, what is wrong.

jsonschema's own messages name neither the item nor the field in a way a person can act on
(``'name' is a required property`` at ``$.trainedModels[3]``), so each error is rephrased as
``trainedModels[3] (trainedModelArn arn:...): field 'name': missing (required)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cleanroomsml_tf.model.json_schemas import EMULATOR_DATA, TIMESTAMP_PATTERN, validator
from cleanroomsml_tf.model.record import TRAINED_MODEL, Attribute, parse_timestamp


def first_problem(document: Any) -> str | None:
    """A one-line description of the first problem in ``document``; ``None`` when valid."""
    errors = sorted(validator(EMULATOR_DATA).iter_errors(document), key=_order)
    if errors:
        return _describe(document, errors[0])
    return _identifier_problem(document) or _timestamp_problem(document)


def _order(error: Any) -> tuple[int, int, str]:
    path = list(error.absolute_path)
    item = path[1] if len(path) > 1 and path[0] == "trainedModels" else -1
    return (item, len(path), "/".join(map(str, path)))


def _where(document: Any, path: Sequence[Any]) -> tuple[str, list[str]]:
    """(``trainedModels[3] (trainedModelArn ...)`` or ``document``, remaining field path)."""
    if len(path) >= 2 and path[0] == "trainedModels" and isinstance(path[1], int):
        label = f"trainedModels[{path[1]}]"
        item = document["trainedModels"][path[1]]
        arn = item.get("trainedModelArn") if isinstance(item, dict) else None
        if isinstance(arn, str) and arn.isprintable():  # a bad one is shown (repr) as the value
            label += f" (trainedModelArn {arn})"
        return label, [str(p) for p in path[2:]]
    if path:
        first, *rest = path
        label = str(first) + "".join(f"[{p}]" for p in rest)
        return label, []
    return "document", []


def _field(parts: Sequence[str]) -> str:
    # List indexes read better as [0] than as .0
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text


def _describe(document: Any, error: Any) -> str:
    path = list(error.absolute_path)
    where, parts = _where(document, path)
    if error.validator == "required":
        missing = [m for m in error.validator_value if m not in error.instance]
        problem = "missing (required)"
        if len(missing) > 1:
            problem += f"; also missing: {', '.join(repr(m) for m in missing[1:])}"
        return _join(where, parts, problem, missing_field=missing[0] if missing else None)
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in known)
        return _join(where, parts, "unknown field (not a member of the API response)",
                     missing_field=extra[0] if extra else None)
    if error.validator == "pattern" and error.schema.get("pattern") == TIMESTAMP_PATTERN:
        return _join(where, parts, f"{error.instance!r} is not an ISO-8601 timestamp "
                     "such as 2026-01-31T12:00:00Z")
    return _join(where, parts, error.message)


def _join(where: str, parts: list[str], problem: str, missing_field: str | None = None) -> str:
    if missing_field is not None:
        parts = [*parts, missing_field]
    if not parts:
        return f"{where}: {problem}"
    return f"{where}: field '{_field(parts)}': {problem}"


# The members a request looks models up by, and the identifier each must be.
_IDENTIFIERS = {
    "trainedModelArn": "trained_model_arn",
    "collaborationIdentifier": "collaboration_identifier",
    "versionIdentifier": "version_identifier",
}


def _identifier_problem(document: Any) -> str | None:
    """Identifiers must match their pattern as a whole: jsonschema matches with ``re.search``,
    whose ``$`` also accepts a trailing newline."""
    from cleanroomsml_tf.model.errors import InvalidInputError
    from cleanroomsml_tf.model.identifiers import validate_field

    for index, item in enumerate(document["trainedModels"]):
        for member, field in _IDENTIFIERS.items():
            value = item.get(member)
            if value is None:
                continue
            try:
                validate_field(field, value)
            except InvalidInputError as error:
                where, _ = _where(document, ["trainedModels", index])
                return f"{where}: field '{member}': {value!r}: expected {error.expected}"
    return None


def _timestamp_problem(document: Any) -> str | None:
    """Calendar validity of timestamps (the schema's pattern lets 2026-13-45 through)."""
    for index, item in enumerate(document["trainedModels"]):
        for attribute in _timestamps(TRAINED_MODEL):
            value = item.get(attribute.api_name)
            if value is None:
                continue
            try:
                parse_timestamp(value)
            except ValueError as error:
                where, _ = _where(document, ["trainedModels", index])
                return f"{where}: field '{attribute.api_name}': {value!r}: {error}"
    return None


def _timestamps(attributes: Sequence[Attribute]) -> list[Attribute]:
    return [a for a in attributes if a.kind == "timestamp"]
