"""Provider functions (Terraform >= 1.8: ``provider::cleanroomsml::NAME(...)``), registered here.

A function is a class with ``NAME``, ``signature()`` (a ``tfplugin6.Function`` message) and
``call(arguments) -> Outcome``. The servicer lists them in GetMetadata, GetProviderSchema and
GetFunctions and runs them in CallFunction. Terraform before 1.8 never asks for functions, so
offering them costs older versions nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Outcome:
    """A function's result, or its error (text, and the index of the argument at fault)."""

    result: Any = None
    error: str | None = None
    argument: int | None = None


class ProviderFunction(Protocol):
    """What the servicer needs of a provider function."""

    NAME: str

    @classmethod
    def signature(cls) -> Any:
        """The ``tfplugin6.Function`` message: parameters, return type, docs."""
        ...

    @classmethod
    def call(cls, arguments: list[Any]) -> Outcome:
        """Run with decoded arguments (never unknown: Terraform resolves those itself)."""
        ...


def functions() -> list[type[ProviderFunction]]:
    """Every provider function (imported here, when Terraform asks)."""
    from cleanroomsml_tf.plugin.functions.parse_trained_model_arn import ParseTrainedModelArn

    return [ParseTrainedModelArn]
