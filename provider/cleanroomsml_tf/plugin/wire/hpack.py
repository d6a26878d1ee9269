"""HPACK, HTTP/2 header compression (RFC 7541): a full decoder and a stateless encoder.

The decoder understands everything a peer may send: the static table, the dynamic table with its
size updates, integers, plain and Huffman-coded string literals (Go's gRPC client Huffman-codes
and indexes its headers). It is bounded: a header block whose decoded list would exceed
``max_header_list_size`` (RFC 9113's accounting: name + value + 32 bytes per field), an integer
wider than 32 bits, or a table size above the limit we advertised raises :class:`HpackError`,
which the connection turns into a connection error; memory never grows with what a peer sends.

The encoder never inserts into the peer's dynamic table: a field is either a full static-table
match (indexed) or a literal without indexing, with the name from the static table when it is
there. Encoding thus carries no state between header blocks, so header blocks from several
streams may be encoded in any order.

Both sides remember recent blocks (at most 64, of at most 1 KiB): the decoder a block that left
the dynamic table unchanged, with its header list, until the table next changes; the encoder a
header list with its block. A server answering many calls on one connection sees and sends the
same few blocks again and again.

Header names and values are ``str`` holding bytes 0-255 (latin-1): HTTP/2 fields are octets and
gRPC's are ASCII (binary ones base64-coded), so the mapping is lossless both ways.
"""

from __future__ import annotations

from collections.abc import Iterable

DEFAULT_TABLE_SIZE = 4096
DEFAULT_MAX_HEADER_LIST_SIZE = 64 * 1024
_ENTRY_OVERHEAD = 32  # RFC 7541 4.1: an entry's size is len(name) + len(value) + 32
# Remembered header blocks (decoded and encoded): how many, and how long a block may be.
_CACHE_ENTRIES = 64
_CACHE_MAX_BLOCK = 1024

Header = tuple[str, str]


class HpackError(Exception):
    """A header block that cannot be decoded (a COMPRESSION_ERROR in HTTP/2)."""


# RFC 7541 Appendix A, indexes 1..61.
STATIC_TABLE: tuple[Header, ...] = (
    (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"),
    (":path", "/index.html"), (":scheme", "http"), (":scheme", "https"), (":status", "200"),
    (":status", "204"), (":status", "206"), (":status", "304"), (":status", "400"),
    (":status", "404"), (":status", "500"), ("accept-charset", ""),
    ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""),
    ("accept", ""), ("access-control-allow-origin", ""), ("age", ""), ("allow", ""),
    ("authorization", ""), ("cache-control", ""), ("content-disposition", ""),
    ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
    ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""),
    ("date", ""), ("etag", ""), ("expect", ""), ("expires", ""), ("from", ""), ("host", ""),
    ("if-match", ""), ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""),
    ("if-unmodified-since", ""), ("last-modified", ""), ("link", ""), ("location", ""),
    ("max-forwards", ""), ("proxy-authenticate", ""), ("proxy-authorization", ""),
    ("range", ""), ("referer", ""), ("refresh", ""), ("retry-after", ""), ("server", ""),
    ("set-cookie", ""), ("strict-transport-security", ""), ("transfer-encoding", ""),
    ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
)
_STATIC_FIELD_INDEX = {field: i + 1 for i, field in reversed(list(enumerate(STATIC_TABLE)))}
_STATIC_NAME_INDEX = {name: i + 1 for i, (name, _) in reversed(list(enumerate(STATIC_TABLE)))}

# RFC 7541 Appendix B: the bit length of the Huffman code of each symbol 0..256 (256 is EOS),
# one letter per symbol, "A" = 5 bits ... "Z" = 30 bits. The code is canonical (codes of one
# length are consecutive, in symbol order, and follow the last code of the previous length), so
# the lengths determine every code; tests check codes against Appendix B and decode Appendix C.
_HUFFMAN_LENGTHS = (
    "ISXXXXXXXTZXXZXXXXXXXXZXXXXXXXXXBFFHIBDGFFDGDBBBAAABBBBBBBCDKBHFIBCCCCCCCCCCCCCCCCCCCCCCDCDI"
    "OIJBKABABABBBACCBBBABCBAABCCCCCKGJIXPRPPRRRSRSSSSSTSTTRSTSSSSQRSRSSTRQPRRSSQSRRTQRSSQQRQSRS"
    "SPRRRSRRSVVPORSRUVVVWWVTUOQVWWVWTQQVVXWWWPTPQRQQSRRUUTTVSVWVVWWWWWXWWWWWVZ"
)
_EOS = 256


