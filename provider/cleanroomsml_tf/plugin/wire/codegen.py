"""Write ``wire/tfplugin6.py``: the message table of Terraform's plugin protocol 6.

    python -m cleanroomsml_tf.plugin.wire.codegen           # rewrite tfplugin6.py
    python -m cleanroomsml_tf.plugin.wire.codegen --check   # exit 1 when it is out of date

The table is generated from the descriptors the ``tf`` package ships (``tf.gen.tfplugin_pb2``:
tfplugin6 as of protocol 6.5; ``tf.gen.grpc_controller_pb2`` and ``tf.gen.grpc_stdio_pb2``:
go-plugin's ``plugin.Empty`` and ``plugin.StdioData``) plus ``google.protobuf.Empty``, and
checked in: the plugin reads it with ``wire/protobuf.py`` and imports neither ``tf`` nor
``google.protobuf``. This module needs both (test dependencies); nothing at run time imports it.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

GENERATED = Path(__file__).with_name("tfplugin6.py")
PACKAGE = "tfplugin6"

_KINDS = {1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64",
          7: "fixed32", 8: "bool", 9: "string", 11: "message", 12: "bytes", 13: "uint32",
          14: "enum", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64"}
"""FieldDescriptorProto.Type -> kind in the table (10, groups, is not supported)."""
_LABEL_REPEATED = 3

Row = tuple[int, str, str, str, str]


def short(full_name: str) -> str:
    """Table name of a message or enum: relative to ``tfplugin6``, else the full name."""
    name = full_name.lstrip(".")
    return name[len(PACKAGE) + 1:] if name.startswith(PACKAGE + ".") else name


def files() -> list[Any]:
    """The ``FileDescriptorProto`` of every proto file the table covers."""
    from google.protobuf import descriptor_pb2, empty_pb2
    from tf.gen import grpc_controller_pb2, grpc_stdio_pb2, tfplugin_pb2

    protos = []
    for module in (tfplugin_pb2, grpc_controller_pb2, grpc_stdio_pb2, empty_pb2):
        proto = descriptor_pb2.FileDescriptorProto()
        module.DESCRIPTOR.CopyToProto(proto)
        protos.append(proto)
    return protos


def _messages(prefix: str, message_types: Any) -> Iterator[tuple[str, Any]]:
    for message in message_types:
        name = f"{prefix}.{message.name}"
        yield name, message
        yield from _messages(name, message.nested_type)


def _enums(prefix: str, enum_types: Any, message_types: Any) -> Iterator[tuple[str, Any]]:
    for enum in enum_types:
        yield f"{prefix}.{enum.name}", enum
    for message in message_types:
        yield from _enums(f"{prefix}.{message.name}", message.enum_type, message.nested_type)


def describe(protos: list[Any]) -> tuple[dict[str, list[Row]], dict[str, dict[str, int]],
                                         dict[str, tuple[str, str, bool, bool]]]:
    """(messages, enums, methods) of the tables, from file descriptors."""
    entries = {short(name) for proto in protos
               for name, message in _messages("." + proto.package, proto.message_type)
               if message.options.map_entry}
    messages: dict[str, list[Row]] = {}
    for proto in protos:
        for name, message in _messages("." + proto.package, proto.message_type):
            rows: list[Row] = []
            for field in message.field:
                if field.type not in _KINDS:
                    raise SystemExit(f"{short(name)}.{field.name}: field type {field.type} "
                                     "(a group?) is not supported by wire/protobuf.py")
                kind = _KINDS[field.type]
                ref = short(field.type_name) if field.type_name else ""
                label = ""
                if kind == "message" and ref in entries and field.label == _LABEL_REPEATED:
                    kind = "map"
                elif field.label == _LABEL_REPEATED:
                    label = "repeated"
                elif field.proto3_optional:
                    label = "optional"
                elif field.HasField("oneof_index"):
                    label = "oneof:" + message.oneof_decl[field.oneof_index].name
                rows.append((field.number, field.name, kind, ref, label))
            messages[short(name)] = rows
    enums = {short(name): {value.name: value.number for value in enum.value}
             for proto in protos
             for name, enum in _enums("." + proto.package, proto.enum_type, proto.message_type)}
    methods = {f"/{proto.package}.{service.name}/{method.name}":
               (short(method.input_type), short(method.output_type),
                method.client_streaming, method.server_streaming)
               for proto in protos for service in proto.service for method in service.method}
    for request, response, _, _ in methods.values():
        for name in (request, response):
            if name not in messages:
                raise SystemExit(f"method message {name} is not in the table")
    return messages, enums, methods


HEADER = '''\
"""Terraform plugin protocol 6 messages, for ``wire/protobuf.py``: GENERATED, do not edit.

