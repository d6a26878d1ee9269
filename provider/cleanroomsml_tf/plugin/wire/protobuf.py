"""A small table-driven proto3 codec: messages as plain dicts, no protobuf runtime.

    from cleanroomsml_tf.plugin.wire import protobuf
    data = protobuf.encode("ReadDataSource.Response", {"state": {"msgpack": b"..."}})
    request = protobuf.decode("ReadDataSource.Request", data)
    config = request.get("config", {}).get("msgpack", b"")

Importing ``google.protobuf`` and the generated ``tfplugin_pb2`` costs tens of milliseconds per
plugin launch, and Terraform launches the plugin three times per plan; this module imports only
``struct``. The message table is ``tfplugin6.py`` (generated from the descriptors the ``tf``
package ships, by ``codegen.py``); ``Codec`` takes any table of the same form.

Values (both directions):
- a message is a ``dict`` keyed by field name (the ``.proto`` spelling: ``"Error"``,
  ``"return"``); a nested message is a dict, a repeated field a list, a map field a dict
  (keys str/int/bool as declared, values scalars or message dicts);
- ``string`` -> ``str``, ``bytes`` -> ``bytes``, ``bool`` -> ``bool``, every integer kind and
  ``enum`` -> ``int`` (enum names: ``tfplugin6.ENUMS["Diagnostic.Severity"]["ERROR"]``),
  ``double``/``float`` -> ``float``.

Encoding (proto3): a key that is absent or ``None`` is not written; a scalar equal to its default
(0, "", b"", False) is not written, except a oneof member or a proto3 ``optional`` field
(``FunctionError.function_argument``), written whenever its key is set, 0 included; a message
field set to a dict is written, even an empty one; repeated numeric fields are packed; map
entries are written in the dict's order, key and value both. An unknown key, a wrong type, an
integer out of range, two members of one oneof or a string that is not valid UTF-8 (a lone
surrogate) raise ``EncodeError`` (a ``ValueError``) naming message and field.

Decoding: the dict holds the fields present on the wire, nothing else -- a field not sent is
absent, so read with a default: ``msg.get("summary", "")``, ``msg.get("diagnostics", [])``,
``msg.get("config", {})``; ``Codec.with_defaults`` fills the scalar, list and map defaults in.
A oneof member or ``optional`` field is present exactly when it was sent (0 included): test
with ``"element_key_int" in step``. Unknown fields (newer protocol versions) are skipped,
whatever their wire type; packed and unpacked repeated numbers are both read; a singular message
sent twice is merged, a scalar sent twice keeps the last value, as protobuf does. Groups (wire
types 3 and 4), truncated data, bad UTF-8 and nesting deeper than ``MAX_DEPTH`` raise
``DecodeError`` (a ``ValueError``) naming the message.
"""

from __future__ import annotations

import struct
from _thread import allocate_lock  # threading.Lock itself; threading costs a bare import ~5 ms

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs import time the plugin does not need at run time
    from collections.abc import Mapping
    from typing import Any

    Table = Mapping[str, tuple[tuple[int, str, str, str, str], ...]]

MAX_DEPTH = 100
"""Deepest nesting of messages accepted, in either direction (protobuf's default limit)."""


class EncodeError(ValueError):
    """A value that does not fit its message description."""


class DecodeError(ValueError):
    """Bytes that are not a valid encoding of the message asked for."""


_VARINT_KINDS = frozenset({"int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool",
                           "enum"})
_FIXED = {"fixed32": "<I", "sfixed32": "<i", "float": "<f",
          "fixed64": "<Q", "sfixed64": "<q", "double": "<d"}
_WIRE_TYPES = {**dict.fromkeys(_VARINT_KINDS, 0), "fixed64": 1, "sfixed64": 1, "double": 1,
               "fixed32": 5, "sfixed32": 5, "float": 5, "string": 2, "bytes": 2,
               "message": 2, "map": 2}
_RANGES = {"int32": (-(1 << 31), (1 << 31) - 1), "enum": (-(1 << 31), (1 << 31) - 1),
           "sint32": (-(1 << 31), (1 << 31) - 1), "uint32": (0, (1 << 32) - 1),
           "int64": (-(1 << 63), (1 << 63) - 1), "sint64": (-(1 << 63), (1 << 63) - 1),
           "uint64": (0, (1 << 64) - 1), "fixed32": (0, (1 << 32) - 1),
           "sfixed32": (-(1 << 31), (1 << 31) - 1), "fixed64": (0, (1 << 64) - 1),
           "sfixed64": (-(1 << 63), (1 << 63) - 1)}
