"""The one attribute table: the trained-model record, described once.

``TRAINED_MODEL`` describes every member of the GetCollaborationTrainedModel output (checked
against the installed botocore by ``tests/test_record.py``). Everything else is a view of it:
:func:`normalize` turns an API response into the normalized record; its JSON Schemas
(:mod:`cleanroomsml_tf.model.json_schemas`), the Terraform schema (``plugin/``), the CDKTF
getters (``cdk/``) and the docs are generated from it.

``TRAINED_MODEL_SUMMARY`` is the subset that ListCollaborationTrainedModels returns per model.

Normalization rules:

* every API member appears under its snake_case name, always, absent members as ``None``;
* nested structures become dicts with snake_case keys (an absent structure is ``None``);
* ``incremental_training_data_channels`` is a list of dicts, and ``None`` when the API omits it
  (older API versions never send it; ``None`` keeps "not reported" apart from "reported empty");
* timestamps become RFC 3339 strings in UTC with a ``Z`` suffix;
* forward-compatible: enum values pass through as strings, including values newer than the
  installed botocore, and members the table does not know are dropped;
* strict, never a guessed value: a member of the wrong type (a string that is not a string, a
  number that is not an integer — ``True``, ``2.5`` and ``"2"`` are not; ``2.0`` is ``2`` — an
  object that is not a mapping, a list that is not a list of mappings, a timestamp that is
  neither a ``datetime`` nor an ISO-8601 string), or a member the API marks ``required`` (from
  botocore's output shapes) that is absent or null, raises
  :class:`~cleanroomsml_tf.model.errors.MalformedRecordError` naming the API member path
  (``resourceConfig.instanceCount``), the value received and the form expected.

The same rules check raw response bodies before botocore parses them
(:mod:`cleanroomsml_tf.aws.responses`), because botocore's parser would turn ``2.5`` into ``2``.

This module imports nothing heavy: the Terraform plugin reads it at start-up.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cleanroomsml_tf.model.errors import (
    MalformedDataError,
    MalformedRecordError,
    ModelContext,
    StatusNotAllowedError,
    shown,
)

Kind = Literal["string", "number", "timestamp", "object", "list"]


@dataclass(frozen=True)
class Attribute:
    """One member of the record.

    ``kind`` is the normalized type: ``string``, ``number`` (API integers), ``timestamp``
    (RFC 3339 string), ``object`` (nested structure, ``children`` are its members) or ``list``
    (list of objects, ``children`` describe one element).
    """

    name: str
    api_name: str
    kind: Kind
    description: str
    children: tuple[Attribute, ...] = ()
    enum: bool = False
    """The API declares an enum: values are passed through as strings, unknown ones too."""
    required: bool = False
    """The API's output shape lists the member as required: absent or null, the response is
    malformed (the same members are required in the record and in a summary)."""

    @property
    def is_scalar(self) -> bool:
        """True for strings, numbers and timestamps."""
        return self.kind not in ("object", "list")


def _string(
    name: str, api_name: str, description: str, *, enum: bool = False, required: bool = False
) -> Attribute:
    return Attribute(name, api_name, "string", description, enum=enum, required=required)


def _number(name: str, api_name: str, description: str, *, required: bool = False) -> Attribute:
    return Attribute(name, api_name, "number", description, required=required)


def _timestamp(name: str, api_name: str, description: str, *, required: bool = False) -> Attribute:
    return Attribute(name, api_name, "timestamp", description, required=required)


TRAINED_MODEL: tuple[Attribute, ...] = (
    _string("membership_identifier", "membershipIdentifier",
            "The membership ID of the member that created the trained model.", required=True),
    _string("collaboration_identifier", "collaborationIdentifier",
            "The collaboration ID of the collaboration that contains the trained model.",
            required=True),
    _string("trained_model_arn", "trainedModelArn", "The ARN of the trained model.", required=True),
    _string("version_identifier", "versionIdentifier",
            "The version identifier of this version of the trained model (null on the older API)."),
    Attribute(
        "incremental_training_data_channels", "incrementalTrainingDataChannels", "list",
        "The incremental training data channels used to create this version "
        "(null when the API reports none).",
        children=(
            _string("channel_name", "channelName",
                    "The name of the incremental training data channel.", required=True),
            _string("version_identifier", "versionIdentifier",
                    "The version identifier of the base trained model."),
            _string("model_name", "modelName", "The name of the base trained model.",
                    required=True),
        ),
    ),
    _string("name", "name", "The name of the trained model.", required=True),
    _string("description", "description", "The description of the trained model."),
    _string("status", "status", "The status of the trained model, e.g. ACTIVE.", enum=True,
            required=True),
    Attribute(
        "status_details", "statusDetails", "object", "Details about the status.",
        children=(
            _string("status_code", "statusCode", "The status code, for programmatic handling."),
            _string("message", "message", "The human-readable status message."),
        ),
    ),
    _string("configured_model_algorithm_association_arn", "configuredModelAlgorithmAssociationArn",
            "The ARN of the configured model algorithm association used to train the model.",
            required=True),
    Attribute(
        "resource_config", "resourceConfig", "object",
        "The EC2 resource configuration used to train the model.",
        children=(
            _number("instance_count", "instanceCount", "The number of training instances."),
            _string("instance_type", "instanceType",
                    "The training instance type, e.g. ml.m5.xlarge.", enum=True, required=True),
            _number("volume_size_in_gb", "volumeSizeInGB",
                    "The volume size of each training instance, in GB.", required=True),
        ),
    ),
    _string("training_input_mode", "trainingInputMode",
            "How training data was made available: File, FastFile or Pipe (null on the older API).",
            enum=True),
    Attribute(
        "stopping_condition", "stoppingCondition", "object",
        "The stopping condition that determined when training ended.",
        children=(
            _number("max_runtime_in_seconds", "maxRuntimeInSeconds",
                    "The maximum training run time, in seconds."),
        ),
    ),
    _string("metrics_status", "metricsStatus", "The status of the model metrics.", enum=True),
    _string("metrics_status_details", "metricsStatusDetails",
            "Details about the model metrics status."),
    _string("logs_status", "logsStatus", "The status of the model logs.", enum=True),
    _string("logs_status_details", "logsStatusDetails", "Details about the model logs status."),
    _string("training_container_image_digest", "trainingContainerImageDigest",
            "The digest of the training container image."),
    _string("ml_model_training_payer_account_id", "mlModelTrainingPayerAccountId",
            "The account ID of the member that pays for model training (null when not reported)."),
    _timestamp("create_time", "createTime",
               "When the trained model (version) was created, RFC 3339 UTC.", required=True),
    _timestamp("update_time", "updateTime",
               "When the trained model was last updated, RFC 3339 UTC.", required=True),
    _string("creator_account_id", "creatorAccountId",
            "The account ID of the member that created the trained model.", required=True),
)
"""Every member of the GetCollaborationTrainedModel output, in API order."""

SUMMARY_MEMBERS: tuple[str, ...] = (
    "trained_model_arn", "name", "version_identifier", "incremental_training_data_channels",
    "description", "membership_identifier", "collaboration_identifier", "status",
    "configured_model_algorithm_association_arn", "creator_account_id", "create_time",
    "update_time", "ml_model_training_payer_account_id",
)

TRAINED_MODEL_SUMMARY: tuple[Attribute, ...] = tuple(
    a for a in TRAINED_MODEL if a.name in SUMMARY_MEMBERS
)
"""The members of one ListCollaborationTrainedModels summary (a subset of the record)."""

BY_NAME: dict[str, Attribute] = {a.name: a for a in TRAINED_MODEL}

LIST_MEMBER = "collaborationTrainedModels"
"""The (required) member of a ListCollaborationTrainedModels page that holds the summaries."""


RFC3339_UTC_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"
"""A normalized timestamp (what :func:`format_timestamp` writes), as a JSON Schema pattern."""


def is_rfc3339_utc(text: str) -> bool:
    r"""True for a normalized timestamp that is a real date and time (2026-13-45 is not).

    Stricter than the pattern as Python's jsonschema applies it (``re.search``): there ``\d``
    takes any Unicode digit and ``$`` a trailing newline.
    """
    if re.fullmatch(RFC3339_UTC_PATTERN, text, re.ASCII) is None:
        return False
    try:
        parse_timestamp(text)
    except ValueError:
        return False
    return True


def parse_timestamp(value: str) -> _dt.datetime:
    """An ISO-8601 timestamp (``Z`` or an offset) as an aware datetime; naive ones are UTC."""
    parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.UTC)


def format_timestamp(value: Any) -> str:
    """RFC 3339 in UTC with a ``Z`` suffix; fractional seconds only when there are some.

    Accepts a ``datetime`` (naive ones are taken as UTC) or an ISO-8601 string.
    """
    if isinstance(value, str):
        value = parse_timestamp(value)
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"expected a datetime or ISO-8601 string, got {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    value = value.astimezone(_dt.UTC)
    # strftime's %Y does not zero-pad years before 1000 on every platform; format by hand.
    text = (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


_EXPECTED: dict[str, str] = {
    "string": "a string",
    "number": "an integer",
    "timestamp": "an ISO-8601 timestamp",
    "object": "an object",
    "list": "a list of objects",
}
"""What each kind must look like, as error messages say it."""

_ABSENT = MalformedRecordError.ABSENT
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"


def replace_lone_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, the replacement character.

    JSON may carry ``"\\ud800"`` alone (other collaboration members write names and
    descriptions); UTF-8 cannot, so such a string could not be printed, locked, or stored in
    Terraform state. The replacement is what Go's JSON decoder, so Terraform's AWS provider,
    does: every other character of the text is kept, and one model's bad text never blocks
    the others.
    """
    return _LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, text) if _LONE_SURROGATE.search(
        text) else text


