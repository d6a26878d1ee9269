"""``CleanroomsmlProvider``: the provider binding ``cdktf get`` would generate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from cleanroomsml_tf import PROVIDER_SOURCE, __version__
from cleanroomsml_tf.aws.settings import AssumeRole
from cleanroomsml_tf.cdk.compat import cdktf_module
from cleanroomsml_tf.plugin.arguments import PROVIDER_TYPE

_cdktf = cdktf_module()

GENERATOR_METADATA: dict[str, str] = {
    "provider_name": PROVIDER_TYPE,
    "provider_version": __version__,
}
"""What every binding reports as its generator (cdktf checks providers are present by name)."""

AssumeRoleLike = AssumeRole | Mapping[str, Any]


def assume_role_to_terraform(value: AssumeRoleLike | None) -> dict[str, Any] | None:
    """The ``assume_role`` block as Terraform JSON (unset members dropped)."""
    if value is None:
        return None
    data = asdict(value) if is_dataclass(value) else dict(value)  # type: ignore[arg-type]
    if "role_arn" not in data:
        raise TypeError("assume_role needs role_arn")
    return {k: v for k, v in data.items() if v is not None}


class CleanroomsmlProvider(_cdktf.TerraformProvider):  # type: ignore[misc,name-defined]
    """The ``cleanroomsml`` provider (source ``cleanroomsml-tf/cleanroomsml``).

    Every argument is optional; unset ones fall back to the standard AWS environment, as in
    HCL. ``alias`` makes a second configuration that data sources select with ``provider=``.
    """

    TF_RESOURCE_TYPE = PROVIDER_TYPE
    """The provider's local name."""

    def __init__(
        self,
        scope: Any,
        id: str,  # noqa: A002 - cdktf's name for it
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint: str | None = None,
        shared_config_files: Sequence[str] | None = None,
        shared_credentials_files: Sequence[str] | None = None,
        max_attempts: int | None = None,
        retry_mode: str | None = None,
        timeout: float | None = None,
        insecure: bool | None = None,
        assume_role: AssumeRoleLike | None = None,
        alias: str | None = None,
    ) -> None:
        """Declare the provider configuration in ``scope`` (a stack)."""
        super().__init__(
            scope, id,
            terraform_resource_type=PROVIDER_TYPE,
            terraform_generator_metadata=_cdktf.TerraformProviderGeneratorMetadata(
                **GENERATOR_METADATA),
            terraform_provider_source=PROVIDER_SOURCE,
        )
        self._config: dict[str, Any] = {
            "region": region,
            "profile": profile,
            "endpoint": endpoint,
            "shared_config_files": list(shared_config_files)
            if shared_config_files is not None else None,
            "shared_credentials_files": list(shared_credentials_files)
            if shared_credentials_files is not None else None,
            "max_attempts": max_attempts,
            "retry_mode": retry_mode,
            "timeout": timeout,
            "insecure": insecure,
            "assume_role": assume_role_to_terraform(assume_role),
        }
        self._alias = alias

    # The base class's alias is a no-op "always overridden" accessor: generated providers
    # override it, and cdktf reads it (through jsii) for the fqn and the alias meta-argument.
    @property
    def alias(self) -> str | None:
        """The provider alias (``None``: the default configuration)."""
        return self._alias

    @alias.setter
    def alias(self, value: str | None) -> None:
        self._alias = value

    @property
    def config(self) -> dict[str, Any]:
        """The configured arguments (a copy; unset ones are ``None``)."""
        return dict(self._config)

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return {k: v for k, v in self._config.items() if v is not None} | (
            {"alias": self._alias} if self._alias is not None else {})

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        return self._synthesize_attributes()

