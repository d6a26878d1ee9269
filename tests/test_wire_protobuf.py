"""The plugin's own proto3 codec (``plugin/wire/protobuf.py``) against the real protobuf runtime.

Every message of the generated tfplugin6 table, and a synthetic proto with every scalar kind
(packed and unpacked repeated numbers, maps with int/bool/string keys, a oneof, proto3
``optional``), is checked both ways on hypothesis-generated values: our encoding parsed by the
generated ``pb2`` class equals the ``pb2`` message built from the same values, and our decoding
of ``SerializeToString()`` equals the fields ``ListFields()`` reports (fields not sent absent).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, empty_pb2, message_factory
from google.protobuf.message import DecodeError as Pb2DecodeError
from google.protobuf.message import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tf.gen import grpc_controller_pb2, grpc_stdio_pb2
from tf.gen import tfplugin_pb2 as pb

from cleanroomsml_tf.plugin.wire import codegen, protobuf, tfplugin6
from cleanroomsml_tf.plugin.wire.protobuf import Codec, DecodeError, EncodeError

Table = Mapping[str, tuple[tuple[int, str, str, str, str], ...]]

assert grpc_controller_pb2 and grpc_stdio_pb2 and empty_pb2  # registered in the default pool

INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "sint32": (-(2**31), 2**31 - 1),
              "sfixed32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1),
              "fixed32": (0, 2**32 - 1), "int64": (-(2**63), 2**63 - 1),
              "sint64": (-(2**63), 2**63 - 1), "sfixed64": (-(2**63), 2**63 - 1),
              "uint64": (0, 2**64 - 1), "fixed64": (0, 2**64 - 1)}

TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "é", "\U0001f600 astral \U00010348", "${var} %{if}", "\x00\x1b[31m",
                     "<b>html</b>", "\u2028\ufeff", "x" * 200]),
)


def pb2_class(name: str, pool: Any = None) -> type[Message]:
    """The generated class of a table name (relative to tfplugin6 or full)."""
    pool = pool or descriptor_pool.Default()
    try:
        descriptor = pool.FindMessageTypeByName(f"{codegen.PACKAGE}.{name}")
    except KeyError:
        descriptor = pool.FindMessageTypeByName(name)
    return message_factory.GetMessageClass(descriptor)


def fields(table: Table, name: str) -> dict[str, tuple[int, str, str, str, str]]:
    return {row[1]: row for row in table[name]}


def to_pb2(table: Table, name: str, value: Mapping[str, Any], message: Message) -> Message:
    """Set ``value`` (our dict form) on a generated message, the way a caller of pb2 would."""
    rows = fields(table, name)
    for key, item in value.items():
        _, field, kind, ref, label = rows[key]
        if kind == "map":
            entry = fields(table, ref)
            container = getattr(message, field)
            for map_key, map_value in item.items():
                if entry["value"][2] == "message":
                    to_pb2(table, entry["value"][3], map_value, container[map_key])
                else:
                    container[map_key] = map_value
        elif label == "repeated":
            if kind == "message":
                for element in item:
                    to_pb2(table, ref, element, getattr(message, field).add())
            else:
                getattr(message, field).extend(item)
        elif kind == "message":
            child = getattr(message, field)
            child.SetInParent()
            to_pb2(table, ref, item, child)
        else:
            setattr(message, field, item)
    return message


def from_pb2(table: Table, name: str, message: Message) -> dict[str, Any]:
    """The fields ``ListFields`` reports, in our dict form (what ``decode`` must return)."""
    rows = {row[0]: row for row in table[name]}
    out: dict[str, Any] = {}
    for descriptor, item in message.ListFields():
        _, field, kind, ref, label = rows[descriptor.number]
        if kind == "map":
            entry = fields(table, ref)["value"]
            out[field] = {key: from_pb2(table, entry[3], item[key]) if entry[2] == "message"
                          else item[key] for key in item}
        elif label == "repeated":
            out[field] = [from_pb2(table, ref, e) if kind == "message" else e for e in item]
        elif kind == "message":
            out[field] = from_pb2(table, ref, item)
        else:
            out[field] = item
    return out


def strip_defaults(table: Table, name: str, value: Mapping[str, Any]) -> dict[str, Any]:
    """``value`` without what proto3 does not send: default scalars, empty lists and maps."""
    rows = fields(table, name)
    out: dict[str, Any] = {}
    for key, item in value.items():
        _, field, kind, ref, label = rows[key]
        if kind == "map":
            entry = fields(table, ref)["value"]
            if item:
                out[key] = {k: strip_defaults(table, entry[3], v) if entry[2] == "message" else v
                            for k, v in item.items()}
        elif label == "repeated":
            if item:
                out[key] = [strip_defaults(table, ref, e) if kind == "message" else e
                            for e in item]
        elif kind == "message":
            out[key] = strip_defaults(table, ref, item)
        elif label or item or (kind in ("float", "double") and str(item)[0] == "-"):
            out[key] = item
    return out


def scalar(kind: str, ref: str, enums: Mapping[str, Mapping[str, int]]) -> st.SearchStrategy[Any]:
    if kind == "string":
        return TEXT
    if kind == "bytes":
        return st.binary(max_size=16)
    if kind == "bool":
        return st.booleans()
    if kind == "enum":
        return st.sampled_from(sorted(enums[ref].values())) | st.integers(-(2**31), 2**31 - 1)
    if kind == "double":
        return st.floats(allow_nan=False)
    if kind == "float":
        return st.floats(width=32, allow_nan=False)
    low, high = INT_RANGES[kind]
    return st.integers(low, high) | st.sampled_from([0, low, high, -1 if low else 1])


def message_values(table: Table, enums: Mapping[str, Mapping[str, int]], name: str,
                   depth: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts of ``name``: any subset of its fields, at most one member per oneof, nested
    messages ``depth`` levels deep (empty dicts below)."""

    @cache
    def build(name: str, depth: int) -> st.SearchStrategy[dict[str, Any]]:
        def child(ref: str) -> st.SearchStrategy[dict[str, Any]]:
            return build(ref, depth - 1) if depth > 0 else st.just({})

        optional: dict[str, st.SearchStrategy[Any]] = {}
        oneofs: dict[str, list[st.SearchStrategy[dict[str, Any]]]] = {}
        for _, field, kind, ref, label in table[name]:
            if kind == "map":
                entry = fields(table, ref)
                key_kind, value_kind = entry["key"][2], entry["value"][2]
                values = (child(entry["value"][3]) if value_kind == "message"
                          else scalar(value_kind, entry["value"][3], enums))
                strategy: st.SearchStrategy[Any] = st.dictionaries(
                    scalar(key_kind, "", enums), values, max_size=3)
            else:
                strategy = child(ref) if kind == "message" else scalar(kind, ref, enums)
                if label == "repeated":
                    strategy = st.lists(strategy, max_size=3)
            if label.startswith("oneof:"):
                oneofs.setdefault(label, []).append(
                    strategy.map(lambda item, field=field: {field: item}))
            else:
                optional[field] = strategy
        values = st.fixed_dictionaries({}, optional=optional)
        for members in oneofs.values():
            values = st.tuples(values, st.one_of(st.just({}), *members)).map(
                lambda pair: {**pair[0], **pair[1]})
        return values

    return build(name, depth)