_DEFAULTS: dict[str, Any] = {**dict.fromkeys(_RANGES, 0), "bool": False, "string": "",
                             "bytes": b"", "float": 0.0, "double": 0.0}
_MASK64 = (1 << 64) - 1
_ONE_BYTE = [bytes((i,)) for i in range(128)]


def _varint(value: int) -> bytes:
    """The base-128 encoding of a non-negative integer below 2**64."""
    if value < 128:
        return _ONE_BYTE[value]
    out = bytearray()
    while value > 127:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


class _Field:
    __slots__ = ("number", "name", "kind", "ref", "repeated", "presence", "oneof", "tag",
                 "packed", "message", "fmt", "low", "high", "others", "floating")

    def __init__(self, number: int, name: str, kind: str, ref: str, label: str) -> None:
        self.number = number
        self.name = name
        self.kind = kind
        self.ref = ref
        self.repeated = label == "repeated"
        self.oneof = label[6:] if label.startswith("oneof:") else ""
        # Explicit presence: written when set, even to the default.
        self.presence = label == "optional" or bool(self.oneof) or kind == "message"
        self.packed = self.repeated and (kind in _VARINT_KINDS or kind in _FIXED)
        self.tag = _varint(number << 3 | (2 if self.packed else _WIRE_TYPES[kind]))
        self.message: _Message | None = None  # message or map-entry description, when one
        self.fmt = _FIXED.get(kind, "")
        self.floating = kind in ("float", "double")
        self.low, self.high = _RANGES.get(kind, (0, 0))
        self.others: tuple[str, ...] = ()  # the other members of its oneof


class _Message:
    __slots__ = ("name", "fields", "by_tag", "oneofs")

    def __init__(self, name: str) -> None:
        self.name = name
        self.fields: dict[str, _Field] = {}
        self.by_tag: dict[int, _Field] = {}
        self.oneofs: tuple[tuple[str, tuple[str, ...]], ...] = ()


