"""What both data sources share: the provider's resolver, every failure a diagnostic.

A data source subclass names itself (``NAME``), builds its schema, and implements
``check(diags, config)`` (``terraform validate``) and ``fetch(diags, config)`` (the read).
:class:`ProviderDataSource` turns anything they raise into an error diagnostic, so Terraform
never shows a Python traceback or "Exception calling application".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cleanroomsml_tf.model.errors import InvalidInputError
from cleanroomsml_tf.model.identifiers import prefix_problem, validate_field
from cleanroomsml_tf.plugin.arguments import Argument
from cleanroomsml_tf.plugin.diagnostics import Diagnostics, add_exception, add_invalid_input
from cleanroomsml_tf.plugin.values import Unknown

if TYPE_CHECKING:
    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.plugin.values import Path, Refinement


@dataclass
class ReadContext:
    """What a data source read gets besides its configuration."""

    diagnostics: Diagnostics
    type_name: str


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


def validate_exactly_one_of(
    diags: Diagnostics, config: dict[str, Any], arguments: Iterable[Argument]
) -> None:
    """Terraform's ``ExactlyOneOf`` for each group of alternative arguments in the table.

    Two or more set: an error on the last of them. None set: an error. An unknown member may
    yet turn out null or set, so a group holding one is judged by its known members only now
    and checked again at read time, when every value is known.
    """
    groups = dict.fromkeys(a.exactly_one_of for a in arguments if a.exactly_one_of)
    for group in groups:
        names = " or ".join(group)
        known = [name for name in group if config.get(name) not in (None, Unknown)]
        if len(known) > 1:
            diags.add_error(
                "Invalid Attribute Combination",
                f"exactly one of {names} may be set, not {' and '.join(known)}: they are "
                "alternative ways to name the model", path=[known[-1]])
        elif not known and not any(config.get(name) is Unknown for name in group):
            diags.add_error(
                "Invalid Attribute Combination", f"exactly one of {names} must be set (none is)")


def validate_refined_identifiers(
    diags: Diagnostics, refinements: Mapping[Path, Refinement], fields: Iterable[str]
) -> None:
    """An identifier that is unknown now but already known to start with a prefix no valid
    value starts with (``"arm:aws:..."``): say so now, on its attribute. Otherwise silent: the
    value is checked at read time, once known."""
    for field in fields:
        refinement = refinements.get((field,))
        prefix = refinement.string_prefix if refinement else None
        if not prefix:
            continue
        problem = prefix_problem(field, prefix)
        if problem:
            diags.add_error("Invalid input", problem, path=[field])


class ProviderDataSource:
    """Base of the provider's data sources."""

    NAME = ""
    """Type name without the provider prefix."""
    IDENTIFIERS: tuple[str, ...] = ()
    """Arguments checked against the service model's identifier patterns."""

    def __init__(self, resolver: Callable[[], Resolver]) -> None:
        self._resolver = resolver

    @property
    def resolver(self) -> Resolver:
        """The provider's shared resolver (its provider data, handed over when the data source
        is made; called at read time, after Terraform has configured the provider)."""
        return self._resolver()

    @classmethod
    def get_name(cls) -> str:
        """Type name without the provider prefix."""
        return cls.NAME

    def validate(
        self, diags: Diagnostics, type_name: str, config: dict[str, Any],
        refinements: Mapping[Path, Refinement] | None = None,
    ) -> None:
        """``terraform validate``: :meth:`check`, then what refined unknowns already tell;
        every failure a diagnostic."""
        try:
            self.check(diags, config or {})
            validate_refined_identifiers(diags, refinements or {}, self.IDENTIFIERS)
        except Exception as error:  # noqa: BLE001 - diagnostics, never a gRPC exception
            add_exception(diags, error, f"validating {type_name}")

    def read(self, ctx: ReadContext, config: dict[str, Any]) -> dict[str, Any] | None:
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
