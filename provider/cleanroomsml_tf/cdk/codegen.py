"""Write ``cdk/generated.py``: typed getters from the attribute table, as ``cdktf get`` would.

    python -m cleanroomsml_tf.cdk.codegen           # rewrite cdk/generated.py
    python -m cleanroomsml_tf.cdk.codegen --check   # exit 1 when it is out of date

The generated module is checked in (mypy and IDEs read it; ``tests/test_cdk_types.py`` fails
when it and the table disagree). It holds, for each data source binding, a mixin of typed
getters (strings ``str``, numbers ``NumberToken``, nested objects a generated
``...OutputReference``, lists of objects a generated ``...List``), and for
``TrainedModelLookup`` a mixin of typed properties: flat scalars (``Number`` for numbers: a
``NumberToken`` in plan mode, an ``int`` in synth mode; optional members may be ``None`` in
synth mode) and nested objects (a generated ``Protocol`` both modes satisfy).

It imports only the table; running it as ``-m`` imports the ``cdk`` package (and cdktf) first,
like any CDKTF app.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from cleanroomsml_tf.model import record as table
from cleanroomsml_tf.model.record import Attribute
from cleanroomsml_tf.plugin.arguments import TRAINED_MODELS_ATTRIBUTE

GENERATED = Path(__file__).with_name("generated.py")

MODEL_CLASS = "DataCleanroomsmlCollaborationTrainedModel"
MODELS_CLASS = "DataCleanroomsmlCollaborationTrainedModels"

TRAINED_MODELS = Attribute(
    TRAINED_MODELS_ATTRIBUTE, "collaborationTrainedModels", "list",
    "Summaries of the matching trained models.", children=table.TRAINED_MODEL_SUMMARY,
)
"""The list data source's computed list, described like a table attribute."""


def camel(name: str) -> str:
    """``resource_config`` -> ``ResourceConfig`` (generated class names, like ``cdktf get``)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def flat_names() -> dict[str, str]:
    """Flat property name -> dotted record path, for every scalar (and list) attribute.

    A nested scalar is flat under its own name (``resource_config.instance_type`` ->
    ``instance_type``) unless that name is taken or is a single word, too vague alone
    (``status_details.message`` -> ``status_details_message``).
    """
    paths = [path for path, _ in table.iter_leaf_paths(table.TRAINED_MODEL)]
    top = {a.name for a in table.TRAINED_MODEL}
    leaf_counts: dict[str, int] = {}
    for path in paths:
        leaf = path.rsplit(".", 1)[-1]
        leaf_counts[leaf] = leaf_counts.get(leaf, 0) + 1
    names: dict[str, str] = {}
    for path in paths:
        if "." not in path:
            names[path] = path
            continue
        leaf = path.rsplit(".", 1)[-1]
        clear = "_" in leaf and leaf_counts[leaf] == 1 and leaf not in top
        names[leaf if clear else path.replace(".", "_")] = path
    return names


def _doc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


class _Writer:
    def __init__(self) -> None:
        self.blocks: list[str] = []

    def add(self, text: str) -> None:
        self.blocks.append(text.rstrip("\n") + "\n")

    def text(self) -> str:
        return "\n\n".join(self.blocks)


def _binding_getter(attribute: Attribute, owner: str, out: _Writer) -> str:
    """One typed getter for a binding class; nested classes are written to ``out`` first."""
    name = attribute.name
    if attribute.kind == "object":
        reference = f"{owner}{camel(name)}OutputReference"
        _output_reference(reference, attribute.children, out)
        returns, body = reference, f"object_attribute(self, {name!r}, {reference})"
    elif attribute.kind == "list":
        item = f"{owner}{camel(name)}OutputReference"
        _output_reference(item, attribute.children, out)
        returns = f"{owner}{camel(name)}List"
        _list_class(returns, item, out)
        body = f"list_attribute(self, {name!r}, {returns})"
    elif attribute.kind == "number":
        returns, body = "NumberToken", f"number_attribute(self, {name!r})"
    else:
        returns, body = "str", f"string_attribute(self, {name!r})"
    return (f"    @property\n    def {name}(self) -> {returns}:\n"
            f'        """{_doc(attribute.description)}"""\n        return {body}\n')


def _output_reference(class_name: str, attributes: Iterable[Attribute], out: _Writer) -> None:
    getters = [_binding_getter(a, class_name, out) for a in attributes]
    out.add(f"class {class_name}(_ComplexObject):\n"
            f'    """Generated reference to a nested object."""\n\n' + "\n".join(getters))


def _list_class(class_name: str, item: str, out: _Writer) -> None:
    out.add(
        f"class {class_name}(_ComplexList):\n"
        f'    """Generated reference to a list of objects: a token as a whole, ``get(i)`` for '
        f'one."""\n\n'
        f"    def get(self, index: int) -> {item}:\n"
        f'        """The element at ``index`` (``${{...attribute[index].member}}``)."""\n'
        f"        return list_element(self, index, {item})\n")