class Codec:
    """Encode and decode the messages of one table (see the module docstring for values)."""

    def __init__(self, messages: Table) -> None:
        self._table = messages
        self._messages: dict[str, _Message] = {}  # complete descriptions only
        self._lock = allocate_lock()

    def _message(self, name: str) -> _Message:
        """The compiled description of ``name`` (and of the messages it reaches), built once.

        Calls run on several threads at once (Terraform reads in parallel), so a description is
        published only when it and every message it reaches are complete: a thread must never
        see a half-built one (that made an encode fail with "has no field")."""
        found = self._messages.get(name)
        if found is not None:
            return found
        with self._lock:
            found = self._messages.get(name)
            if found is not None:
                return found
            building: dict[str, _Message] = {}
            message = self._build(name, building)
            self._messages.update(building)
            return message

    def _build(self, name: str, building: dict[str, _Message]) -> _Message:
        """Describe ``name``; ``building`` holds the descriptions under way (messages may
        reach themselves, e.g. a nested block's block)."""
        try:
            rows = self._table[name]
        except KeyError:
            raise KeyError(f"unknown protobuf message {name!r}") from None
        message = building[name] = _Message(name)
        groups: dict[str, list[str]] = {}
        for row in rows:
            field = _Field(*row)
            message.fields[field.name] = field
            wire = _WIRE_TYPES[field.kind]
            message.by_tag[field.number << 3 | wire] = field
            if field.repeated and wire != 2:  # numbers: packed or not, both are read
                message.by_tag[field.number << 3 | 2] = field
            if field.kind in ("message", "map"):
                field.message = (self._messages.get(field.ref) or building.get(field.ref)
                                 or self._build(field.ref, building))
            if field.oneof:
                groups.setdefault(field.oneof, []).append(field.name)
        message.oneofs = tuple((group, tuple(names)) for group, names in groups.items())
        for _, names in message.oneofs:
            for member in names:
                message.fields[member].others = tuple(n for n in names if n != member)
        return message

    # -- encoding ---------------------------------------------------------------------------

    def encode(self, message: str, value: Mapping[str, Any]) -> bytes:
        """The proto3 encoding of ``value`` as a ``message`` (a name of the table)."""
        out = bytearray()
        self._encode(self._message(message), value, out, 0)
        return bytes(out)

    def _encode(self, message: _Message, value: Mapping[str, Any], out: bytearray,
                depth: int) -> None:
        if depth > MAX_DEPTH:
            raise EncodeError(f"{message.name}: nested deeper than {MAX_DEPTH} messages")
        fields = message.fields
        if message.oneofs:
            _check_oneofs(message, value)
        for name, item in value.items():
            if item is None:
                continue
            field = fields.get(name)
            if field is None:
                raise EncodeError(f"{message.name} has no field {name!r}")
            try:
                kind = field.kind
                if kind == "string" and not field.repeated:  # the common cases, inline
                    if item or field.presence:
                        data = item.encode("utf-8")
                        size = len(data)
                        out += field.tag
                        out += _ONE_BYTE[size] if size < 128 else _varint(size)
                        out += data
                elif kind == "bool" and not field.repeated:
                    if item is True:
                        out += field.tag
                        out.append(1)
                    elif item is not False:
                        raise TypeError("expected a bool")
                    elif field.presence:
                        out += field.tag
                        out.append(0)
                elif field.repeated:
                    if item:
                        self._encode_repeated(field, item, out, depth)
                elif kind == "map":
                    if item:
                        self._encode_map(field, item, out, depth)
                elif field.presence or item or (field.floating and str(item)[0] == "-"):
                    out += field.tag  # (-0.0 is not the default: its sign is kept)
                    self._encode_value(field, item, out, depth)
            except EncodeError:
                raise
            except (TypeError, AttributeError, ValueError, OverflowError, struct.error) as error:
                raise EncodeError(f"{message.name}.{name}: cannot encode {_show(item)} as "
                                  f"{field.kind}: {error}") from None

    def _encode_value(self, field: _Field, item: Any, out: bytearray, depth: int) -> None:
        """Append the payload of one value (after its tag)."""
        kind = field.kind
        if kind == "message":
            assert field.message is not None
            if not item:
                if not hasattr(item, "items"):
                    raise TypeError("expected a dict")
                out.append(0)
                return
            body = bytearray()
            self._encode(field.message, item, body, depth + 1)
            size = len(body)
            out += _ONE_BYTE[size] if size < 128 else _varint(size)
            out += body
        elif kind == "string":
            data = item.encode("utf-8")
            out += _varint(len(data))
            out += data
        elif kind == "bytes":
            if not isinstance(item, bytes | bytearray | memoryview):
                raise TypeError("expected bytes")
            out += _varint(len(item))
            out += item
        elif kind == "bool":
            if item is not True and item is not False:
                raise TypeError("expected a bool")
            out.append(1 if item else 0)
        elif field.fmt:
            if field.floating:
                if not isinstance(item, float | int) or isinstance(item, bool):
                    raise TypeError("expected a float")
            elif type(item) is not int or not field.low <= item <= field.high:
                _check_int(field, item)
            out += struct.pack(field.fmt, item)
        else:
            _check_int(field, item)
            if kind[0] == "s":  # sint32/sint64: zigzag
                item = (item << 1) ^ (item >> 63)
            out += _varint(item & _MASK64)

    def _encode_repeated(self, field: _Field, items: Any, out: bytearray, depth: int) -> None:
        if isinstance(items, str | bytes | dict):
            raise TypeError("expected a list")
        if field.packed:
            body = bytearray()
            if field.fmt:
                for item in items:
                    self._encode_value(field, item, body, depth)
            else:
                for item in items:
                    if item is None:
                        raise TypeError("None in a repeated field")
                    self._encode_value(field, item, body, depth)
            out += field.tag
            out += _varint(len(body))
            out += body
            return
        tag = field.tag
        for item in items:
            if item is None:
                raise TypeError("None in a repeated field")
            out += tag
            self._encode_value(field, item, out, depth)

    def _encode_map(self, field: _Field, items: Any, out: bytearray, depth: int) -> None:
        entry = field.message
        assert entry is not None
        key_field = entry.fields["key"]
        value_field = entry.fields["value"]
        for key, item in items.items():
            body = bytearray(key_field.tag)
            self._encode_value(key_field, key, body, depth + 1)
            body += value_field.tag
            self._encode_value(value_field, {} if item is None else item, body, depth + 1)
            out += field.tag
            out += _varint(len(body))
            out += body

    # -- decoding ---------------------------------------------------------------------------

    def decode(self, message: str, data: bytes | bytearray | memoryview) -> dict[str, Any]:
        """The fields of ``data``, an encoded ``message`` (see the module docstring)."""
        if not isinstance(data, bytes):
            data = bytes(data)
        out: dict[str, Any] = {}
        self._decode(self._message(message), data, 0, len(data), 0, out)
        return out

    def _decode(self, message: _Message, data: bytes, pos: int, end: int, depth: int,
                out: dict[str, Any]) -> None:
        """Decode ``data[pos:end]`` into ``out`` (merging into what it holds)."""
        if depth > MAX_DEPTH:
            raise DecodeError(f"{message.name}: nested deeper than {MAX_DEPTH} messages")
        by_tag = message.by_tag
        while pos < end:
            tag = data[pos]
            pos += 1
            if tag > 127:
                tag, pos = _read_varint(data, pos - 1, end, message, "a field tag")
            field = by_tag.get(tag)
            if field is None:
                pos = _skip(data, pos, end, tag, message)
                continue
            wire = tag & 7
            if wire == 2:
                length = data[pos] if pos < end else 128
                if length > 127:
                    length, pos = _read_varint(data, pos, end, message, field.name)
                else:
                    pos += 1
                stop = pos + length
                if stop > end:
                    raise DecodeError(f"truncated {message.name}: field {field.name} needs "
                                      f"{length} bytes, {end - pos} left")
                kind = field.kind
                if kind == "message":
                    assert field.message is not None
                    if field.repeated:
                        item: dict[str, Any] = {}
                        self._decode(field.message, data, pos, stop, depth + 1, item)
                        out.setdefault(field.name, []).append(item)
                    else:
                        item = out.get(field.name) or {}
                        self._decode(field.message, data, pos, stop, depth + 1, item)
                        self._set(out, field, item)
                elif kind == "string":
                    try:
                        text = data[pos:stop].decode("utf-8")
                    except UnicodeDecodeError:
                        raise DecodeError(f"{message.name}.{field.name}: a string that is not "
                                          "valid UTF-8") from None
                    if field.repeated:
                        out.setdefault(field.name, []).append(text)
                    else:
                        self._set(out, field, text)
                elif kind == "bytes":
                    if field.repeated:
                        out.setdefault(field.name, []).append(data[pos:stop])
                    else:
                        self._set(out, field, data[pos:stop])
                elif kind == "map":
                    self._decode_entry(field, data, pos, stop, depth, out)
                else:  # packed numbers
                    items = out.setdefault(field.name, [])
                    while pos < stop:
                        number, pos = self._read_number(field, data, pos, stop, message)
                        items.append(number)
                    if pos != stop:
                        raise DecodeError(f"truncated {message.name}: packed {field.name}")
                pos = stop
            else:
                number, pos = self._read_number(field, data, pos, end, message)
                if field.repeated:
                    out.setdefault(field.name, []).append(number)
                else:
                    self._set(out, field, number)
        if pos != end:
            raise DecodeError(f"truncated {message.name}: a field runs past its end")

    @staticmethod
    def _set(out: dict[str, Any], field: _Field, item: Any) -> None:
        if field.others:  # setting one member of a oneof clears the others
            for other in field.others:
                out.pop(other, None)
        out[field.name] = item

    def _decode_entry(self, field: _Field, data: bytes, pos: int, stop: int, depth: int,
                      out: dict[str, Any]) -> None:
        entry = field.message
        assert entry is not None
        pair: dict[str, Any] = {}
        self._decode(entry, data, pos, stop, depth + 1, pair)
        key_field = entry.fields["key"]
        value_field = entry.fields["value"]
        key = pair.get("key", _DEFAULTS[key_field.kind])
        if value_field.kind == "message":
            item = pair.get("value", {})
        else:
            item = pair.get("value", _DEFAULTS[value_field.kind])
        out.setdefault(field.name, {})[key] = item

    @staticmethod
    def _read_number(field: _Field, data: bytes, pos: int, end: int,
                     message: _Message) -> tuple[Any, int]:
        """One varint or fixed-width value of ``field``'s kind at ``pos``."""
        kind = field.kind
        if field.fmt:
            size = 8 if field.fmt in ("<Q", "<q", "<d") else 4
            if pos + size > end:
                raise DecodeError(f"truncated {message.name}: field {field.name}")
            return struct.unpack_from(field.fmt, data, pos)[0], pos + size
        if pos < end and data[pos] < 128:
            raw, pos = data[pos], pos + 1
        else:
            raw, pos = _read_varint(data, pos, end, message, field.name)
        if kind == "bool":
            return raw != 0, pos
        if kind == "int64":
            return (raw - (1 << 64) if raw >> 63 else raw), pos
        if kind in ("int32", "enum"):
            raw &= 0xFFFFFFFF
            return (raw - (1 << 32) if raw >> 31 else raw), pos
        if kind == "uint32":
            return raw & 0xFFFFFFFF, pos
        if kind == "sint32":
            raw &= 0xFFFFFFFF
            return (raw >> 1) ^ -(raw & 1), pos
        if kind == "sint64":
            return (raw >> 1) ^ -(raw & 1), pos
        return raw, pos  # uint64

    # -- defaults ---------------------------------------------------------------------------

    def with_defaults(self, message: str, value: Mapping[str, Any]) -> dict[str, Any]:
        """A shallow copy of a decoded ``value`` with every absent scalar, list and map field
        set to its proto3 default; message, oneof and ``optional`` fields stay absent."""
        out = dict(value)
        for field in self._message(message).fields.values():
            if field.name in out or (field.presence and not field.repeated):
                continue
            if field.repeated:
                out[field.name] = []
            elif field.kind == "map":
                out[field.name] = {}
            else:
                out[field.name] = _DEFAULTS[field.kind]
        return out


