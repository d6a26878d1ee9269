"""HPACK (RFC 7541) in plugin/wire/hpack.py: the RFC's Appendix C examples byte for byte, the
Huffman code against Appendix B, the bounds, and the encoder read back by the decoder."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanroomsml_tf.plugin.wire import hpack

REQUEST_1 = [(":method", "GET"), (":scheme", "http"), (":path", "/"),
             (":authority", "www.example.com")]
REQUEST_2 = REQUEST_1 + [("cache-control", "no-cache")]
REQUEST_3 = [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"),
             (":authority", "www.example.com"), ("custom-key", "custom-value")]
REQUEST_TABLES = [
    ([(":authority", "www.example.com")], 57),
    ([("cache-control", "no-cache"), (":authority", "www.example.com")], 110),
    ([("custom-key", "custom-value"), ("cache-control", "no-cache"),
      (":authority", "www.example.com")], 164),
]
DATE_1 = ("date", "Mon, 21 Oct 2013 20:13:21 GMT")
DATE_2 = ("date", "Mon, 21 Oct 2013 20:13:22 GMT")
LOCATION = ("location", "https://www.example.com")
COOKIE = ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1")
RESPONSE_1 = [(":status", "302"), ("cache-control", "private"), DATE_1, LOCATION]
RESPONSE_2 = [(":status", "307"), ("cache-control", "private"), DATE_1, LOCATION]
RESPONSE_3 = [(":status", "200"), ("cache-control", "private"), DATE_2, LOCATION,
              ("content-encoding", "gzip"), COOKIE]
RESPONSE_TABLES = [
    ([LOCATION, DATE_1, ("cache-control", "private"), (":status", "302")], 222),
    ([(":status", "307"), LOCATION, DATE_1, ("cache-control", "private")], 222),
    ([COOKIE, ("content-encoding", "gzip"), DATE_2], 215),
]

# (appendix section, table size, [(header block as in the RFC, headers, table after)])
EXAMPLES = {
    "C.3 requests without Huffman": (4096, [
        "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "8286 84be 5808 6e6f 2d63 6163 6865",
        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
    ], [REQUEST_1, REQUEST_2, REQUEST_3], REQUEST_TABLES),
    "C.4 requests with Huffman": (4096, [
        "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
        "8286 84be 5886 a8eb 1064 9cbf",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
    ], [REQUEST_1, REQUEST_2, REQUEST_3], REQUEST_TABLES),
    "C.5 responses without Huffman": (256, [
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
        " 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70"
        " 6c65 2e63 6f6d",
        "4803 3330 37c1 c0bf",
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
        " 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
        " 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e"
        " 3d31",
    ], [RESPONSE_1, RESPONSE_2, RESPONSE_3], RESPONSE_TABLES),
    "C.6 responses with Huffman": (256, [
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
        " 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        "4883 640e ffc1 c0bf",
        "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
        " 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
        " 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
    ], [RESPONSE_1, RESPONSE_2, RESPONSE_3], RESPONSE_TABLES),
}


@pytest.mark.parametrize("section", list(EXAMPLES))
def test_rfc7541_appendix_c_examples_decode_with_the_same_dynamic_table(section):
    table_size, blocks, header_lists, tables = EXAMPLES[section]
    decoder = hpack.Decoder(max_table_size=table_size)
    for block, headers, (table, size) in zip(blocks, header_lists, tables, strict=True):
        assert decoder.decode(bytes.fromhex(block)) == headers
        assert decoder.table == table
        assert decoder.table_size == size


@pytest.mark.parametrize(("symbol", "code", "length"), [
    (0, 0x1FF8, 13), (1, 0x7FFFD8, 23), (10, 0x3FFFFFFC, 30), (ord(" "), 0x14, 6),
    (ord("0"), 0x0, 5), (ord("a"), 0x3, 5), (ord("A"), 0x21, 6), (ord("z"), 0x7B, 7),
    (ord("~"), 0x1FFD, 13), (127, 0xFFFFFFC, 28), (255, 0x3FFFFEE, 26), (256, 0x3FFFFFFF, 30),
])
def test_huffman_codes_are_those_of_appendix_b(symbol, code, length):
    assert hpack.huffman_code(symbol) == (code, length)


def _huffman_encode(data: bytes) -> bytes:
    """A reference encoder for the tests, from the codes: bits MSB first, padded with ones."""
    bits = "".join(format(code, f"0{length}b")
                   for code, length in (hpack.huffman_code(b) for b in data))
    bits += "1" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""


def test_huffman_decodes_every_byte_value():
    data = bytes(range(256)) * 2
    assert hpack.huffman_decode(_huffman_encode(data)) == data


@pytest.mark.parametrize(("encoded", "why"), [
    (bytes([0xFF, 0xFF, 0xFF, 0xFF]), "EOS"),  # 30 ones: the EOS symbol itself
    (bytes([0x00]), "padding"),  # '0' (5 bits 00000) then 3 zero bits: padding must be ones
    (bytes([0x1F, 0xFF]), "padding"),  # 'a' then 8+ bits of ones: padding longer than 7 bits
])
def test_huffman_rejects_eos_and_bad_padding(encoded, why):
    with pytest.raises(hpack.HpackError, match=why):
        hpack.huffman_decode(encoded)


def test_encoder_output_reads_back_and_uses_the_static_table():
    headers = [(":status", "200"), ("content-type", "application/grpc"),
               ("grpc-status", "13"), ("grpc-message", "ValueError: %C3%BC 100%25")]
    block = hpack.Encoder().encode(headers)
    assert block[0] == 0x88  # :status 200 is static entry 8, indexed
    decoder = hpack.Decoder()
    assert decoder.decode(block) == headers
    assert decoder.table == []  # literals without indexing: the peer's table stays empty


def test_encoder_announces_a_table_size_after_the_peer_changes_it():
    encoder = hpack.Encoder()
    encoder.peer_table_size_changed()
    first, second = encoder.encode([(":status", "200")]), encoder.encode([(":status", "200")])
    assert first == b"\x20\x88"  # size update to 0, once, at the start of the next block
    assert second == b"\x88"
    decoder = hpack.Decoder()
    assert decoder.decode(first) == [(":status", "200")]
    assert decoder.max_table_size == 0


def test_large_integers_round_trip_and_oversized_ones_are_refused():
    for value in (0, 30, 31, 127, 128, 1337, 2**20, 2**32 - 1):
        encoded = hpack.encode_integer(value, 5)
        assert hpack.decode_integer(encoded, 0, 5) == (value, len(encoded))
    with pytest.raises(hpack.HpackError, match="too large"):
        hpack.decode_integer(bytes([0x1F]) + b"\xff" * 10 + b"\x01", 0, 5)
    with pytest.raises(hpack.HpackError, match="truncated"):
        hpack.decode_integer(bytes([0x1F, 0xFF]), 0, 5)


def test_a_header_list_above_the_limit_is_refused_before_it_is_kept():
    decoder = hpack.Decoder(max_header_list_size=1000)
    field = b"\x00" + bytes([0x03]) + b"abc" + hpack.encode_integer(500, 7) + b"v" * 500
    decoder.decode(field)  # 535 bytes of header list: fits
    with pytest.raises(hpack.HpackError, match="larger than 1000"):
        decoder.decode(field * 2)


@pytest.mark.parametrize(("block", "why"), [
    (b"\x80", "index 0"),
    (b"\xbe", "index 62"),  # no dynamic entry yet
    (hpack.encode_integer(4097, 5, 0x20), "above the limit"),  # table size update
    (b"\x88\x20", "after a header field"),
    (b"\x00\x05ab", "truncated"),
])
def test_malformed_blocks_are_refused(block, why):
    with pytest.raises(hpack.HpackError, match=why):
        hpack.Decoder().decode(block)


def test_an_entry_larger_than_the_table_empties_it():
    decoder = hpack.Decoder(max_table_size=64)
    decoder.decode(b"\x40\x01a\x01b")  # 34 bytes: kept
    assert decoder.table == [("a", "b")]
    decoder.decode(b"\x40\x01a" + hpack.encode_integer(40, 7) + b"x" * 40)  # 73 bytes > 64
    assert decoder.table == []
    assert decoder.table_size == 0


@settings(max_examples=500)
@given(st.lists(st.binary(max_size=80), max_size=4))
def test_any_bytes_decode_or_raise_hpack_error_and_stay_bounded(blocks):
    """Whatever a peer sends, the decoder returns headers within the limits or raises
    HpackError (never another exception), and its table never outgrows its size."""
    decoder = hpack.Decoder(max_header_list_size=2000)
    for block in blocks:
        try:
            headers = decoder.decode(block)
        except hpack.HpackError:
            continue
        assert sum(len(n) + len(v) + 32 for n, v in headers) <= 2000
        assert decoder.table_size <= decoder.max_table_size <= 4096


@settings(max_examples=200)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.text(max_size=40)), max_size=8))
def test_encoded_headers_read_back(headers):
    headers = [(n.encode("utf-8").decode("latin-1"), v.encode("utf-8").decode("latin-1"))
               for n, v in headers]
    assert hpack.Decoder().decode(hpack.Encoder().encode(headers)) == headers


# The decoder remembers blocks that left the dynamic table unchanged (a client that indexes its
# headers sends the same bytes call after call); any change to the table must forget them.
INSERT_AB = b"\x40\x01a\x01b"  # literal with indexing: ("a", "b") becomes entry 62
INSERT_CD = b"\x40\x01c\x01d"
NEWEST = b"\xbe"  # indexed: entry 62, the newest dynamic entry


def test_a_remembered_block_follows_the_table_after_an_insertion():
    decoder = hpack.Decoder()
    decoder.decode(INSERT_AB)
    assert decoder.decode(NEWEST) == [("a", "b")]
    assert decoder.decode(NEWEST) == [("a", "b")]  # the same bytes, the same table
    decoder.decode(INSERT_CD)  # ("c", "d") is now 62, ("a", "b") 63
    assert decoder.decode(NEWEST) == [("c", "d")]
    assert decoder.decode(b"\xbf") == [("a", "b")]


def test_a_block_that_inserts_inserts_every_time_it_is_sent():
    decoder = hpack.Decoder()
    for count in (1, 2, 3):
        assert decoder.decode(INSERT_AB + b"\x82") == [("a", "b"), (":method", "GET")]
        assert decoder.table == [("a", "b")] * count
        assert decoder.table_size == 34 * count


def test_an_eviction_changes_what_a_remembered_block_means():
    decoder = hpack.Decoder(max_table_size=70)  # room for two 34-byte entries
    decoder.decode(INSERT_AB)
    decoder.decode(INSERT_CD)
    assert decoder.decode(b"\xbf") == [("a", "b")]  # 63: the older entry
    decoder.decode(b"\x40\x01e\x01f")  # evicts ("a", "b")
    assert decoder.decode(b"\xbf") == [("c", "d")]


def test_a_size_update_forgets_remembered_blocks_and_is_applied_every_time():
    decoder = hpack.Decoder()
    decoder.decode(INSERT_AB)
    assert decoder.decode(NEWEST) == [("a", "b")]
    assert decoder.decode(b"\x20") == []  # size 0: the table is emptied
    with pytest.raises(hpack.HpackError, match="index 62"):
        decoder.decode(NEWEST)
    grow = hpack.encode_integer(4096, 5, 0x20)
    decoder.decode(grow)
    decoder.decode(INSERT_CD)
    assert decoder.decode(NEWEST) == [("c", "d")]
    assert decoder.decode(b"\x20") == []  # the same size-update block again: applied again
    assert decoder.table == [] and decoder.max_table_size == 0
    decoder.decode(grow)
    assert decoder.max_table_size == 4096


def test_a_remembered_block_is_not_shared_with_its_caller():
    decoder = hpack.Decoder()
    first = decoder.decode(b"\x82\x86")
    first.append(("x", "y"))
    assert decoder.decode(b"\x82\x86") == [(":method", "GET"), (":scheme", "http")]


def test_a_refused_block_is_refused_again():
    decoder = hpack.Decoder(max_header_list_size=100)
    block = b"\x00\x01n" + hpack.encode_integer(80, 7) + b"v" * 80  # 113 bytes of list
    for _ in range(2):
        with pytest.raises(hpack.HpackError, match="larger than 100"):
            decoder.decode(block)


def test_many_distinct_blocks_decode_right_past_the_remembered_count():
    decoder = hpack.Decoder()
    blocks = {f"v{i}": b"\x00\x01k" + bytes([len(f"v{i}")]) + f"v{i}".encode()
              for i in range(300)}
    for _ in range(2):
        for value, block in blocks.items():
            assert decoder.decode(block) == [("k", value)]
    assert decoder.decode(bytearray(blocks["v7"])) == [("k", "v7")]  # a bytearray block too


@settings(max_examples=300)
@given(st.lists(st.sampled_from([INSERT_AB, INSERT_CD, NEWEST, b"\xbf", b"\xc0", b"\x20",
                                 b"\x3f\xe1\x1f", b"\x82\x86", b"\x20" + INSERT_CD,
                                 b"\x3f\x0f" + INSERT_AB + b"\xbe\xbf"]), max_size=30))
def test_remembering_blocks_never_changes_a_decoding(blocks):
    """Any sequence of blocks decodes as it does when nothing is remembered."""
    remembering, fresh = hpack.Decoder(), hpack.Decoder()
    for block in blocks:
        fresh._cache.clear()  # a decoder that never reuses a decoding
        try:
            expected = fresh.decode(block)
        except hpack.HpackError as error:
            with pytest.raises(hpack.HpackError, match=str(error)):
                remembering.decode(block)
        else:
            assert remembering.decode(block) == expected
        assert remembering.table == fresh.table
        assert remembering.max_table_size == fresh.max_table_size


def test_the_encoder_remembers_by_the_whole_header_list():
    encoder = hpack.Encoder()
    lists = [[("grpc-status", "0")], [("grpc-status", "13")],
             [("grpc-status", "13"), ("grpc-message", "x")],
             [("grpc-message", "x"), ("grpc-status", "13")]]
    first = [encoder.encode(headers) for headers in lists]
    again = [encoder.encode(tuple(headers)) for headers in lists]
    assert first == again
    assert len(set(first)) == len(lists)
    for headers, block in zip(lists, again, strict=True):
        assert hpack.Decoder().decode(block) == headers


def test_a_remembered_encoding_still_announces_a_table_size_change():
    encoder = hpack.Encoder()
    assert encoder.encode([(":status", "200")]) == b"\x88"
    encoder.peer_table_size_changed()
    assert encoder.encode([(":status", "200")]) == b"\x20\x88"
    assert encoder.encode([(":status", "200")]) == b"\x88"


def test_many_distinct_header_lists_encode_right_past_the_remembered_count():
    encoder = hpack.Encoder()
    for _ in range(2):
        for i in range(300):
            headers = [("grpc-status", "13"), ("grpc-message", f"error {i}")]
            assert hpack.Decoder().decode(encoder.encode(headers)) == headers
