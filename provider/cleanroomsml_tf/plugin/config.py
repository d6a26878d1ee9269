"""The provider configuration (Terraform's and the CDKTF binding's) -> client settings.

Terraform sends the provider block's values as cty values: numbers as floats (or as text when
float64 cannot hold them), and values not known until apply as the framework's marker. This
module turns them into :class:`~cleanroomsml_tf.aws.settings.ClientSettings`, refusing what
cannot be a setting with one line naming the argument as the user wrote it. Nothing here
imports msgpack or botocore: the CDKTF binding uses it too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cleanroomsml_tf.aws.settings import AssumeRole, ClientSettings
from cleanroomsml_tf.model.errors import ConfigurationError


def settings_from_provider_config(
    config: Mapping[str, Any] | None, *, unknown: object = None
) -> ClientSettings:
    """The provider's configuration (``region``, ``endpoint``, ``assume_role {...}``..., as in
    Terraform and the CDKTF binding) as :class:`ClientSettings`.

    Unset arguments are ``None``; so are those equal to ``unknown`` (the Terraform plugin passes
    its marker for values not known until apply: they fall back to the AWS defaults too).
    """

    def known(value: Any) -> Any:
        return None if value is unknown else value

    config = config or {}
    role = known(config.get("assume_role"))
    assume_role = None
    if role and known(role.get("role_arn")):
        assume_role = AssumeRole(
            role_arn=role["role_arn"],
            session_name=known(role.get("session_name")),
            external_id=known(role.get("external_id")),
        )

    def strings(name: str) -> tuple[str, ...] | None:
        value = known(config.get(name))
        if value is None:
            return None
        return tuple(item for item in value if item is not None and item is not unknown)

    max_attempts = known(config.get("max_attempts"))
    if isinstance(max_attempts, str):  # cty sends a number float64 cannot hold exactly as text
        try:
            max_attempts = float(max_attempts)
        except ValueError:
            raise ConfigurationError(
                f"invalid max_attempts {max_attempts!r}: expected an integer >= 1") from None
    if isinstance(max_attempts, float):
        if not max_attempts.is_integer():  # Terraform numbers arrive as floats
            raise ConfigurationError(
                f"invalid max_attempts {max_attempts!r}: expected an integer >= 1")
        max_attempts = int(max_attempts)
    timeout = known(config.get("timeout"))
    if timeout is not None:
        timeout = float(timeout)
        if not (timeout > 0 and math.isfinite(timeout)):  # named as the user wrote it
            raise ConfigurationError(f"invalid timeout {timeout:g}: expected seconds > 0")
    return ClientSettings(
        region=known(config.get("region")),
        profile=known(config.get("profile")),
        endpoint_url=known(config.get("endpoint")),
        shared_config_files=strings("shared_config_files"),
        shared_credentials_files=strings("shared_credentials_files"),
        max_attempts=max_attempts,
        retry_mode=known(config.get("retry_mode")),
        assume_role=assume_role,
        connect_timeout=timeout,
        read_timeout=timeout,
        deadline=timeout,
        verify_tls=not known(config.get("insecure")),
    )


def has_unknown(config: Any) -> bool:
    """True when any value of the Terraform provider configuration (nested blocks too) is not
    known yet (it comes from a resource Terraform has not created)."""
    from cleanroomsml_tf.plugin.values import Unknown

    pending = [config]
    while pending:
        value = pending.pop()
        if value is Unknown:
            return True
        if isinstance(value, Mapping):
            pending.extend(value.values())
        elif isinstance(value, list | tuple):
            pending.extend(value)
    return False


def settings_from_config(config: Mapping[str, Any] | None) -> ClientSettings:
    """The Terraform plugin's provider configuration as :class:`ClientSettings`; values still
    unknown at plan time fall back to the AWS defaults, like unset ones."""
    from cleanroomsml_tf.plugin.values import Unknown

    settings = settings_from_provider_config(config, unknown=Unknown)
    if settings.assume_role is not None and settings.assume_role.external_id:
        from cleanroomsml_tf.output.redaction import register_secret

        register_secret(settings.assume_role.external_id)  # never in TF_LOG output
    return settings