def _check_oneofs(message: _Message, value: Mapping[str, Any]) -> None:
    for group, names in message.oneofs:
        chosen = [name for name in names if value.get(name) is not None]
        if len(chosen) > 1:
            raise EncodeError(f"{message.name}: more than one member of oneof {group} is set: "
                              f"{', '.join(chosen)}")


def _check_int(field: _Field, item: Any) -> None:
    if type(item) is not int:  # bool is an int: refuse it too
        raise TypeError("expected an int")
    if not field.low <= item <= field.high:
        raise ValueError(f"out of range {field.low}..{field.high}")


def _show(item: Any) -> str:
    text = repr(item)
    return f"{type(item).__name__} {text[:40]}{'...' if len(text) > 40 else ''}"


def _read_varint(data: bytes, pos: int, end: int, message: _Message, what: str
                 ) -> tuple[int, int]:
    result = 0
    shift = 0
    while pos < end:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 128:
            return result & _MASK64, pos
        shift += 7
        if shift >= 70:
            raise DecodeError(f"{message.name}: a varint longer than 10 bytes in {what}")
    raise DecodeError(f"truncated {message.name}: {what} ends inside a varint")


def _skip(data: bytes, pos: int, end: int, tag: int, message: _Message) -> int:
    """The position after the payload of an unknown field (newer protocol versions add some)."""
    wire = tag & 7
    number = tag >> 3
    if number == 0:
        raise DecodeError(f"{message.name}: field number 0 (not a valid encoding)")
    if wire == 0:
        _, pos = _read_varint(data, pos, end, message, f"unknown field {number}")
        return pos
    if wire == 1:
        pos += 8
    elif wire == 5:
        pos += 4
    elif wire == 2:
        length, pos = _read_varint(data, pos, end, message, f"unknown field {number}")
        pos += length
    elif wire in (3, 4):
        raise DecodeError(f"{message.name}: field {number} is a group (wire type {wire}); "
                          "groups are not supported")
    else:
        raise DecodeError(f"{message.name}: field {number} has invalid wire type {wire}")
    if pos > end:
        raise DecodeError(f"truncated {message.name}: unknown field {number} runs past the end")
    return pos


_default: Codec | None = None


def codec() -> Codec:
    """The codec of the tfplugin6 table (``tfplugin6.MESSAGES``), built on first use."""
    global _default
    if _default is None:
        from cleanroomsml_tf.plugin.wire import tfplugin6

        _default = Codec(tfplugin6.MESSAGES)
    return _default


def encode(message: str, value: Mapping[str, Any]) -> bytes:
    """The encoding of ``value`` as the tfplugin6 ``message`` (``"GetProviderSchema.Response"``,
    ``"plugin.Empty"``...). Raises ``EncodeError`` (a ValueError) and ``KeyError`` for an
    unknown message name."""
    return codec().encode(message, value)


def decode(message: str, data: bytes | bytearray | memoryview) -> dict[str, Any]:
    """The fields of ``data``, an encoded tfplugin6 ``message``; fields not sent are absent.
    Raises ``DecodeError`` (a ValueError) and ``KeyError`` for an unknown message name."""
    return codec().decode(message, data)


def with_defaults(message: str, value: Mapping[str, Any]) -> dict[str, Any]:
    """``value`` (a decoded tfplugin6 ``message``) with absent scalars, lists and maps filled in."""
    return codec().with_defaults(message, value)
