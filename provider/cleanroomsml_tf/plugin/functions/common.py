"""What every provider function is and returns (the servicer's view of one)."""

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