def _canonical_tables() -> tuple[list[int], list[int], list[int], list[int]]:
    """(symbols ordered by code, first code per length, index of that symbol, count per length)."""
    lengths = [ord(letter) - ord("A") + 5 for letter in _HUFFMAN_LENGTHS]
    symbols = sorted(range(len(lengths)), key=lambda symbol: (lengths[symbol], symbol))
    first_code = [0] * 31
    first_index = [0] * 31
    count = [0] * 31
    code = 0
    previous = lengths[symbols[0]]
    for position, symbol in enumerate(symbols):
        length = lengths[symbol]
        if position:
            code = (code + 1) << (length - previous)
        previous = length
        if count[length] == 0:
            first_code[length], first_index[length] = code, position
        count[length] += 1
    return symbols, first_code, first_index, count


_SYMBOLS, _FIRST_CODE, _FIRST_INDEX, _COUNT = _canonical_tables()


def huffman_code(symbol: int) -> tuple[int, int]:
    """(code, bit length) of ``symbol`` (0..256) in Appendix B's Huffman code."""
    position = _SYMBOLS.index(symbol)
    for length in range(5, 31):
        if _COUNT[length] and position < _FIRST_INDEX[length] + _COUNT[length]:
            return _FIRST_CODE[length] + position - _FIRST_INDEX[length], length
    raise ValueError(symbol)


def huffman_decode(data: bytes) -> bytes:
    """Decode a Huffman-coded string literal (RFC 7541 5.2)."""
    out = bytearray()
    code = length = 0
    first_code, first_index, count, symbols = _FIRST_CODE, _FIRST_INDEX, _COUNT, _SYMBOLS
    for byte in data:
        for shift in (7, 6, 5, 4, 3, 2, 1, 0):
            code = (code << 1) | ((byte >> shift) & 1)
            length += 1
            if length < 5:
                continue
            offset = code - first_code[length]
            if 0 <= offset < count[length]:
                symbol = symbols[first_index[length] + offset]
                if symbol == _EOS:
                    raise HpackError("Huffman string contains EOS")
                out.append(symbol)
                code = length = 0
            elif length >= 30:
                raise HpackError("invalid Huffman code")
    # Padding: fewer than 8 bits, all ones (the start of EOS).
    if length > 7 or code != (1 << length) - 1:
        raise HpackError("invalid Huffman padding")
    return bytes(out)


def decode_integer(data: bytes, position: int, prefix_bits: int) -> tuple[int, int]:
    """(value, next position) of an integer with a ``prefix_bits`` prefix (RFC 7541 5.1)."""
    mask = (1 << prefix_bits) - 1
    value = data[position] & mask
    position += 1
    if value < mask:
        return value, position
    shift = 0
    while True:
        if position >= len(data):
            raise HpackError("truncated integer")
        byte = data[position]
        position += 1
        value += (byte & 0x7F) << shift
        shift += 7
        if value > 0xFFFFFFFF:
            raise HpackError("integer too large")
        if not byte & 0x80:
            return value, position


def encode_integer(value: int, prefix_bits: int, first_byte_flags: int = 0) -> bytes:
    """``value`` with a ``prefix_bits`` prefix, the first byte's high bits set to the flags."""
    mask = (1 << prefix_bits) - 1
    if value < mask:
        return bytes((first_byte_flags | value,))
    out = bytearray((first_byte_flags | mask,))
    value -= mask
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


