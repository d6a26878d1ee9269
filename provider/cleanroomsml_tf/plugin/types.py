"""Terraform value types the ``tf`` framework lacks: objects (and, through them, lists of objects).

``tf.types`` has string, number, bool, list, set and map, but no ``object``. A cty object type is
written ``["object", {"name": TYPE, ...}]`` in the schema and travels as a msgpack map keyed by
attribute name; every attribute of the type must be present (null when unset). :class:`Object`
encodes a Python dict that way, filling absent members with null so callers can hand it a
partial dict; ``tf.types.List(Object(...))`` is a list of objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tf.types import TfType, Unknown


class Object(TfType):
    """A cty object type: a fixed set of named, typed attributes. Maps to a Python ``dict``.

    ``None`` (null) and :data:`tf.types.Unknown` pass through unchanged in both directions.
    """

    def __init__(self, attributes: Mapping[str, TfType]) -> None:
        self.attributes: dict[str, TfType] = dict(attributes)

    def encode(self, value: Any) -> Any:
        """Python dict -> msgpack-ready dict with every attribute present (missing -> null)."""
        if value is None or value is Unknown:
            return value
        if not isinstance(value, Mapping):
            raise TypeError(f"expected a mapping for an object value, got {type(value).__name__}")
        extra = set(value) - set(self.attributes)
        if extra:
            # cty rejects unknown attributes ("unsupported attribute"); say so here, by name.
            raise ValueError(f"unsupported object attribute(s): {', '.join(sorted(extra))}")
        return {name: _encode(t, value.get(name)) for name, t in self.attributes.items()}

    def decode(self, value: Any) -> Any:
        """msgpack/JSON dict -> Python dict (attributes decoded by their own types)."""
        if value is None or value is Unknown:
            return value
        return {name: _decode(t, value.get(name)) for name, t in self.attributes.items()}

    def tf_type(self) -> bytes:
        """``["object",{"a":"string",...}]``, compact, attributes in declaration order."""
        members = ",".join(
            f"{json.dumps(name)}:{t.tf_type().decode()}" for name, t in self.attributes.items()
        )
        return f'["object",{{{members}}}]'.encode()


def _encode(t: TfType, value: Any) -> Any:
    return value if value is None or value is Unknown else t.encode(value)


def _decode(t: TfType, value: Any) -> Any:
    return value if value is None or value is Unknown else t.decode(value)