def _mixin(class_name: str, doc: str, attributes: Sequence[Attribute], owner: str,
           out: _Writer) -> None:
    getters = [_binding_getter(a, owner, out) for a in attributes]
    out.add(f'class {class_name}:\n    """{doc}"""\n\n    __slots__ = ()\n\n'
            + "\n".join(getters))


def _python_type(attribute: Attribute) -> str:
    base = "Number" if attribute.kind == "number" else "str"
    return base if attribute.required else f"{base} | None"


def _record_protocol(attribute: Attribute, out: _Writer) -> str:
    name = f"TrainedModel{camel(attribute.name)}"
    members = [f"    @property\n    def {child.name}(self) -> {_python_type(child)}:\n"
               f'        """{_doc(child.description)}"""\n'
               for child in attribute.children]
    out.add(f"class {name}(Protocol):\n"
            f'    """``{attribute.name}`` in either mode: the generated output reference (plan) '
            f'or a read-only view (synth)."""\n\n' + "\n".join(members))
    return name


def _lookup_mixin(out: _Writer) -> None:
    properties = []
    for attribute in table.TRAINED_MODEL:
        if attribute.kind == "object":
            protocol = _record_protocol(attribute, out)
            returns = protocol if attribute.required else f"{protocol} | None"
            properties.append((attribute.name, attribute.name, returns, attribute.description,
                               "nested object"))
    for name, path in flat_names().items():
        attribute = table.attribute_at(path, table.TRAINED_MODEL)
        if attribute.kind == "list":
            returns, kind = "Any", "list of objects: a ...List (plan), a tuple of views (synth)"
        else:
            returns = _python_type(attribute)
            kind = ("number token in plan mode, int in synth mode" if attribute.kind == "number"
                    else "string token in plan mode, literal Terraform text in synth mode")
        properties.append((name, path, returns, attribute.description, kind))
    body = "\n".join(
        f"    @property\n    def {name}(self) -> {returns}:\n"
        f'        """{_doc(description)} (``{path}``; {kind})"""\n'
        f"        return self.get({path!r})  # type: ignore[no-any-return]\n"
        for name, path, returns, description, kind in properties)
    out.add(
        "class TrainedModelAttributes:\n"
        '    """The typed properties of ``TrainedModelLookup``, one per attribute."""\n\n'
        "    __slots__ = ()\n\n"
        "    def get(self, path: str) -> Any:\n"
        '        """The value at a dotted record path (implemented by the construct)."""\n'
        "        raise NotImplementedError\n\n" + body)


HEADER = '''"""Typed getters generated from the attribute table (record.py). Do not edit.

Regenerate with ``python -m cleanroomsml_tf.cdk.codegen``; tests/test_cdk_types.py fails when
this file and the table disagree.
"""

# ruff: noqa: E501

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from cleanroomsml_tf.cdk.compat import cdktf_module
from cleanroomsml_tf.cdk.getters import (
    list_attribute,
    list_element,
    number_attribute,
    object_attribute,
    string_attribute,
)
from cleanroomsml_tf.cdk.tokens import Number, NumberToken

if TYPE_CHECKING:
    from cdktf import ComplexList as _ComplexList
    from cdktf import ComplexObject as _ComplexObject
else:
    _ComplexList = cdktf_module().ComplexList
    _ComplexObject = cdktf_module().ComplexObject
'''


def render() -> str:
    """The text of ``generated.py`` for the current table."""
    out = _Writer()
    out.add(HEADER)
    _mixin(f"{MODEL_CLASS}Attributes",
           "Typed getters of ``cleanroomsml_collaboration_trained_model``'s computed attributes.",
           table.TRAINED_MODEL, MODEL_CLASS, out)
    _mixin(f"{MODELS_CLASS}Attributes",
           "Typed getters of ``cleanroomsml_collaboration_trained_models``' computed list.",
           (TRAINED_MODELS,), MODELS_CLASS, out)
    _lookup_mixin(out)
    names = "".join(f"    {name!r}: {path!r},\n" for name, path in flat_names().items())
    out.add("FLAT_NAMES: dict[str, str] = {\n" + names + "}\n"
            '"""Every flat property of ``TrainedModelLookup`` and the record path it reads."""')
    return out.text()


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check`` compare) ``generated.py``."""
    parser = argparse.ArgumentParser(prog="python -m cleanroomsml_tf.cdk.codegen",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when generated.py differs from the table")
    options = parser.parse_args(argv)
    text = render()
    current = GENERATED.read_text("utf-8") if GENERATED.exists() else ""
    if options.check:
        if current != text:
            print(f"{GENERATED} is out of date: run python -m cleanroomsml_tf.cdk.codegen",
                  file=sys.stderr)
            return 1
        return 0
    if current != text:
        partial = GENERATED.with_name(GENERATED.name + ".partial")
        partial.write_text(text, "utf-8")
        os.replace(partial, GENERATED)  # a reader never sees half a module
        print(f"wrote {GENERATED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
