"""The Terraform schema, generated from the one attribute table (``record.TRAINED_MODEL``).

Nothing here lists attributes by hand: a new row in the table becomes a new computed attribute of
``cleanroomsml_collaboration_trained_model`` (and, when it is a summary member, of each element of
``cleanroomsml_collaboration_trained_models.trained_models``) with its type and description.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tf.schema import Attribute as TfAttribute
from tf.types import Number, String, TfType

from cleanroomsml_tf.plugin.types import Object, list_of
from cleanroomsml_tf.record import Attribute

# Timestamps are RFC 3339 strings in the record, so strings in Terraform too.
_SCALARS: dict[str, type[TfType]] = {"string": String, "number": Number, "timestamp": String}


def tf_type(attribute: Attribute) -> TfType:
    """The Terraform type of one record attribute (kind -> type, recursively)."""
    if attribute.kind == "object":
        return object_type(attribute.children)
    if attribute.kind == "list":
        return list_of(object_type(attribute.children))
    return _SCALARS[attribute.kind]()


def object_type(attributes: Iterable[Attribute]) -> Object:
    """An object type whose attributes are the given record attributes."""
    return Object({a.name: tf_type(a) for a in attributes})


def computed_attributes(
    attributes: Iterable[Attribute], overrides: Mapping[str, Mapping[str, bool]] | None = None
) -> list[TfAttribute]:
    """Schema attributes for the record attributes, computed unless ``overrides`` says otherwise.

    ``overrides`` maps an attribute name to flags (``required``/``optional``/``computed``) for the
    attributes that are also arguments of the data source.
    """
    overrides = overrides or {}
    result = []
    for attribute in attributes:
        flags: dict[str, Any] = dict(overrides.get(attribute.name, {"computed": True}))
        result.append(
            TfAttribute(attribute.name, tf_type(attribute), description=attribute.description,
                        **flags)
        )
    return result


def encode_record(attributes: Iterable[Attribute], record: Mapping[str, Any]) -> dict[str, Any]:
    """A normalized record as a msgpack-ready object value (every attribute present)."""
    attributes = tuple(attributes)
    return object_type(attributes).encode({a.name: record.get(a.name) for a in attributes})