def check_equivalent(codec: Codec, table: Table, name: str, value: dict[str, Any],
                     cls: type[Message]) -> None:
    expected = to_pb2(table, name, value, cls())
    ours = codec.encode(name, value)
    assert cls.FromString(ours) == expected
    assert codec.decode(name, expected.SerializeToString()) == from_pb2(table, name, expected)
    assert codec.decode(name, ours) == strip_defaults(table, name, value)


TFPLUGIN6 = Codec(tfplugin6.MESSAGES)
EQUIVALENCE = settings(max_examples=25, deadline=None,
                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("name", sorted(tfplugin6.MESSAGES))
@EQUIVALENCE
@given(data=st.data())
def test_every_tfplugin6_message_matches_protobuf(name: str, data: st.DataObject) -> None:
    value = data.draw(message_values(tfplugin6.MESSAGES, tfplugin6.ENUMS, name))
    check_equivalent(TFPLUGIN6, tfplugin6.MESSAGES, name, value, pb2_class(name))


# -- a synthetic proto with every kind the codec supports --------------------------------------

SCALAR_TYPES = {"double": 1, "float": 2, "int64": 3, "uint64": 4, "int32": 5, "fixed64": 6,
                "fixed32": 7, "bool": 8, "string": 9, "bytes": 12, "uint32": 13,
                "sfixed32": 15, "sfixed64": 16, "sint32": 17, "sint64": 18}
OPTIONAL, REPEATED, MESSAGE, ENUM = 1, 3, 11, 14


def synthetic_file() -> descriptor_pb2.FileDescriptorProto:
    proto = descriptor_pb2.FileDescriptorProto(name="wiretest.proto", package="wiretest",
                                               syntax="proto3")
    color = proto.enum_type.add(name="Color")
    for number, value in enumerate(["NONE", "RED", "GREEN"]):
        color.value.add(name=value, number=number)
    color.value.add(name="NEGATIVE", number=-5)
    inner = proto.message_type.add(name="Inner")
    inner.field.add(name="name", number=1, type=9, label=OPTIONAL)
    inner.field.add(name="all", number=2, type=MESSAGE, label=OPTIONAL,
                    type_name=".wiretest.All")
    every = proto.message_type.add(name="All")
    every.oneof_decl.add(name="choice")  # real oneofs come before proto3 optional's synthetic ones
    choice = 0
    number = 1
    for kind, type_ in SCALAR_TYPES.items():
        every.field.add(name=f"s_{kind}", number=number, type=type_, label=OPTIONAL)
        every.field.add(name=f"r_{kind}", number=number + 1, type=type_, label=REPEATED)
        unpacked = every.field.add(name=f"u_{kind}", number=number + 2, type=type_,
                                   label=REPEATED)
        if type_ not in (9, 12):
            unpacked.options.packed = False  # pb2 writes these unpacked
        every.oneof_decl.add(name=f"_o_{kind}")
        every.field.add(name=f"o_{kind}", number=number + 3, type=type_, label=OPTIONAL,
                        oneof_index=len(every.oneof_decl) - 1, proto3_optional=True)
        number += 4
    every.field.add(name="color", number=900, type=ENUM, label=OPTIONAL,
                    type_name=".wiretest.Color")
    every.field.add(name="colors", number=901, type=ENUM, label=REPEATED,
                    type_name=".wiretest.Color")
    every.field.add(name="inner", number=902, type=MESSAGE, label=OPTIONAL,
                    type_name=".wiretest.Inner")
    every.field.add(name="inners", number=903, type=MESSAGE, label=REPEATED,
                    type_name=".wiretest.Inner")
    every.field.add(name="c_text", number=910, type=9, label=OPTIONAL, oneof_index=choice)
    every.field.add(name="c_int", number=911, type=5, label=OPTIONAL, oneof_index=choice)
    every.field.add(name="c_inner", number=912, type=MESSAGE, label=OPTIONAL,
                    oneof_index=choice, type_name=".wiretest.Inner")
    maps = [("by_int", 5, 9, ""), ("by_bool", 8, MESSAGE, ".wiretest.Inner"),
            ("by_text", 9, 1, ""), ("by_uint64", 4, 12, ""), ("by_sint64", 18, ENUM,
                                                             ".wiretest.Color")]
    for offset, (field_name, key_type, value_type, value_ref) in enumerate(maps):
        entry_name = "".join(part.title() for part in field_name.split("_")) + "Entry"
        entry = every.nested_type.add(name=entry_name)
        entry.options.map_entry = True
        entry.field.add(name="key", number=1, type=key_type, label=OPTIONAL)
        value = entry.field.add(name="value", number=2, type=value_type, label=OPTIONAL)
        if value_ref:
            value.type_name = value_ref
        every.field.add(name=field_name, number=920 + offset, type=MESSAGE, label=REPEATED,
                        type_name=f".wiretest.All.{entry_name}")
    return proto


SYNTHETIC_PROTO = synthetic_file()
SYNTHETIC_POOL = descriptor_pool.DescriptorPool()
SYNTHETIC_POOL.Add(SYNTHETIC_PROTO)
SYNTHETIC, SYNTHETIC_ENUMS, _ = codegen.describe([SYNTHETIC_PROTO])
SYNTHETIC_TABLE = {name: tuple(rows) for name, rows in SYNTHETIC.items()}
SYNTHETIC_CODEC = Codec(SYNTHETIC_TABLE)


@pytest.mark.parametrize("name", ["wiretest.All", "wiretest.Inner"])
@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_scalar_kind_matches_protobuf(name: str, data: st.DataObject) -> None:
    value = data.draw(message_values(SYNTHETIC_TABLE, SYNTHETIC_ENUMS, name, depth=2))
    check_equivalent(SYNTHETIC_CODEC, SYNTHETIC_TABLE, name, value,
                     pb2_class(name, SYNTHETIC_POOL))


def test_the_synthetic_table_has_every_kind_and_label() -> None:
    rows = SYNTHETIC_TABLE["wiretest.All"]
    assert {row[2] for row in rows} == {*SCALAR_TYPES, "enum", "message", "map"}
    assert {row[4].split(":")[0] for row in rows} == {"", "repeated", "optional", "oneof"}


def test_unpacked_and_packed_repeated_numbers_are_both_read() -> None:
    cls = pb2_class("wiretest.All", SYNTHETIC_POOL)
    message = cls(u_int64=[-1, 0, 2**40], r_int64=[-1, 0, 2**40], u_double=[1.5, -0.0],
                  u_fixed32=[7], u_bool=[True, False], u_sint32=[-3])
    data = message.SerializeToString()
    number = fields(SYNTHETIC_TABLE, "wiretest.All")["u_int64"][0]
    assert data.count(varint(number << 3 | 0)) == 3  # really written unpacked by protobuf
    decoded = SYNTHETIC_CODEC.decode("wiretest.All", data)
    assert decoded["u_int64"] == decoded["r_int64"] == [-1, 0, 2**40]
    assert decoded["u_fixed32"] == [7] and decoded["u_bool"] == [True, False]
    assert decoded["u_sint32"] == [-3] and decoded["u_double"] == [1.5, -0.0]
    assert cls.FromString(SYNTHETIC_CODEC.encode("wiretest.All", decoded)) == message


# -- the current plugin's real messages ---------------------------------------------------------


def current_schema_response() -> Any:
    """The plugin's schema response as protobuf parses it from the plugin's bytes."""
    from tests.support.pb_servicer import pb_servicer

    return pb_servicer().GetProviderSchema(pb.GetProviderSchema.Request())


def test_the_plugins_schema_response_round_trips() -> None:
    response = current_schema_response()
    assert response.data_source_schemas and response.provider.block.attributes
    decoded = protobuf.decode("GetProviderSchema.Response", response.SerializeToString())
    assert set(decoded["data_source_schemas"]) == set(response.data_source_schemas)
    again = protobuf.encode("GetProviderSchema.Response", decoded)
    assert pb.GetProviderSchema.Response.FromString(again) == response
    assert decoded == from_pb2(tfplugin6.MESSAGES, "GetProviderSchema.Response", response)


def test_a_read_data_source_request_as_terraform_sends_it() -> None:
    request = pb.ReadDataSource.Request(
        type_name="cleanroomsml_collaboration_trained_model",
        config=pb.DynamicValue(msgpack=b"\x81\xa4name\xa3x\xf0\x9f\x98\x80"),
        provider_meta=pb.DynamicValue())
    decoded = protobuf.decode("ReadDataSource.Request", request.SerializeToString())
    assert decoded == {"type_name": "cleanroomsml_collaboration_trained_model",
                       "config": {"msgpack": b"\x81\xa4name\xa3x\xf0\x9f\x98\x80"},
                       "provider_meta": {}}
    assert decoded.get("config", {}).get("json", b"") == b""


def test_presence_fields_are_written_when_set_to_their_default() -> None:
    step = protobuf.encode("AttributePath.Step", {"element_key_int": 0})
    assert pb.AttributePath.Step.FromString(step).WhichOneof("selector") == "element_key_int"
    assert protobuf.decode("AttributePath.Step", step) == {"element_key_int": 0}
    error = protobuf.encode("FunctionError", {"text": "", "function_argument": 0})
    assert pb.FunctionError.FromString(error).HasField("function_argument")
    assert protobuf.decode("FunctionError", error) == {"function_argument": 0}
    # An empty message is written; default scalars are not.
    diagnostic = protobuf.encode("Diagnostic", {"severity": 0, "summary": "", "attribute": {}})
    assert pb.Diagnostic.FromString(diagnostic).HasField("attribute")
    assert protobuf.decode("Diagnostic", diagnostic) == {"attribute": {}}
    function = {"return": {"type": b'"string"'}, "parameters": [{"name": "arn"}]}
    assert protobuf.decode("Function", protobuf.encode("Function", function)) == function


def test_tables_name_enums_and_methods() -> None:
    assert tfplugin6.ENUMS["Diagnostic.Severity"]["ERROR"] == pb.Diagnostic.ERROR
    assert tfplugin6.ENUMS["StringKind"]["MARKDOWN"] == pb.StringKind.MARKDOWN
    assert (tfplugin6.ENUMS["Schema.NestedBlock.NestingMode"]["LIST"]
            == pb.Schema.NestedBlock.LIST)
    assert tfplugin6.ENUMS["plugin.StdioData.Channel"]["STDERR"] == 2
    service = pb.DESCRIPTOR.services_by_name["Provider"]
    assert len(service.methods) == 16
    for method in service.methods:
        request, response, client_streaming, server_streaming = tfplugin6.METHODS[
            f"/tfplugin6.Provider/{method.name}"]
        assert pb2_class(request).DESCRIPTOR is method.input_type
        assert pb2_class(response).DESCRIPTOR is method.output_type
        assert not client_streaming and not server_streaming
    assert tfplugin6.METHODS["/plugin.GRPCController/Shutdown"] == (
        "plugin.Empty", "plugin.Empty", False, False)
    assert tfplugin6.METHODS["/plugin.GRPCStdio/StreamStdio"] == (
        "google.protobuf.Empty", "plugin.StdioData", False, True)
    assert len(tfplugin6.METHODS) == 18


# -- unknown fields, bad input, nesting --------------------------------------------------------


def varint(value: int) -> bytes:
    out = bytearray()
    while value > 127:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


UNKNOWN_FIELDS = (varint(1000 << 3 | 0) + varint(2**63 + 5)       # varint, 10 bytes
                  + varint(1001 << 3 | 1) + b"12345678"            # 64-bit
                  + varint(1002 << 3 | 2) + varint(300) + b"z" * 300  # length-delimited
                  + varint(1003 << 3 | 5) + b"1234"                # 32-bit
                  + varint(4 << 3 | 2) + b"\x02\x08\x01")          # e.g. a 6.7 field 4


def test_unknown_fields_of_every_wire_type_are_skipped_everywhere() -> None:
    request = pb.ReadDataSource.Request(type_name="t", config=pb.DynamicValue(msgpack=b"\x80"))
    config = pb.DynamicValue(msgpack=b"\x80").SerializeToString() + UNKNOWN_FIELDS
    data = (UNKNOWN_FIELDS + varint(1 << 3 | 2) + b"\x01t" + UNKNOWN_FIELDS
            + varint(2 << 3 | 2) + varint(len(config)) + config + UNKNOWN_FIELDS)
    parsed = pb.ReadDataSource.Request.FromString(data)  # protobuf agrees it is valid
    parsed.DiscardUnknownFields()
    assert parsed == request
    assert protobuf.decode("ReadDataSource.Request", data) == {
        "type_name": "t", "config": {"msgpack": b"\x80"}}


def test_a_known_field_with_another_wire_type_is_skipped_like_protobuf() -> None:
    data = varint(2 << 3 | 0) + b"\x05" + varint(1 << 3 | 0) + b"\x02"  # summary as a varint
    expected = from_pb2(tfplugin6.MESSAGES, "Diagnostic", pb.Diagnostic.FromString(data))
    assert protobuf.decode("Diagnostic", data) == expected == {"severity": 2}


def test_fields_sent_twice_merge_like_protobuf() -> None:
    first = pb.Diagnostic(summary="a", attribute=pb.AttributePath(
        steps=[pb.AttributePath.Step(attribute_name="x")])).SerializeToString()
    second = pb.Diagnostic(severity=1, summary="b", attribute=pb.AttributePath(
        steps=[pb.AttributePath.Step(element_key_int=0)])).SerializeToString()
    oneof = (pb.AttributePath.Step(attribute_name="x").SerializeToString()
             + pb.AttributePath.Step(element_key_string="y").SerializeToString())
    for name, data in [("Diagnostic", first + second), ("AttributePath.Step", oneof)]:
        expected = from_pb2(tfplugin6.MESSAGES, name, pb2_class(name).FromString(data))
        assert protobuf.decode(name, data) == expected
    assert protobuf.decode("AttributePath.Step", oneof) == {"element_key_string": "y"}


@pytest.mark.parametrize("wire_type", [3, 4])
def test_groups_are_refused(wire_type: int) -> None:
    with pytest.raises(DecodeError, match=r"Diagnostic: field 7 is a group .*not supported"):
        protobuf.decode("Diagnostic", varint(7 << 3 | wire_type) + b"\x00")


@pytest.mark.parametrize("data, match", [
    (varint(7 << 3 | 6), "invalid wire type 6"),
    (varint(7 << 3 | 7), "invalid wire type 7"),
    (b"\x00\x00", "field number 0"),
    (b"\x08" + b"\xff" * 11, "longer than 10 bytes"),
    (b"\x12\x02\xc3\x28", "not valid UTF-8"),
])
def test_malformed_input_is_one_error_naming_the_message(data: bytes, match: str) -> None:
    with pytest.raises(DecodeError, match=match) as caught:
        protobuf.decode("Diagnostic", data)
    assert "Diagnostic" in str(caught.value)
    with pytest.raises(Pb2DecodeError):
        pb.Diagnostic.FromString(data)


def test_every_truncation_is_refused_or_agrees_with_protobuf() -> None:
    data = current_schema_response().SerializeToString()
    refused = 0
    for end in range(len(data)):
        cut = data[:end]
        try:
            expected = pb.GetProviderSchema.Response.FromString(cut)
        except Pb2DecodeError:
            with pytest.raises(ValueError, match="GetProviderSchema.Response|Schema|Diagnostic"):
                protobuf.decode("GetProviderSchema.Response", cut)
            refused += 1
        else:  # cut between two fields: a valid, shorter message
            assert protobuf.decode("GetProviderSchema.Response", cut) == from_pb2(
                tfplugin6.MESSAGES, "GetProviderSchema.Response", expected)
    assert refused > len(data) * 0.9


def test_truncated_data_names_the_message() -> None:
    data = pb.ReadDataSource.Request(type_name="x" * 10).SerializeToString()
    with pytest.raises(ValueError, match=r"truncated ReadDataSource.Request: field type_name"):
        protobuf.decode("ReadDataSource.Request", data[:-1])
    with pytest.raises(ValueError, match=r"truncated ReadDataSource.Request"):
        protobuf.decode("ReadDataSource.Request", b"\x0a")


def nested_blocks(depth: int) -> bytes:
    """A Schema.Block whose block_types nest ``depth`` NestedBlock+Block levels."""
    data = b""
    for _ in range(depth):
        nested = varint(2 << 3 | 2) + varint(len(data)) + data         # NestedBlock.block
        data = varint(3 << 3 | 2) + varint(len(nested)) + nested        # Block.block_types
    return data


def test_nesting_is_bounded() -> None:
    shallow = protobuf.decode("Schema.Block", nested_blocks(45))  # 90 levels: accepted
    assert shallow["block_types"][0]["block"]["block_types"][0]["block"] is not None
    with pytest.raises(DecodeError, match="nested deeper than 100"):
        protobuf.decode("Schema.Block", nested_blocks(60))
    with pytest.raises(DecodeError, match="nested deeper than 100"):
        protobuf.decode("Schema.Block", nested_blocks(5000))  # no RecursionError either
    loop: dict[str, Any] = {"block_types": []}
    loop["block_types"].append({"block": loop})
    with pytest.raises(EncodeError, match="nested deeper than 100"):
        protobuf.encode("Schema.Block", loop)


@pytest.mark.parametrize("message, value, match", [
    ("Diagnostic", {"sevrity": 1}, "Diagnostic has no field 'sevrity'"),
    ("Diagnostic", {"severity": "ERROR"}, r"Diagnostic.severity: cannot encode str"),
    ("Diagnostic", {"summary": b"bytes"}, r"Diagnostic.summary: cannot encode bytes"),
    ("Diagnostic", {"summary": "lone \ud800"}, r"Diagnostic.summary: .*surrogates"),
    ("Diagnostic", {"attribute": []}, r"Diagnostic.attribute: cannot encode list"),
    ("DynamicValue", {"msgpack": "text"}, r"DynamicValue.msgpack: cannot encode str"),
    ("Schema.Attribute", {"required": 1}, r"Schema.Attribute.required: .*expected a bool"),
    ("Schema", {"version": 2**63}, r"Schema.version: .*out of range"),
    ("Schema", {"version": True}, r"Schema.version: .*expected an int"),
    ("Diagnostic", {"severity": 2**31}, r"Diagnostic.severity: .*out of range"),
    ("AttributePath", {"steps": {"attribute_name": "x"}}, r"AttributePath.steps: .*list"),
    ("AttributePath", {"steps": [None]}, r"AttributePath.steps: .*None"),
    ("AttributePath.Step", {"attribute_name": "a", "element_key_int": 0},
     "more than one member of oneof selector is set: attribute_name, element_key_int"),
    ("GetProviderSchema.Response", {"data_source_schemas": {"x": {"version": "1"}}},
     r"Schema.version: cannot encode str"),
])
def test_values_that_do_not_fit_are_one_error(message: str, value: dict[str, Any],
                                              match: str) -> None:
    with pytest.raises(EncodeError, match=match):
        protobuf.encode(message, value)


def test_none_means_absent_and_unknown_messages_are_key_errors() -> None:
    assert protobuf.encode("Diagnostic", {"summary": None, "attribute": None}) == b""
    with pytest.raises(KeyError, match="Nope"):
        protobuf.encode("Nope", {})
    with pytest.raises(KeyError, match="Nope"):
        protobuf.decode("Nope", b"")


def test_with_defaults_fills_scalars_lists_and_maps_only() -> None:
    filled = protobuf.with_defaults("Diagnostic", protobuf.decode("Diagnostic", b""))
    assert filled == {"severity": 0, "summary": "", "detail": ""}
    assert protobuf.with_defaults("RawState", {"json": b"{}"}) == {"json": b"{}", "flatmap": {}}
    assert protobuf.with_defaults("AttributePath.Step", {}) == {}
    assert protobuf.with_defaults("FunctionError", {}) == {"text": ""}
    assert protobuf.with_defaults("ValidateResourceConfig.Response", {}) == {"diagnostics": []}


def test_bytes_like_input_is_accepted() -> None:
    data = pb.DynamicValue(msgpack=b"\xc0").SerializeToString()
    for form in (bytearray(data), memoryview(data)):
        assert protobuf.decode("DynamicValue", form) == {"msgpack": b"\xc0"}


# -- the generated table and its generator -----------------------------------------------------


def run_codegen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleanroomsml_tf.plugin.wire.codegen", *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def test_the_checked_in_table_is_current() -> None:
    result = run_codegen("--check")
    assert result.returncode == 0, result.stderr
    assert codegen.render() == Path(tfplugin6.__file__).read_text("utf-8")


def test_a_hand_edited_table_fails_the_check(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    edited = tmp_path / "tfplugin6.py"
    text = Path(tfplugin6.__file__).read_text("utf-8")
    assert "(2, 'summary', 'string', '', '')," in text
    edited.write_text(text.replace("(2, 'summary', 'string', '', '')",
                                   "(2, 'summary', 'bytes', '', '')"), "utf-8")
    assert codegen.main(["--check", "--path", str(edited)]) == 1
    err = capsys.readouterr().err
    assert "-        (2, 'summary', 'bytes', '', '')," in err
    assert "+        (2, 'summary', 'string', '', '')," in err
    assert "is out of date: run python -m cleanroomsml_tf.plugin.wire.codegen" in err
    assert codegen.main(["--path", str(edited)]) == 0  # rewriting it repairs it
    assert edited.read_text("utf-8") == text
    assert codegen.main(["--check", "--path", str(edited)]) == 0


def test_the_codec_and_table_import_no_protobuf_runtime() -> None:
    code = (
        "import sys\n"
        "from cleanroomsml_tf.plugin.wire import protobuf, tfplugin6\n"
        "data = protobuf.encode('ReadDataSource.Response', {'state': {'msgpack': b'x'}})\n"
        "assert protobuf.decode('ReadDataSource.Response', data)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "             {'google', 'tf', 'grpc', 'typing', 'msgpack', 'botocore', 'boto3'}))\n"
    )
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_threads_describing_a_message_at_once_never_see_it_half_built() -> None:
    """Terraform's parallel reads encode a message type for the first time on several threads
    at once: every one of them gets the complete description (a half-built one made an encode
    fail with "ReadDataSource.Response has no field 'diagnostics'")."""
    import threading

    response = {"state": {"msgpack": b"\x80"},
                "diagnostics": [{"severity": 1, "summary": "s", "detail": "d"}]}
    expected = pb.ReadDataSource.Response(
        state=pb.DynamicValue(msgpack=b"\x80"),
        diagnostics=[pb.Diagnostic(severity=1, summary="s", detail="d")]).SerializeToString()
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the GIL over as often as possible
    try:
        for _ in range(40):
            codec = Codec(tfplugin6.MESSAGES)
            barrier = threading.Barrier(8)
            results: list[bytes | Exception] = []

            def encode(codec: Codec = codec, barrier: threading.Barrier = barrier,
                       results: list[bytes | Exception] = results) -> None:
                barrier.wait()
                try:
                    results.append(codec.encode("ReadDataSource.Response", response))
                except Exception as error:  # noqa: BLE001 - collected, asserted below
                    results.append(error)

            threads = [threading.Thread(target=encode) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert results == [expected] * 8
    finally:
        sys.setswitchinterval(switch)
