"""Validation of the identifiers a lookup takes, driven by the installed service model.

botocore checks lengths but not patterns, so a typo would otherwise travel to AWS and come back
as a ValidationException (or, worse, be percent-encoded into another path). We check both,
before any request, and name the field, the bad value and the expected form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from cleanroomsml_tf.model.errors import InvalidInputError
from cleanroomsml_tf.model.service_model import GET_OPERATION, LIST_OPERATION, input_constraints

# snake_case field name -> (operation, API member name)
_FIELDS: dict[str, tuple[str, str]] = {
    "trained_model_arn": (GET_OPERATION, "trainedModelArn"),
    "collaboration_identifier": (GET_OPERATION, "collaborationIdentifier"),
    "version_identifier": (GET_OPERATION, "versionIdentifier"),
    "next_token": (LIST_OPERATION, "nextToken"),
}

_EXAMPLES = {
    "trained_model_arn": "arn:aws:cleanrooms-ml:REGION:ACCOUNT:membership/UUID/trained-model/ID",
    "collaboration_identifier": "a lowercase UUID such as 0f3a1d2c-8b7e-4c59-9a41-2d6e8f0b1c3a",
    "version_identifier": "a lowercase UUID such as 0f3a1d2c-8b7e-4c59-9a41-2d6e8f0b1c3a",
}


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # The model's patterns are unanchored (Smithy drops ^...$); the service matches whole values.
    return re.compile(pattern)


def expected_form(field: str) -> str:
    """A human description of what the field must look like."""
    operation, member = _FIELDS[field]
    c = input_constraints(operation)[member]
    parts = []
    if field in _EXAMPLES:
        parts.append(_EXAMPLES[field])
    if "pattern" in c:
        parts.append(f"matching /{c['pattern']}/")
    if "min" in c or "max" in c:
        if c.get("min") == c.get("max"):
            parts.append(f"exactly {c['min']} characters")
        else:
            parts.append(f"{c.get('min', 0)} to {c.get('max', 'any')} characters")
    return ", ".join(parts)


def validate_field(field: str, value: object) -> str:
    """Return ``value`` if it is a valid ``field``; raise :class:`InvalidInputError` otherwise."""
    operation, member = _FIELDS[field]
    c = input_constraints(operation)[member]
    if not isinstance(value, str):
        raise InvalidInputError(field, value, expected_form(field))
    too_short = len(value) < c.get("min", 0)
    too_long = "max" in c and len(value) > c["max"]
    mismatch = "pattern" in c and not _compiled(c["pattern"]).fullmatch(value)
    if too_short or too_long or mismatch:
        raise InvalidInputError(field, value, expected_form(field))
    return value


@dataclass(frozen=True)
class ModelRef:
    """Which trained model to resolve. ``version_identifier=None`` means the latest version."""

    trained_model_arn: str
    collaboration_identifier: str
    version_identifier: str | None = None

    def validate(self) -> ModelRef:
        """Raise :class:`InvalidInputError` for the first invalid field; return self."""
        errors = self.errors()
        if errors:
            raise errors[0]
        return self

    def errors(self) -> list[InvalidInputError]:
        """Every invalid field, in argument order (the plugin reports them all at once)."""
        found = []
        for field in ("trained_model_arn", "collaboration_identifier", "version_identifier"):
            value = getattr(self, field)
            if value is None and field == "version_identifier":
                continue
            try:
                validate_field(field, value)
            except InvalidInputError as error:
                found.append(error)
        return found

    @property
    def key(self) -> str:
        """Stable text key ``COLLABORATION/ARN@VERSION|latest`` (lock files, reports)."""
        return (
            f"{self.collaboration_identifier}/{self.trained_model_arn}"
            f"@{self.version_identifier or 'latest'}"
        )


@dataclass(frozen=True)
class TrainedModelArn:
    """The parts of a trained model ARN
    (``arn:PARTITION:cleanrooms-ml:REGION:ACCOUNT:membership/MEMBERSHIP/trained-model/ID``)."""

    partition: str
    region: str
    account_id: str
    membership_id: str
    trained_model_id: str


def parse_trained_model_arn(arn: object, field: str = "trained_model_arn") -> TrainedModelArn:
    """Split a valid trained model ARN into its parts; :class:`InvalidInputError` naming
    ``field`` when it is not one (checked against the service model's pattern first)."""
    try:
        validate_field("trained_model_arn", arn)
    except InvalidInputError as error:
        raise InvalidInputError(field, arn, error.expected) from None
    _arn, partition, _service, region, account_id, resource = str(arn).split(":", 5)
    # The pattern guarantees "membership/UUID/trained-model/ID" (the ID may hold slashes).
    _membership, membership_id, _kind, trained_model_id = resource.split("/", 3)
    return TrainedModelArn(partition, region, account_id, membership_id, trained_model_id)


def prefix_problem(field: str, prefix: str) -> str | None:
    """Why no value starting with ``prefix`` can be a valid ``field``, in one line (``None``:
    some value can).

    For a refined unknown at validate time: Terraform knows the value will start with
    ``prefix`` (``"arn:aws:cleanrooms-ml:${var.region}..."`` -> ``"arn:aws:cleanrooms-ml:"``).
    """
    from cleanroomsml_tf.model.patterns import can_start_match

    operation, member = _FIELDS[field]
    c = input_constraints(operation)[member]
    too_long = "max" in c and len(prefix) > c["max"]
    if too_long or ("pattern" in c and not can_start_match(c["pattern"], prefix)):
        return (
            f"invalid {field}: it starts with {prefix!r}, which no valid value starts with; "
            f"expected {expected_form(field)}"
        )
    return None


def name_constraints() -> dict[str, object]:
    """``{"min", "max", "pattern"}`` of a trained model's name, from the service model (the
    ``name`` member of ListCollaborationTrainedModels' summaries: 1 to 63 characters, not only
    white space). Loads botocore's model: called at read time, not at validate time."""
    from cleanroomsml_tf.model.service_model import operation

    summaries = operation(LIST_OPERATION).output_shape.members["collaborationTrainedModels"]
    shape = summaries.member.members["name"]
    return {k: shape.metadata[k] for k in ("min", "max", "pattern") if k in shape.metadata}


def validate_name(value: object, field: str = "name") -> str:
    """Return ``value`` if it can be a trained model's name; :class:`InvalidInputError` naming
    ``field`` otherwise (before any request)."""
    c = name_constraints()
    low, high = c.get("min", 1), c.get("max")
    expected = f"a trained model name, {low} to {high} characters, not only white space"
    if not isinstance(value, str):
        raise InvalidInputError(field, value, expected)
    pattern = c.get("pattern")
    too_long = isinstance(high, int) and len(value) > high
    too_short = isinstance(low, int) and len(value) < low
    if too_short or too_long or (isinstance(pattern, str)
                                 and not _compiled(pattern).fullmatch(value)):
        raise InvalidInputError(field, value, expected)
    return value
