"""The Terraform schema, generated from the attribute table and the argument table.

Nothing here lists attributes by hand: a new row in ``record.TRAINED_MODEL`` becomes a new
computed attribute of ``cleanroomsml_collaboration_trained_model`` (and, when it is a summary
member, of each element of ``cleanroomsml_collaboration_trained_models.trained_models``); a new
row in :mod:`cleanroomsml_tf.plugin.arguments` becomes a new argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cleanroomsml_tf.model.record import Attribute
from cleanroomsml_tf.plugin.arguments import Argument
from cleanroomsml_tf.plugin.types import Bool, List, Number, Object, String, TfType

# tfplugin6 enum values (checked against the generated message table by tests/test_wire_*).
MARKDOWN = 1  # StringKind.MARKDOWN: every description here is Markdown
NESTING_SINGLE = 1  # Schema.NestedBlock.NestingMode.SINGLE


@dataclass
class TfAttribute:
    """One schema attribute (``tfplugin6.Schema.Attribute``)."""

    name: str
    type: TfType
    description: str = ""
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False

    def to_message(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "name": self.name, "type": self.type.tf_type(), "description": self.description,
            "required": self.required, "optional": self.optional, "computed": self.computed,
            "sensitive": self.sensitive, "description_kind": MARKDOWN,
        }
        return message


@dataclass
class Block:
    """A block of attributes and nested blocks (``tfplugin6.Schema.Block``)."""

    attributes: list[TfAttribute] = field(default_factory=list)
    block_types: list[NestedBlock] = field(default_factory=list)
    description: str = ""

    def to_message(self) -> dict[str, Any]:
        return {
            "attributes": [a.to_message() for a in self.attributes],
            "block_types": [b.to_message() for b in self.block_types],
            "description": self.description,
            "description_kind": MARKDOWN,
        }


@dataclass
class NestedBlock:
    """A nested block with at most one instance (``tfplugin6.Schema.NestedBlock``, SINGLE)."""

    type_name: str
    block: Block

    def to_message(self) -> dict[str, Any]:
        return {"type_name": self.type_name, "block": self.block.to_message(),
                "nesting": NESTING_SINGLE}


@dataclass
class Schema(Block):
    """A provider or data source schema (``tfplugin6.Schema``), version 0: its top-level
    block."""

    def to_message(self) -> dict[str, Any]:
        return {"version": 0, "block": super().to_message()}

# Timestamps are RFC 3339 strings in the record, so strings in Terraform too.
_SCALARS: dict[str, type[TfType]] = {"string": String, "number": Number, "timestamp": String}
_ARGUMENT_SCALARS: dict[str, type[TfType]] = {**_SCALARS, "bool": Bool}


def tf_type(attribute: Attribute) -> TfType:
    """The Terraform type of one record attribute (kind -> type, recursively)."""
    if attribute.kind == "object":
        return object_type(attribute.children)
    if attribute.kind == "list":
        return List(object_type(attribute.children))
    return _SCALARS[attribute.kind]()


def object_type(attributes: Iterable[Attribute]) -> Object:
    """An object type whose attributes are the given record attributes."""
    return Object({a.name: tf_type(a) for a in attributes})


def argument_attribute(argument: Argument, description: str | None = None) -> TfAttribute:
    """The schema attribute of one argument: required, or optional (and maybe computed)."""
    kind = List(String()) if argument.kind == "list" else _ARGUMENT_SCALARS[argument.kind]()
    text = description or argument.description
    if argument.exactly_one_of:
        text += " Exactly one of " + " or ".join(
            f"`{name}`" for name in argument.exactly_one_of) + " must be set."
    return TfAttribute(argument.name, kind, description=text, sensitive=argument.sensitive,
                       required=argument.required, optional=not argument.required,
                       computed=not argument.required and argument.computed)


def argument_block(argument: Argument) -> NestedBlock:
    """A ``block`` argument as a single nested block."""
    return NestedBlock(
        argument.name,
        Block(attributes=[argument_attribute(c) for c in argument.children],
              description=argument.description),
    )


def data_source_attributes(
    arguments: Iterable[Argument], exported: Iterable[Attribute]
) -> list[TfAttribute]:
    """Every exported record attribute (computed, unless it is also an argument: then with the
    argument's flags and the record's description), then the arguments that are not exported."""
    by_name = {a.name: a for a in arguments}
    exported = tuple(exported)
    result = [
        argument_attribute(by_name[a.name], a.description) if a.name in by_name else
        TfAttribute(a.name, tf_type(a), description=a.description, computed=True)
        for a in exported
    ]
    names = {a.name for a in exported}
    return result + [argument_attribute(a) for a in by_name.values() if a.name not in names]


def encode_record(attributes: Iterable[Attribute], record: Mapping[str, Any]) -> dict[str, Any]:
    """A normalized record as a msgpack-ready object value (every attribute present)."""
    attributes = tuple(attributes)
    return object_type(attributes).encode({a.name: record.get(a.name) for a in attributes})

