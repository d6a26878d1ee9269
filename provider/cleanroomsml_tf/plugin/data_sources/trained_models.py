"""Data source ``cleanroomsml_collaboration_trained_models``: the models of a collaboration.

Arguments: ``collaboration_identifier`` (required), ``statuses`` and ``name_regex`` (optional
filters). Exports ``trained_models``, a list of summary objects (``record.TRAINED_MODEL_SUMMARY``,
every page of ListCollaborationTrainedModels), plus ``id``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from cleanroomsml_tf.model.record import TRAINED_MODEL_SUMMARY
from cleanroomsml_tf.plugin.arguments import (
    MODELS_ARGUMENTS,
    MODELS_DATA_SOURCE,
    TRAINED_MODELS_ATTRIBUTE,
    TYPE_PREFIX,
)
from cleanroomsml_tf.plugin.data_sources.common import (
    ProviderDataSource,
    validate_known_identifiers,
)
from cleanroomsml_tf.plugin.diagnostics import Diagnostics
from cleanroomsml_tf.plugin.schema import Schema, argument_attribute, encode_record, object_type
from cleanroomsml_tf.plugin.schema import TfAttribute as Attribute
from cleanroomsml_tf.plugin.types import List, String
from cleanroomsml_tf.plugin.values import Unknown


def compile_name_regex(diags: Diagnostics, value: Any) -> re.Pattern[str] | None:
    """The compiled ``name_regex``; an invalid one becomes a diagnostic on the attribute."""
    if value is None or value is Unknown:
        return None
    try:
        return re.compile(value)
    except re.error as error:
        diags.add_error(
            "Invalid input",
            f"invalid name_regex {value!r}: not a valid regular expression ({error})",
            path=["name_regex"],
        )
        return None


def select(
    summaries: list[dict[str, Any]], statuses: list[str] | None, pattern: re.Pattern[str] | None
) -> list[dict[str, Any]]:
    """The summaries whose status is in ``statuses`` and whose name matches (``re.search``)."""
    return [
        s for s in summaries
        if (statuses is None or s.get("status") in statuses)
        and (pattern is None or pattern.search(s.get("name") or ""))
    ]


class TrainedModelsDataSource(ProviderDataSource):
    """Lists a collaboration's trained models, optionally filtered."""

    NAME = MODELS_DATA_SOURCE.removeprefix(TYPE_PREFIX)
    IDENTIFIERS = ("collaboration_identifier",)

    @classmethod
    @cache
    def get_schema(cls) -> Schema:
        """Arguments plus ``trained_models`` (list of summary objects generated from the table)."""
        summary = object_type(TRAINED_MODEL_SUMMARY)
        return Schema(
            attributes=[
                *(argument_attribute(a) for a in MODELS_ARGUMENTS),
                Attribute(TRAINED_MODELS_ATTRIBUTE, List(summary),
                          "The matching trained models (every page), one summary object each.",
                          computed=True),
                Attribute("id", String(), "The collaboration identifier.", computed=True),
            ],
            description="Lists the trained models of an AWS Clean Rooms ML collaboration.",
        )

    def check(self, diags: Diagnostics, config: dict[str, Any]) -> None:
        """``terraform validate``: the collaboration identifier and the regex, when known."""
        validate_known_identifiers(diags, config, self.IDENTIFIERS)
        compile_name_regex(diags, config.get("name_regex"))

    def fetch(self, diags: Diagnostics, config: dict[str, Any]) -> dict[str, Any] | None:
        """List every page, filter, return the state."""
        collaboration = config.get("collaboration_identifier")
        pattern = compile_name_regex(diags, config.get("name_regex"))
        if diags.has_errors():
            return None
        summaries = self.resolver.list_trained_models(collaboration)  # type: ignore[arg-type]
        statuses = config.get("statuses")
        selected = select(summaries, statuses, pattern)
        return {
            "collaboration_identifier": collaboration,
            "statuses": statuses,
            "name_regex": config.get("name_regex"),
            TRAINED_MODELS_ATTRIBUTE: [encode_record(TRAINED_MODEL_SUMMARY, s) for s in selected],
            "id": collaboration,
        }
