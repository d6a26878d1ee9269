"""Data source ``cleanroomsml_collaboration_trained_model``: one trained model's record.

Arguments: ``trained_model_arn`` or ``name`` (exactly one; the other is filled in from the
model), ``collaboration_identifier`` (required), ``version_identifier`` (optional; computed to
the resolved version when unset), ``allowed_statuses`` (optional gate).
Every attribute of ``record.TRAINED_MODEL`` is exported with its type, plus ``id``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cleanroomsml_tf.model.errors import (
    AmbiguousModelNameError,
    InvalidInputError,
    ModelContext,
    ModelNameNotFoundError,
)
from cleanroomsml_tf.model.identifiers import ModelRef, validate_name
from cleanroomsml_tf.model.record import TRAINED_MODEL, check_status
from cleanroomsml_tf.plugin.arguments import MODEL_ARGUMENTS, MODEL_DATA_SOURCE, TYPE_PREFIX
from cleanroomsml_tf.plugin.data_sources.common import (
    ProviderDataSource,
    validate_exactly_one_of,
    validate_known_identifiers,
)
from cleanroomsml_tf.plugin.diagnostics import Diagnostics, add_error, add_invalid_input
from cleanroomsml_tf.plugin.schema import Schema, data_source_attributes, encode_record
from cleanroomsml_tf.plugin.schema import TfAttribute as Attribute
from cleanroomsml_tf.plugin.types import String
from cleanroomsml_tf.plugin.values import Unknown

IDENTIFIERS = ("trained_model_arn", "collaboration_identifier", "version_identifier")

# Record attributes that are also arguments: the state keeps them as configured.
_RECORD_ARGUMENTS = tuple(
    a.name for a in MODEL_ARGUMENTS if any(r.name == a.name for r in TRAINED_MODEL)
)


def _known_strings(values: Any) -> list[str] | None:
    if values is None or values is Unknown:
        return None
    return [v for v in values if isinstance(v, str)]


def validate_allowed_statuses(diags: Diagnostics, config: dict[str, Any], name: str) -> None:
    """An allow-list that is set must allow something, and only statuses the service has
    (the ``TrainedModelStatus`` enum of the installed botocore): a typo such as ``ACTIV``
    would otherwise fail every plan with "status ACTIVE is not allowed"."""
    from cleanroomsml_tf.model.service_model import TRAINED_MODEL_STATUS, enum_values

    values = _known_strings(config.get(name))
    if values is None:
        return
    statuses = enum_values(TRAINED_MODEL_STATUS)
    unknown = [v for v in values if v not in statuses]
    if not values or unknown:
        which = f"; {unknown[0]!r} is not a status" if unknown else ""
        diags.add_error(
            "Invalid input",
            f"invalid {name} {values!r}: expected a non-empty list of statuses among "
            f"{', '.join(statuses)}{which}",
            path=[name],
        )


class TrainedModelDataSource(ProviderDataSource):
    """Reads one trained model (latest version unless ``version_identifier`` is set)."""

    NAME = MODEL_DATA_SOURCE.removeprefix(TYPE_PREFIX)
    IDENTIFIERS = IDENTIFIERS

    @classmethod
    @cache
    def get_schema(cls) -> Schema:
        """Generated from ``record.TRAINED_MODEL`` and ``arguments.MODEL_ARGUMENTS``; cached
        (it never changes in a process)."""
        attributes = data_source_attributes(MODEL_ARGUMENTS, TRAINED_MODEL)
        attributes.append(
            Attribute("id", String(), "`COLLABORATION/ARN@VERSION` of the resolved model.",
                      computed=True),
        )
        return Schema(
            attributes=attributes,
            description="Reads one AWS Clean Rooms ML collaboration trained model.",
        )

    def check(self, diags: Diagnostics, config: dict[str, Any]) -> None:
        """``terraform validate``: ARN or name (exactly one), the known identifiers and the
        status allow-list."""
        validate_exactly_one_of(diags, config, MODEL_ARGUMENTS)
        validate_known_identifiers(diags, config, IDENTIFIERS)
        validate_allowed_statuses(diags, config, "allowed_statuses")

    def fetch(self, diags: Diagnostics, config: dict[str, Any]) -> dict[str, Any] | None:
        """Resolve the model (by ARN, or by name through the collaboration's listing), apply
        the status gate, return the full state."""
        # Values known only now (from other resources) are checked again before any request.
        validate_exactly_one_of(diags, config, MODEL_ARGUMENTS)
        validate_known_identifiers(diags, config, IDENTIFIERS)
        validate_allowed_statuses(diags, config, "allowed_statuses")
        name = config.get("name")
        if name is not None:
            try:
                validate_name(name)
            except InvalidInputError as error:
                add_invalid_input(diags, error)
        if diags.has_errors():
            return None
        collaboration = config["collaboration_identifier"]
        if name is None:
            arn: str = config["trained_model_arn"]  # exactly one of the two is set
        else:
            try:
                arn = self.resolver.trained_model_arn_by_name(collaboration, name)
            except (ModelNameNotFoundError, AmbiguousModelNameError) as error:
                add_error(diags, error, path=["name"])
                return None
        ref = ModelRef(arn, collaboration, config.get("version_identifier"))
        record = self.resolver.get_trained_model(ref)
        allowed = _known_strings(config.get("allowed_statuses"))
        context = ModelContext(
            ref.collaboration_identifier, ref.trained_model_arn, ref.version_identifier
        )
        check_status(record, allowed, context)
        return self.state(config, record)

    @staticmethod
    def state(config: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
        """The data source state: the record, with the configured arguments kept as written."""
        state = encode_record(TRAINED_MODEL, record)
        for name in _RECORD_ARGUMENTS:
            if config.get(name) is not None:
                state[name] = config[name]
        resolved = ModelRef(
            state["trained_model_arn"], state["collaboration_identifier"],
            state["version_identifier"],
        )
        state["allowed_statuses"] = config.get("allowed_statuses")
        state["id"] = resolved.key
        return state
