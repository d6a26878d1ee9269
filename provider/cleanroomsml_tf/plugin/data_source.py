"""What both data sources share: bound to the provider, every failure a diagnostic.

A data source subclass names itself (``NAME``), builds its schema, and implements
``check(diags, config)`` (``terraform validate``) and ``fetch(diags, config)`` (the read).
:class:`ProviderDataSource` turns anything they raise into an error diagnostic, so Terraform
never shows a Python traceback or "Exception calling application".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tf.iface import ReadDataContext
from tf.types import Unknown
from tf.utils import Diagnostics

from cleanroomsml_tf.errors import InvalidInputError
from cleanroomsml_tf.identifiers import validate_field
from cleanroomsml_tf.plugin.diagnostics import add_exception, add_invalid_input

if TYPE_CHECKING:
    from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider


def validate_known_identifiers(
    diags: Diagnostics, config: dict[str, Any], fields: Iterable[str]
) -> None:
    """Validate the identifiers that are known now, each diagnostic on its attribute."""
    for field in fields:
        value = config.get(field)
        if value is None or value is Unknown:
            continue  # unset (version) or unknown until apply: checked at read time
        try:
            validate_field(field, value)
        except InvalidInputError as error:
            add_invalid_input(diags, error)


class ProviderDataSource:
    """Base of the provider's data sources (implements ``tf.iface.DataSource``)."""

    NAME = ""
    """Type name without the provider prefix."""

    def __init__(self, provider: CleanroomsmlProvider) -> None:
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        """Type name without the provider prefix."""
        return cls.NAME

    def validate(self, diags: Diagnostics, type_name: str, config: dict[str, Any]) -> None:
        """``terraform validate``: :meth:`check`, every failure a diagnostic."""
        try:
            self.check(diags, config or {})
        except Exception as error:  # noqa: BLE001 - diagnostics, never a gRPC exception
            add_exception(diags, error, f"validating {type_name}")

    def read(self, ctx: ReadDataContext, config: dict[str, Any]) -> dict[str, Any] | None:
        """The read: :meth:`fetch`, every failure a diagnostic (and no state)."""
        try:
            return self.fetch(ctx.diagnostics, config)
        except Exception as error:  # noqa: BLE001
            add_exception(ctx.diagnostics, error, f"reading {ctx.type_name}")
            return None

    def check(self, diags: Diagnostics, config: dict[str, Any]) -> None:
        """Validate the configuration's known values (subclasses)."""
        raise NotImplementedError

    def fetch(self, diags: Diagnostics, config: dict[str, Any]) -> dict[str, Any] | None:
        """Resolve and return the state (subclasses)."""
        raise NotImplementedError