def _normalize_value(attribute: Attribute, value: Any, path: str) -> Any:
    if value is None or value is _ABSENT:
        if attribute.required:
            raise MalformedRecordError(path, value, _EXPECTED[attribute.kind], required=True)
        return None
    kind = attribute.kind
    if kind == "string":
        if isinstance(value, str):
            return replace_lone_surrogates(value)
    elif kind == "number":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)  # JSON has one number type: 2.0 is the integer 2
    elif kind == "timestamp":
        if isinstance(value, _dt.datetime | str):
            try:
                return format_timestamp(value)
            except (ValueError, OverflowError):
                pass
    elif kind == "object":
        if isinstance(value, Mapping):
            return _normalize_members(attribute.children, value, f"{path}.")
    elif isinstance(value, list):
        return [_normalize_item(attribute.children, item, f"{path}[{index}]")
                for index, item in enumerate(value)]
    raise MalformedRecordError(path, value, _EXPECTED[kind])


def _normalize_item(attributes: Iterable[Attribute], item: Any, path: str) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise MalformedRecordError(path, item, "an object")
    return _normalize_members(attributes, item, f"{path}.")


def _normalize_members(
    attributes: Iterable[Attribute], data: Mapping[str, Any], prefix: str = ""
) -> dict[str, Any]:
    return {
        a.name: _normalize_value(a, data.get(a.api_name, _ABSENT), prefix + a.api_name)
        for a in attributes
    }


