"""Terraform's ``DynamicValue`` wire format: msgpack (or JSON) in, msgpack out, unknowns included.

Terraform sends a value it will only know at apply time as a msgpack *extension*:

- code 0: a plain unknown (payload ignored);
- code 12 (Terraform >= 1.6): a *refined* unknown, whose payload is a msgpack map of what is
  already known about the final value: ``1`` nullness (bool), ``2`` string prefix, ``3``/``4``
  number lower/upper bound (``[number, inclusive]``), ``5``/``6`` collection length bounds;
- any other code: an unknown too (the protocol reserves them; their payload is ignored).

Every one of them decodes to the one :data:`Unknown` sentinel (defined here: the provider's
code tests ``value is Unknown``), wherever it sits (top level,
inside objects, lists, maps), so code that asks ``value is Unknown`` treats them all alike.
What a refinement says is not lost: :func:`decode` also returns the refinements by attribute
path, for the checks that can already fail at validate time (a string prefix that can never
become a valid ARN). Refinement keys this code does not know are ignored, as the protocol asks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import msgpack


class _Unknown:
    """The type of :data:`Unknown`: one instance, which copies return unchanged."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Unknown"

    def __copy__(self) -> _Unknown:
        return self

    def __deepcopy__(self, memo: object) -> _Unknown:
        return self

    def __reduce__(self) -> str:
        return "Unknown"  # pickles as the module attribute: still the one instance


Unknown = _Unknown()
"""A value Terraform will only know at apply time (compare with ``is``)."""

UNKNOWN_EXT_CODE = 0
REFINED_UNKNOWN_EXT_CODE = 12

_NULLNESS = 1
_STRING_PREFIX = 2
_NUMBER_LOWER = 3
_NUMBER_UPPER = 4
_LENGTH_LOWER = 5
_LENGTH_UPPER = 6

PathStep = str | int
Path = tuple[PathStep, ...]
"""An attribute path: attribute names (str) and list indexes (int); map keys are str too."""


@dataclass(frozen=True)
class Refinement:
    """What Terraform already knows about an unknown value (every field optional)."""

    not_null: bool | None = None
    """``True``: the value will not be null; ``False``: it will be (never sent in practice)."""
    string_prefix: str | None = None
    number_lower: tuple[Any, bool] | None = None
    """(bound, inclusive)."""
    number_upper: tuple[Any, bool] | None = None
    length_lower: int | None = None
    length_upper: int | None = None


def parse_refinement(payload: bytes) -> Refinement:
    """The refinement map of an extension-12 payload; malformed payloads refine nothing."""
    try:
        data = msgpack.unpackb(payload, strict_map_key=False, raw=False)
    except Exception:  # noqa: BLE001 - "it's always safe to ignore refinements"
        return Refinement()
    if not isinstance(data, dict):
        return Refinement()
    nullness = data.get(_NULLNESS)
    prefix = data.get(_STRING_PREFIX)
    return Refinement(
        not_null=(not nullness) if isinstance(nullness, bool) else None,
        string_prefix=prefix if isinstance(prefix, str) else None,
        number_lower=_bound(data.get(_NUMBER_LOWER)),
        number_upper=_bound(data.get(_NUMBER_UPPER)),
        length_lower=_length(data.get(_LENGTH_LOWER)),
        length_upper=_length(data.get(_LENGTH_UPPER)),
    )


def _bound(value: Any) -> tuple[Any, bool] | None:
    if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[1], bool):
        return value[0], value[1]
    return None


def _length(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class Decoded:
    """A decoded value (unknowns as :data:`Unknown`) and the refinements found in it by path."""

    value: Any
    refinements: dict[Path, Refinement]


class _Marker:
    """Stands for an unknown while msgpack builds the containers (ext hooks see no path)."""

    __slots__ = ("refinement",)

    def __init__(self, refinement: Refinement | None) -> None:
        self.refinement = refinement


def _ext_hook(code: int, payload: bytes) -> _Marker:
    if code == REFINED_UNKNOWN_EXT_CODE:
        return _Marker(parse_refinement(payload))
    return _Marker(None)


def _resolve(value: Any, path: Path, refinements: dict[Path, Refinement]) -> Any:
    """Replace every marker by :data:`Unknown`, recording refinements under their path."""
    if isinstance(value, _Marker):
        if value.refinement is not None:
            refinements[path] = value.refinement
        return Unknown
    if isinstance(value, dict):
        return {k: _resolve(v, (*path, k), refinements) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, (*path, i), refinements) for i, v in enumerate(value)]
    return value


def decode_msgpack(data: bytes) -> Decoded:
    """Decode a msgpack ``DynamicValue`` payload."""
    markers = 0

    def ext_hook(code: int, payload: bytes) -> _Marker:
        nonlocal markers
        markers += 1
        return _ext_hook(code, payload)

    raw = msgpack.unpackb(data, ext_hook=ext_hook, raw=False, strict_map_key=False)
    refinements: dict[Path, Refinement] = {}
    if not markers:  # nothing unknown (most calls): walking the value again would only copy it
        return Decoded(raw, refinements)
    return Decoded(_resolve(raw, (), refinements), refinements)


def decode(dynamic_value: dict[str, Any] | None) -> Decoded:
    """Decode a ``tfplugin6.DynamicValue`` message (a dict: msgpack preferred, JSON accepted,
    absent or empty -> null)."""
    dynamic_value = dynamic_value or {}
    if dynamic_value.get("msgpack"):
        return decode_msgpack(dynamic_value["msgpack"])
    if dynamic_value.get("json"):
        return Decoded(json.loads(dynamic_value["json"]), {})
    return Decoded(None, {})


def _default(value: Any) -> Any:
    if value is Unknown:
        return msgpack.ExtType(UNKNOWN_EXT_CODE, b"\x00")
    raise TypeError(f"cannot encode {type(value).__name__} for Terraform")


def encode_msgpack(value: Any) -> bytes:
    """msgpack bytes of a value; :data:`Unknown` as a plain (code 0) unknown."""
    return msgpack.packb(value, default=_default, use_bin_type=True)


def dynamic_value(value: Any) -> dict[str, Any]:
    """A ``tfplugin6.DynamicValue`` message (a dict) holding ``value`` as msgpack."""
    return {"msgpack": encode_msgpack(value)}


def contains_unknown(value: Any) -> bool:
    """Whether an unknown sits anywhere in ``value``."""
    if value is Unknown:
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False
