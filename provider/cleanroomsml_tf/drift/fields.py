"""Which record fields drift compares: every leaf path of the record, the defaults, ``--fields``.

Names are the record's dotted paths (``resource_config.instance_type``); an object name
(``resource_config``) stands for all its leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cleanroomsml_tf.model import record as record_table
from cleanroomsml_tf.model.errors import CleanroomsmlTfError


def leaf_fields() -> dict[str, record_table.Attribute]:
    """Every comparable dotted path of the record (scalars and lists, objects descended)."""
    return dict(record_table.iter_leaf_paths())


def _object_fields() -> dict[str, tuple[str, ...]]:
    """Object names that stand for all their leaves (``resource_config``)."""
    groups: dict[str, list[str]] = {}
    for path in leaf_fields():
        parts = path.split(".")
        for depth in range(1, len(parts)):
            groups.setdefault(".".join(parts[:depth]), []).append(path)
    return {name: tuple(paths) for name, paths in groups.items()}


DEFAULT_FIELDS: tuple[str, ...] = (
    "version_identifier",
    "status",
    "training_container_image_digest",
    *_object_fields()["resource_config"],
)
"""What drift compares unless told otherwise."""


class UnknownFieldError(CleanroomsmlTfError, ValueError):
    """``--fields`` named a path the record does not have."""

    summary = "Unknown field"


def valid_field_names() -> list[str]:
    """Every name ``--fields`` accepts: leaf paths and the objects that group them."""
    return sorted({*leaf_fields(), *_object_fields()})


def parse_fields(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"status,resource_config"`` -> the leaf paths to compare (objects expanded, deduped).

    Raises :class:`UnknownFieldError` naming the valid ones.
    """
    names = [n.strip() for n in text.split(",")] if isinstance(text, str) else list(text)
    names = [n for n in names if n]
    if not names:
        raise UnknownFieldError("no fields given; valid fields: " + ", ".join(valid_field_names()))
    leaves, groups = leaf_fields(), _object_fields()
    result: list[str] = []
    for name in names:
        if name in leaves:
            expanded: Sequence[str] = (name,)
        elif name in groups:
            expanded = groups[name]
        else:
            raise UnknownFieldError(
                f"unknown field {name!r}; valid fields: {', '.join(valid_field_names())}"
            )
        result.extend(p for p in expanded if p not in result)
    return tuple(result)