def normalize(response: Mapping[str, Any]) -> dict[str, Any]:
    """Turn a GetCollaborationTrainedModel response into the record.

    ``response`` is botocore's parsed dict or the decoded JSON body. Members the table does not
    know (``ResponseMetadata``, fields newer than this release) are dropped; the table test makes
    sure a new botocore field can't go unnoticed. A member of the wrong type, or a required one
    absent or null, raises :class:`~cleanroomsml_tf.model.errors.MalformedRecordError` naming its
    API path (``resourceConfig.instanceCount``): never a guessed value.
    """
    if not isinstance(response, Mapping):
        raise MalformedDataError(f"the response is {shown(response)}, expected an object")
    return _normalize_members(TRAINED_MODEL, response)


def normalize_summary(summary: Mapping[str, Any], *, where: str = "") -> dict[str, Any]:
    """Turn one ListCollaborationTrainedModels summary into a normalized summary record.

    ``where`` prefixes member paths in errors (``collaborationTrainedModels[3]``).
    """
    if where:
        return _normalize_item(TRAINED_MODEL_SUMMARY, summary, where)
    return _normalize_members(TRAINED_MODEL_SUMMARY, _as_mapping(summary, "the summary"))


def normalize_page(page: Mapping[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """One ListCollaborationTrainedModels page: its normalized summaries and its ``nextToken``.

    ``collaborationTrainedModels`` is required (a list of summaries); ``nextToken`` is a string
    when present. Errors name the member path (``collaborationTrainedModels[3].createTime``).
    """
    page = _as_mapping(page, "the response")
    items = page.get(LIST_MEMBER, _ABSENT)
    if items is _ABSENT or items is None:
        raise MalformedRecordError(LIST_MEMBER, items, _EXPECTED["list"], required=True)
    if not isinstance(items, list):
        raise MalformedRecordError(LIST_MEMBER, items, _EXPECTED["list"])
    summaries = [normalize_summary(item, where=f"{LIST_MEMBER}[{index}]")
                 for index, item in enumerate(items)]
    token = page.get("nextToken")
    if token is not None and not isinstance(token, str):
        raise MalformedRecordError("nextToken", token, _EXPECTED["string"])
    return summaries, token


def _as_mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedDataError(f"{what} is {shown(value)}, expected an object")
    return value


def iter_leaf_paths(
    attributes: Iterable[Attribute] = TRAINED_MODEL, prefix: str = ""
) -> Iterable[tuple[str, Attribute]]:
    """Dotted paths of every scalar attribute, descending into objects (not into lists).

    ``resource_config.instance_type`` and friends: what drift compares and CDKTF exposes flat.
    """
    for attribute in attributes:
        path = f"{prefix}{attribute.name}"
        if attribute.kind == "object":
            yield from iter_leaf_paths(attribute.children, prefix=f"{path}.")
        else:
            yield path, attribute


def attribute_at(path: str, attributes: tuple[Attribute, ...] = TRAINED_MODEL) -> Attribute:
    """The attribute at a dotted path (``resource_config.instance_type``); KeyError if none."""
    found: Attribute | None = None
    for part in path.split("."):
        found = next((a for a in attributes if a.name == part), None)
        if found is None:
            raise KeyError(path)
        attributes = found.children
    if found is None:
        raise KeyError(path)
    return found


def get_path(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (``resource_config.instance_type``); ``None`` when absent."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def check_status(
    record: dict[str, Any], allowed: Iterable[str] | None, context: ModelContext
) -> None:
    """Raise :class:`~cleanroomsml_tf.model.errors.StatusNotAllowedError` unless the record's
    status is in ``allowed`` (the deployment gate of the data source and of synth-time lookups).

    ``allowed=None`` disables the gate.
    """
    if allowed is None:
        return
    allowed = tuple(allowed)
    if record.get("status") not in allowed:
        raise StatusNotAllowedError(context, record.get("status"), allowed)
