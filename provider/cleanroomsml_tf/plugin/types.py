"""Terraform (cty) value types: how the schema names them and how values are encoded for them.

A type knows its cty type as the schema's JSON bytes (``"string"``, ``["list","string"]``,
``["object",{"name":"string",...}]``) and how a Python value becomes the msgpack-ready value
Terraform expects. ``None`` (null) and :data:`~cleanroomsml_tf.plugin.values.Unknown` pass
through every type unchanged. An object value travels as a msgpack map keyed by attribute name
with every attribute present (null when unset): :class:`Object` fills absent members with null,
so callers can hand it a partial dict.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

from cleanroomsml_tf.plugin.values import Unknown


class TfType(Protocol):
    """A Terraform value type."""

    def tf_type(self) -> bytes:
        """The cty type as the schema's JSON bytes."""

    def encode(self, value: Any) -> Any:
        """A Python value (not null, not unknown) as the msgpack-ready value of this type."""


class _Primitive:
    """string, number, bool: the value is already what msgpack needs."""

    NAME = ""

    def tf_type(self) -> bytes:
        return json.dumps(self.NAME).encode()

    def encode(self, value: Any) -> Any:
        return value

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class String(_Primitive):
    """cty ``string``."""

    NAME = "string"


class Number(_Primitive):
    """cty ``number`` (an int or a float in Python)."""

    NAME = "number"


class Bool(_Primitive):
    """cty ``bool``."""

    NAME = "bool"


class List:
    """cty ``list(ELEMENT)``: a Python list."""

    def __init__(self, element: TfType) -> None:
        self.element = element

    def tf_type(self) -> bytes:
        return b'["list",' + self.element.tf_type() + b"]"

    def encode(self, value: Any) -> Any:
        return [encode(self.element, item) for item in value]

    def __repr__(self) -> str:
        return f"List({self.element!r})"


class Object:
    """cty ``object({...})``: a fixed set of named, typed attributes; a Python ``dict``."""

    def __init__(self, attributes: Mapping[str, TfType]) -> None:
        self.attributes: dict[str, TfType] = dict(attributes)

    def tf_type(self) -> bytes:
        """``["object",{"a":"string",...}]``, compact, attributes in declaration order."""
        members = b",".join(
            json.dumps(name).encode() + b":" + t.tf_type() for name, t in self.attributes.items()
        )
        return b'["object",{' + members + b"}]"

    def encode(self, value: Any) -> Any:
        """Python dict -> msgpack-ready dict with every attribute present (missing -> null)."""
        if not isinstance(value, Mapping):
            raise TypeError(f"expected a mapping for an object value, got {type(value).__name__}")
        extra = set(value) - set(self.attributes)
        if extra:
            # cty rejects unknown attributes ("unsupported attribute"); say so here, by name.
            raise ValueError(f"unsupported object attribute(s): {', '.join(sorted(extra))}")
        return {name: encode(t, value.get(name)) for name, t in self.attributes.items()}

    def __repr__(self) -> str:
        return f"Object({self.attributes!r})"


def encode(t: TfType, value: Any) -> Any:
    """``value`` encoded for type ``t`` (null and unknown unchanged)."""
    return value if value is None or value is Unknown else t.encode(value)
