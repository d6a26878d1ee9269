"""Typed getters generated from the attribute table, the way ``cdktf get`` would write them.

Nothing here is kept by hand: :func:`install_getters` walks :mod:`cleanroomsml_tf.record` and
adds one read-only property per attribute to a data-source (or nested output-reference) class:

* ``string``/``timestamp`` -> ``get_string_attribute(name)`` (a string token);
* ``number`` -> ``get_number_attribute(name)`` wrapped in :class:`NumberToken` (interpolates
  correctly in f-strings);
* ``object`` -> a generated ``...OutputReference`` (a cdktf ``ComplexObject``) with its own
  getters, so ``.resource_config.instance_type`` reads ``${data.X.resource_config.instance_type}``;
* ``list`` (of objects) -> a generated ``...List`` (a cdktf ``ComplexList``): a token for the
  whole list, ``.get(i)`` for an element's ``...OutputReference``.

Getter results are cached per instance: a token is stable, and a jsii round trip is not free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cleanroomsml_tf.cdk.compat import cdktf_module
from cleanroomsml_tf.cdk.tokens import NumberToken
from cleanroomsml_tf.record import Attribute

_cdktf = cdktf_module()

_CACHE = "_cleanroomsml_getter_cache"


def camel(name: str) -> str:
    """``resource_config`` -> ``ResourceConfig`` (generated class names, like ``cdktf get``)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _cached(name: str, compute: Callable[[Any], Any], doc: str) -> property:
    def getter(self: Any) -> Any:
        cache = self.__dict__.setdefault(_CACHE, {})
        if name not in cache:
            cache[name] = compute(self)
        return cache[name]

    getter.__name__ = name
    getter.__doc__ = doc
    return property(getter, doc=doc)


def _string_getter(attribute: Attribute) -> property:
    name = attribute.name
    return _cached(name, lambda self: self.get_string_attribute(name),
                   f"{attribute.description} (string token)")


def _number_getter(attribute: Attribute) -> property:
    name = attribute.name
    return _cached(name, lambda self: NumberToken(self.get_number_attribute(name)),
                   f"{attribute.description} (number token, safe in f-strings)")


def _object_getter(attribute: Attribute, reference_class: type) -> property:
    name = attribute.name
    return _cached(name, lambda self: reference_class(self, name, False),
                   f"{attribute.description} ({reference_class.__name__})")


def _list_getter(attribute: Attribute, list_class: type) -> property:
    name = attribute.name
    return _cached(name, lambda self: list_class(self, name, False),
                   f"{attribute.description} ({list_class.__name__}; .get(i) for an element)")


def output_reference_class(class_name: str, attributes: Iterable[Attribute]) -> type:
    """A ``ComplexObject`` subclass with a getter for each of ``attributes``."""

    def __init__(  # noqa: N807 - the generated class's constructor
        self: Any,
        terraform_resource: Any,
        terraform_attribute: str,
        complex_object_is_from_set: bool,
        complex_object_index: int | str | None = None,
    ) -> None:
        _cdktf.ComplexObject.__init__(
            self, terraform_resource, terraform_attribute, complex_object_is_from_set,
            complex_object_index,
        )

    cls = type(class_name, (_cdktf.ComplexObject,), {
        "__init__": __init__,
        "__doc__": f"Generated reference to a nested object ({class_name}).",
        "__module__": __name__,
    })
    install_getters(cls, attributes, class_name)
    return cls


def list_class(class_name: str, item_class: type) -> type:
    """A ``ComplexList`` subclass whose ``get(i)`` returns an ``item_class`` reference."""

    def __init__(  # noqa: N807 - the generated class's constructor
        self: Any, terraform_resource: Any, terraform_attribute: str, wraps_set: bool
    ) -> None:
        _cdktf.ComplexList.__init__(self, terraform_resource, terraform_attribute, wraps_set)

    def get(self: Any, index: int) -> Any:
        """The element at ``index`` (its attributes read ``${...attribute[index].member}``)."""
        return item_class(self._terraform_resource, self._terraform_attribute, self._wraps_set,
                          index)

    return type(class_name, (_cdktf.ComplexList,), {
        "__init__": __init__,
        "get": get,
        "__doc__": f"Generated reference to a list of objects ({class_name}); a token as a "
                   "whole, ``get(i)`` for one element.",
        "__module__": __name__,
    })


def getter_for(attribute: Attribute, owner_name: str) -> property:
    """The property reading ``attribute`` on a class named ``owner_name``."""
    if attribute.kind == "object":
        reference = output_reference_class(
            f"{owner_name}{camel(attribute.name)}OutputReference", attribute.children)
        return _object_getter(attribute, reference)
    if attribute.kind == "list":
        item = output_reference_class(
            f"{owner_name}{camel(attribute.name)}OutputReference", attribute.children)
        return _list_getter(attribute, list_class(f"{owner_name}{camel(attribute.name)}List", item))
    if attribute.kind == "number":
        return _number_getter(attribute)
    return _string_getter(attribute)


def install_getters(cls: type, attributes: Iterable[Attribute], owner_name: str) -> None:
    """Add a getter for every attribute to ``cls`` (existing members are never replaced)."""
    for attribute in attributes:
        if attribute.name in cls.__dict__:
            raise TypeError(f"{cls.__name__}.{attribute.name} already defined")
        setattr(cls, attribute.name, getter_for(attribute, owner_name))
