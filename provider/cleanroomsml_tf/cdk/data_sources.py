"""The data source bindings ``cdktf get`` would generate for the ``cleanroomsml`` provider.

Arguments are explicit keyword arguments (checked against :mod:`cleanroomsml_tf.plugin.arguments`
by the tests); the computed attributes' typed getters are generated from the attribute table
and checked in (:mod:`cleanroomsml_tf.cdk.generated`, ``python -m cleanroomsml_tf.cdk.codegen``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cleanroomsml_tf.cdk.compat import cdktf_module
from cleanroomsml_tf.cdk.generated import (
    DataCleanroomsmlCollaborationTrainedModelAttributes,
    DataCleanroomsmlCollaborationTrainedModelsAttributes,
)
from cleanroomsml_tf.cdk.provider import GENERATOR_METADATA
from cleanroomsml_tf.plugin.arguments import MODEL_DATA_SOURCE, MODELS_DATA_SOURCE

_cdktf = cdktf_module()

if TYPE_CHECKING:  # cdktf's typed class; at run time the flavour's (cdktf or cdktn)
    from cdktf import TerraformDataSource as _TerraformDataSource
else:
    _TerraformDataSource = _cdktf.TerraformDataSource


def _strings(value: Sequence[str] | None) -> list[str] | None:
    # A bare string is a sequence too; ["A", "C", "T", ...] is never what was meant.
    if isinstance(value, str):
        return [value]
    return None if value is None else list(value)


class _DataSource(_TerraformDataSource):
    """Shared plumbing: meta-arguments, argument storage, synthesis."""

    TF_RESOURCE_TYPE = ""

    def __init__(self, scope: Any, id: str, arguments: dict[str, Any],  # noqa: A002
                 meta: dict[str, Any]) -> None:
        super().__init__(
            scope, id,
            terraform_resource_type=self.TF_RESOURCE_TYPE,
            terraform_generator_metadata=_cdktf.TerraformProviderGeneratorMetadata(
                **GENERATOR_METADATA),
            **{k: v for k, v in meta.items() if v is not None},
        )
        self._arguments = arguments

    @property
    def arguments(self) -> dict[str, Any]:
        """The configured arguments (a copy; unset ones are ``None``)."""
        return dict(self._arguments)

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        # Unset arguments are left out, as generated bindings do (undefined in JSON).
        return {k: v for k, v in self._arguments.items() if v is not None}

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        return self._synthesize_attributes()

    @property
    def id(self) -> str:
        """The data source's ``id`` attribute (string token)."""
        return self.get_string_attribute("id")


class DataCleanroomsmlCollaborationTrainedModel(
        _DataSource, DataCleanroomsmlCollaborationTrainedModelAttributes):
    """Data source ``cleanroomsml_collaboration_trained_model``: one trained model (version).

    Every attribute of the record is a read-only property (generated from the attribute table):
    strings as string tokens, numbers as :class:`~cleanroomsml_tf.cdk.tokens.NumberToken`,
    nested objects as output references (``.resource_config.instance_type``).
    """

    TF_RESOURCE_TYPE = MODEL_DATA_SOURCE
    """The Terraform data source type."""

    def __init__(
        self,
        scope: Any,
        id: str,  # noqa: A002 - cdktf's name for it
        *,
        trained_model_arn: str | None = None,
        name: str | None = None,
        collaboration_identifier: str,
        version_identifier: str | None = None,
        allowed_statuses: Sequence[str] | None = None,
        provider: Any = None,
        depends_on: Sequence[Any] | None = None,
        count: Any = None,
        for_each: Any = None,
        lifecycle: Any = None,
    ) -> None:
        """Read one trained model, named by ``trained_model_arn`` or by ``name`` (exactly one,
        checked by the provider); ``allowed_statuses`` fails the plan on any other status."""
        super().__init__(
            scope, id,
            {
                "trained_model_arn": trained_model_arn,
                "name": name,
                "collaboration_identifier": collaboration_identifier,
                "version_identifier": version_identifier,
                "allowed_statuses": _strings(allowed_statuses),
            },
            {"provider": provider, "depends_on": depends_on, "count": count,
             "for_each": for_each, "lifecycle": lifecycle},
        )

    @property
    def allowed_statuses(self) -> list[str]:
        """The ``allowed_statuses`` argument as a list token."""
        return self.get_list_attribute("allowed_statuses")


class DataCleanroomsmlCollaborationTrainedModels(
        _DataSource, DataCleanroomsmlCollaborationTrainedModelsAttributes):
    """Data source ``cleanroomsml_collaboration_trained_models``: a collaboration's models.

    ``trained_models`` is a list reference: a token for the whole list, ``.get(i)`` for one
    summary (``.get(0).name``).
    """

    TF_RESOURCE_TYPE = MODELS_DATA_SOURCE
    """The Terraform data source type."""

    def __init__(
        self,
        scope: Any,
        id: str,  # noqa: A002 - cdktf's name for it
        *,
        collaboration_identifier: str,
        statuses: Sequence[str] | None = None,
        name_regex: str | None = None,
        provider: Any = None,
        depends_on: Sequence[Any] | None = None,
        count: Any = None,
        for_each: Any = None,
        lifecycle: Any = None,
    ) -> None:
        """List the trained models of a collaboration, optionally filtered."""
        super().__init__(
            scope, id,
            {
                "collaboration_identifier": collaboration_identifier,
                "statuses": _strings(statuses),
                "name_regex": name_regex,
            },
            {"provider": provider, "depends_on": depends_on, "count": count,
             "for_each": for_each, "lifecycle": lifecycle},
        )

    @property
    def collaboration_identifier(self) -> str:
        """The ``collaboration_identifier`` argument (string token)."""
        return self.get_string_attribute("collaboration_identifier")

    @property
    def statuses(self) -> list[str]:
        """The ``statuses`` argument as a list token."""
        return self.get_list_attribute("statuses")

    @property
    def name_regex(self) -> str:
        """The ``name_regex`` argument (string token)."""
        return self.get_string_attribute("name_regex")