Written by ``python -m cleanroomsml_tf.plugin.wire.codegen`` from the descriptors the ``tf``
package ships (tfplugin6 as of protocol 6.5, go-plugin's ``plugin`` package) and
``google.protobuf.Empty``; ``--check`` fails when this file is stale.

- ``MESSAGES``: message name -> fields, each ``(number, name, kind, type, label)``. Names are
  relative to the ``tfplugin6`` package (``"GetProviderSchema.Response"``, ``"Schema.Block"``),
  full for other packages (``"plugin.StdioData"``, ``"google.protobuf.Empty"``). ``kind`` is a
  proto3 scalar type, ``"enum"``, ``"message"`` or ``"map"``; ``type`` names the enum, message
  or map entry message; ``label`` is ``""``, ``"repeated"``, ``"optional"`` (proto3 optional)
  or ``"oneof:<name>"``.
- ``ENUMS``: enum name -> value name -> number (``ENUMS["Diagnostic.Severity"]["ERROR"]``).
- ``METHODS``: gRPC path -> ``(request, response, client_streaming, server_streaming)``.
"""

from __future__ import annotations

'''


def render(protos: list[Any] | None = None) -> str:
    """The text of ``tfplugin6.py``."""
    messages, enums, methods = describe(files() if protos is None else protos)
    lines = [HEADER.rstrip("\n"), "",
             "MESSAGES: dict[str, tuple[tuple[int, str, str, str, str], ...]] = {"]
    for name, rows in messages.items():
        if not rows:
            lines.append(f"    {name!r}: (),")
            continue
        lines.append(f"    {name!r}: (")
        lines.extend(f"        {row!r}," for row in rows)
        lines.append("    ),")
    lines += ["}", "", "ENUMS: dict[str, dict[str, int]] = {"]
    for name, values in enums.items():
        lines.append(f"    {name!r}: {{")
        lines.extend(f"        {value!r}: {number}," for value, number in values.items())
        lines.append("    },")
    lines += ["}", "", "METHODS: dict[str, tuple[str, str, bool, bool]] = {"]
    for path, method in methods.items():
        lines.append(f"    {path!r}:")
        lines.append(f"        {method!r},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check`` compare) ``tfplugin6.py``."""
    parser = argparse.ArgumentParser(prog="python -m cleanroomsml_tf.plugin.wire.codegen",
                                     description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when tfplugin6.py differs from the descriptors")
    parser.add_argument("--path", type=Path, default=GENERATED, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    target: Path = options.path
    text = render()
    current = target.read_text("utf-8") if target.exists() else ""
    if options.check:
        if current != text:
            diff = list(difflib.unified_diff(current.splitlines(), text.splitlines(),
                                             f"{target.name} (checked in)",
                                             f"{target.name} (from the descriptors)",
                                             lineterm="", n=1))
            shown = diff[:40] + ([f"... {len(diff) - 40} more diff lines"]
                                 if len(diff) > 40 else [])
            print("\n".join(shown), file=sys.stderr)
            print(f"{target} is out of date: run python -m cleanroomsml_tf.plugin.wire.codegen",
                  file=sys.stderr)
            return 1
        return 0
    if current != text:
        partial = target.with_name(target.name + ".partial")
        partial.write_text(text, "utf-8")
        os.replace(partial, target)  # a reader never sees half a module
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