class Decoder:
    """Decodes the header blocks of one connection, in order (the dynamic table is shared)."""

    def __init__(self, max_table_size: int = DEFAULT_TABLE_SIZE,
                 max_header_list_size: int = DEFAULT_MAX_HEADER_LIST_SIZE) -> None:
        self.limit = max_table_size  # what we advertised (SETTINGS_HEADER_TABLE_SIZE)
        self.max_table_size = max_table_size  # the encoder's current choice, <= limit
        self.max_header_list_size = max_header_list_size
        self._table: list[Header] = []  # newest first
        self._table_size = 0
        # Decoded blocks that change nothing, valid while the table is unchanged (see decode).
        self._cache: dict[bytes, tuple[Header, ...]] = {}
        self._generation = 0  # counts changes to the table and its size

    @property
    def table(self) -> list[Header]:
        """The dynamic table, newest entry first."""
        return list(self._table)

    @property
    def table_size(self) -> int:
        return self._table_size

    def decode(self, block: bytes) -> list[Header]:
        """The header list of one complete header block.

        A block that left the dynamic table as it was (no insertion, no size update) is
        remembered with its header list: the same bytes decode the same way for as long as the
        table stays unchanged, and a peer that indexes its headers (Go's and grpcio's clients)
        sends the same few blocks call after call. Any change to the table (an insertion, an
        eviction, a size update) forgets every remembered block, before the block that made
        the change goes on decoding."""
        if type(block) is not bytes:
            block = bytes(block)  # a hashable key
        cached = self._cache.get(block)
        if cached is not None:
            return list(cached)
        generation = self._generation
        headers = self._decode(block)
        if generation == self._generation and len(block) <= _CACHE_MAX_BLOCK:
            if len(self._cache) >= _CACHE_ENTRIES:
                self._cache.clear()  # varied blocks (e.g. changing values sent as literals)
            self._cache[block] = tuple(headers)
        return headers

    def _changed(self) -> None:
        """The dynamic table (or its size) changed: remembered blocks may decode otherwise."""
        self._generation += 1
        self._cache.clear()

    def _decode(self, block: bytes) -> list[Header]:
        headers: list[Header] = []
        list_size = 0
        position = 0
        end = len(block)
        while position < end:
            byte = block[position]
            if byte & 0x80:  # indexed field
                index, position = decode_integer(block, position, 7)
                header = self._lookup(index)
            elif byte & 0xE0 == 0x20:  # dynamic table size update
                if headers:
                    raise HpackError("table size update after a header field")
                size, position = decode_integer(block, position, 5)
                if size > self.limit:
                    raise HpackError(f"table size {size} above the limit {self.limit}")
                self.max_table_size = size
                self._changed()
                self._evict(0)
                continue
            else:
                indexing = byte & 0xC0 == 0x40
                index, position = decode_integer(block, position, 6 if indexing else 4)
                if index:
                    name = self._lookup(index)[0]
                else:
                    name, position = self._string(block, position)
                value, position = self._string(block, position)
                header = (name, value)
                if indexing:
                    self._insert(header)
            list_size += len(header[0]) + len(header[1]) + _ENTRY_OVERHEAD
            if list_size > self.max_header_list_size:
                raise HpackError(f"header list larger than {self.max_header_list_size} bytes")
            headers.append(header)
        return headers

    def _lookup(self, index: int) -> Header:
        if 1 <= index <= len(STATIC_TABLE):
            return STATIC_TABLE[index - 1]
        dynamic = index - len(STATIC_TABLE) - 1
        if index == 0 or dynamic >= len(self._table):
            raise HpackError(f"header table index {index} out of range")
        return self._table[dynamic]

    def _string(self, block: bytes, position: int) -> tuple[str, int]:
        if position >= len(block):
            raise HpackError("truncated string literal")
        huffman = block[position] & 0x80
        length, position = decode_integer(block, position, 7)
        end = position + length
        if end > len(block):
            raise HpackError("truncated string literal")
        raw = block[position:end]
        if length > self.max_header_list_size:
            raise HpackError(f"string literal larger than {self.max_header_list_size} bytes")
        return (huffman_decode(raw) if huffman else raw).decode("latin-1"), end

    def _insert(self, header: Header) -> None:
        size = len(header[0]) + len(header[1]) + _ENTRY_OVERHEAD
        self._changed()
        if size > self.max_table_size:  # RFC 7541 4.4: empties the table, adds nothing
            self._table.clear()
            self._table_size = 0
            return
        self._evict(size)
        self._table.insert(0, header)
        self._table_size += size

    def _evict(self, room: int) -> None:
        """Drop the oldest entries until ``room`` more bytes fit in the table."""
        while self._table and self._table_size + room > self.max_table_size:
            name, value = self._table.pop()
            self._table_size -= len(name) + len(value) + _ENTRY_OVERHEAD


def _string_literal(text: str) -> bytes:
    raw = text.encode("latin-1")
    return encode_integer(len(raw), 7) + raw


class Encoder:
    """Stateless encoding: static-table references and literals without indexing, no Huffman.

    Since the output depends on the header list alone, encoded blocks are remembered by their
    header list (a server's response headers and trailers are nearly always the same); the
    table size update, the only state, is put in front of a block, never remembered."""

    def __init__(self) -> None:
        self._announce_size: int | None = None
        self._cache: dict[tuple[Header, ...], bytes] = {}

    def peer_table_size_changed(self) -> None:
        """The peer changed SETTINGS_HEADER_TABLE_SIZE: the next block starts with a table size
        update (RFC 7541 4.2). We use no dynamic table, so 0 always fits the new limit."""
        self._announce_size = 0

    def encode(self, headers: Iterable[Header]) -> bytes:
        key = tuple(headers)
        block = self._cache.get(key)
        if block is None:
            block = _encode_block(key)
            if len(block) <= _CACHE_MAX_BLOCK:
                if len(self._cache) >= _CACHE_ENTRIES:
                    self._cache.clear()  # e.g. many different grpc-message trailers
                self._cache[key] = block
        if self._announce_size is not None:
            block = encode_integer(self._announce_size, 5, 0x20) + block
            self._announce_size = None
        return block


def _encode_block(headers: Iterable[Header]) -> bytes:
    out = bytearray()
    for name, value in headers:
        index = _STATIC_FIELD_INDEX.get((name, value))
        if index is not None:
            out += encode_integer(index, 7, 0x80)
            continue
        name_index = _STATIC_NAME_INDEX.get(name)
        if name_index is not None:
            out += encode_integer(name_index, 4, 0x00)
        else:
            out += b"\x00" + _string_literal(name)
        out += _string_literal(value)
    return bytes(out)
