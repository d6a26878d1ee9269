"""Runtime helpers behind the generated getters (:mod:`cleanroomsml_tf.cdk.generated`).

The getters themselves are generated from the attribute table and checked in
(``python -m cleanroomsml_tf.cdk.codegen``), so mypy and IDEs see every attribute with its
type. Each generated getter calls one of these:

* ``string``/``timestamp`` -> :func:`string_attribute` (``get_string_attribute``: a string token);
* ``number`` -> :func:`number_attribute` (``get_number_attribute`` as a :class:`NumberToken`,
  which computes and formats as Terraform expressions);
* ``object`` -> :func:`object_attribute` (a generated ``...OutputReference``, a cdktf
  ``ComplexObject``: ``.resource_config.instance_type`` reads
  ``${data.X.resource_config.instance_type}``);
* ``list`` (of objects) -> :func:`list_attribute` (a generated ``...List``, a cdktf
  ``ComplexList``; :func:`list_element` for ``.get(i)``).

Results are cached per instance: a token is stable, and a jsii round trip is not free.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from cleanroomsml_tf.cdk.tokens import NumberToken

_CACHE = "_cleanroomsml_getter_cache"
T = TypeVar("T")


def _cached(owner: Any, name: str, compute: Callable[[], T]) -> T:
    cache = owner.__dict__.setdefault(_CACHE, {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]  # type: ignore[no-any-return]


def string_attribute(owner: Any, name: str) -> str:
    """``owner.get_string_attribute(name)``, cached."""
    return _cached(owner, name, lambda: str(owner.get_string_attribute(name)))


def number_attribute(owner: Any, name: str) -> NumberToken:
    """``owner.get_number_attribute(name)`` as a :class:`NumberToken`, cached."""
    return _cached(owner, name, lambda: NumberToken(owner.get_number_attribute(name)))


def object_attribute(owner: Any, name: str, reference: Callable[..., T]) -> T:
    """The nested object ``name`` as a generated output reference, cached."""
    return _cached(owner, name, lambda: reference(owner, name, False))


def list_attribute(owner: Any, name: str, list_class: Callable[..., T]) -> T:
    """The list of objects ``name`` as a generated list reference, cached."""
    return _cached(owner, name, lambda: list_class(owner, name, False))


def list_element(owner: Any, index: int, item: Callable[..., T]) -> T:
    """Element ``index`` of a generated list reference (``${...name[index].member}``)."""
    return item(owner._terraform_resource, owner._terraform_attribute,  # noqa: SLF001
                owner._wraps_set, index)  # noqa: SLF001
