"""HTTP/2 details of plugin/wire that grpcio's client never exercises, driven frame by frame
over a real unix socket: padding, priority, CONTINUATION, END_STREAM on an empty DATA frame,
PING, the peer's windows and frame size (a strict sender that waits for WINDOW_UPDATE), our
windows replenished for a client that never oversends, resets and protocol errors."""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanroomsml_tf.plugin.wire import hpack, http2
from cleanroomsml_tf.plugin.wire.grpc import frame_message
from tests.support.wire import serve

TIMEOUT = 60
ECHO = "/test.Wire/Echo"


class RawClient:
    """A minimal HTTP/2 client: frames in, frames out, HPACK via the wire's own codec (the
    decoder is tested against RFC 7541 separately)."""

    def __init__(self, socket_path: str, settings: dict[int, int] | None = None,
                 preface: bytes = http2.PREFACE) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect(socket_path)
        self.buffer = b""
        self.decoder = hpack.Decoder()
        self.encoder = hpack.Encoder()
        self.peer_settings: dict[int, int] = {}
        payload = b"".join(struct.pack(">HI", k, v) for k, v in (settings or {}).items())
        self.sock.sendall(preface + http2.frame(http2.SETTINGS, 0, 0, payload))

    def close(self) -> None:
        self.sock.close()

    def send(self, frame_type: int, flags: int, stream_id: int, payload: bytes = b"") -> None:
        self.sock.sendall(http2.frame(frame_type, flags, stream_id, payload))

    def request_headers(self, path: str = ECHO) -> bytes:
        return self.encoder.encode([
            (":method", "POST"), (":scheme", "http"), (":path", path),
            (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers"),
        ])

    def read_frame(self) -> tuple[int, int, int, bytes]:
        """The next frame; EOF raises EOFError."""
        while len(self.buffer) < 9 or len(self.buffer) < 9 + int.from_bytes(self.buffer[:3]):
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        length = int.from_bytes(self.buffer[:3])
        frame_type, flags, stream_id = self.buffer[3], self.buffer[4], int.from_bytes(
            self.buffer[5:9]) & 0x7FFFFFFF
        payload = self.buffer[9:9 + length]
        self.buffer = self.buffer[9 + length:]
        if frame_type == http2.SETTINGS and not flags & http2.ACK:
            for offset in range(0, len(payload), 6):
                key, value = struct.unpack_from(">HI", payload, offset)
                self.peer_settings[key] = value
        return frame_type, flags, stream_id, payload

    def response(self, stream_id: int, on_frame=None) -> tuple[list, bytes, list]:
        """(headers, body, trailers) of ``stream_id``, reading until its END_STREAM."""
        header_lists: list[list[hpack.Header]] = []
        body = b""
        while True:
            frame_type, flags, sid, payload = self.read_frame()
            if on_frame is not None:
                on_frame(frame_type, flags, sid, payload)
            if sid != stream_id:
                continue
            if frame_type == http2.HEADERS:
                header_lists.append(self.decoder.decode(payload))
            elif frame_type == http2.DATA:
                body += payload
            elif frame_type == http2.RST_STREAM:
                raise AssertionError(f"stream reset: {payload.hex()}")
            if frame_type in (http2.HEADERS, http2.DATA) and flags & http2.END_STREAM:
                headers = header_lists[0]
                trailers = header_lists[1] if len(header_lists) > 1 else headers
                return headers, body, trailers

    def read_until(self, frame_type: int) -> tuple[int, int, int, bytes]:
        while True:
            frame = self.read_frame()
            if frame[0] == frame_type:
                return frame


def _status(trailers: list[hpack.Header]) -> str | None:
    return dict(trailers).get("grpc-status")


@pytest.fixture
def echo_server():
    with serve({ECHO: lambda request: request, "/test.Wire/Big": lambda request: b"b" * 100_000,
                "/test.Wire/Gate": _gate}) as served:
        yield served


_GATE = threading.Event()
_GATE_ENTERED = threading.Event()


def _gate(request: bytes) -> bytes:
    _GATE_ENTERED.set()
    assert _GATE.wait(TIMEOUT)
    return b"late"


def test_server_preface_settings_and_ping_ack_with_the_same_payload(echo_server):
    client = RawClient(echo_server.socket_path)
    frame_type, flags, _, _ = client.read_frame()
    assert (frame_type, flags) == (http2.SETTINGS, 0)  # the server's preface comes first
    assert client.peer_settings[http2.INITIAL_WINDOW_SIZE] == http2.STREAM_WINDOW
    client.send(http2.PING, 0, 0, b"12345678")
    frame = client.read_until(http2.PING)
    assert frame == (http2.PING, http2.ACK, 0, b"12345678")
    client.close()


def test_padding_priority_continuation_and_end_stream_on_an_empty_data_frame(echo_server):
    client = RawClient(echo_server.socket_path)
    block = client.request_headers()
    # HEADERS padded and with a priority, its block split over two CONTINUATION frames.
    first = bytes([3]) + struct.pack(">IB", 0, 15) + block[:5] + b"\0\0\0"
    client.send(http2.HEADERS, http2.PADDED | http2.PRIORITY_FLAG, 1, first)
    client.send(http2.CONTINUATION, 0, 1, block[5:9])
    client.send(http2.CONTINUATION, http2.END_HEADERS, 1, block[9:])
    client.send(http2.PRIORITY, 0, 1, struct.pack(">IB", 0, 200))  # ignored
    message = frame_message(b"padded hello")
    client.send(http2.DATA, http2.PADDED, 1, bytes([10]) + message[:7] + b"\0" * 10)
    client.send(http2.DATA, 0, 1, message[7:])
    client.send(http2.DATA, http2.END_STREAM, 1)  # the request ends on an empty DATA frame
    headers, body, trailers = client.response(1)
    assert dict(headers)[":status"] == "200"
    assert body == frame_message(b"padded hello")
    assert _status(trailers) == "0"
    client.close()


def test_the_peers_windows_and_frame_size_are_never_exceeded(echo_server):
    """A client with a 1,000-byte stream window and 20,000-byte frames: the server sends only
    what each WINDOW_UPDATE allows, waits in between, and finishes the 100 kB response."""
    client = RawClient(echo_server.socket_path, {http2.INITIAL_WINDOW_SIZE: 1000,
                                                 http2.MAX_FRAME_SIZE: 20_000})
    client.send(http2.HEADERS, http2.END_HEADERS, 1, client.request_headers("/test.Wire/Big"))
    client.send(http2.DATA, http2.END_STREAM, 1, frame_message(b""))
    connection_credit, stream_credit = 65_535, 1000
    sizes: list[int] = []
    body = b""
    while True:
        frame_type, flags, stream_id, payload = client.read_frame()
        if frame_type == http2.DATA:
            sizes.append(len(payload))
            connection_credit -= len(payload)
            stream_credit -= len(payload)
            assert connection_credit >= 0 and stream_credit >= 0
            body += payload
            # Open the windows a little at a time, the stream's generously after a while.
            grant = 30_000 if len(sizes) > 3 else 700
            client.send(http2.WINDOW_UPDATE, 0, 1, struct.pack(">I", grant))
            client.send(http2.WINDOW_UPDATE, 0, 0, struct.pack(">I", grant))
            stream_credit += grant
            connection_credit += grant
        elif frame_type == http2.HEADERS and flags & http2.END_STREAM:
            assert _status(client.decoder.decode(payload)) == "0"
            break
        elif frame_type == http2.HEADERS:
            client.decoder.decode(payload)
    assert body == frame_message(b"b" * 100_000)
    assert max(sizes) <= 20_000
    assert max(sizes) > http2.FRAME_SIZE  # the peer's larger frame size was used
    client.close()


def test_a_window_opened_by_settings_unblocks_a_waiting_response(echo_server):
    client = RawClient(echo_server.socket_path, {http2.INITIAL_WINDOW_SIZE: 0})
    client.send(http2.HEADERS, http2.END_HEADERS, 1, client.request_headers())
    client.send(http2.DATA, http2.END_STREAM, 1, frame_message(b"waiting"))
    # Headers arrive (not flow-controlled), the DATA cannot: the window is 0.
    assert client.read_until(http2.HEADERS)[2] == 1
    client.send(http2.SETTINGS, 0, 0, struct.pack(">HI", http2.INITIAL_WINDOW_SIZE, 65_535))
    _, body, trailers = client.response(1)
    assert body == frame_message(b"waiting")
    assert _status(trailers) == "0"
    client.close()


def test_a_client_that_honours_our_windows_never_stalls(echo_server):
    """26 MB in 202 requests (two of 3 MiB, over the 1 MiB stream window), never more than
    our windows allow: everything is answered, so the connection and stream windows are
    given back as data arrives."""
    # Our own receive windows are made wide enough for all the echoed data: this test is
    # about the server's windows.
    client = RawClient(echo_server.socket_path, {http2.INITIAL_WINDOW_SIZE: http2.MAX_WINDOW})
    client.send(http2.WINDOW_UPDATE, 0, 0, struct.pack(">I", http2.MAX_WINDOW - 65_535))
    while http2.INITIAL_WINDOW_SIZE not in client.peer_settings:
        client.read_frame()
    connection_credit = 65_535
    for number, size in enumerate([3 * 1024 * 1024] * 2 + [100_000] * 200):
        payload = frame_message(bytes([number % 256]) * size)
        stream_id = 2 * number + 1
        stream_credit = client.peer_settings[http2.INITIAL_WINDOW_SIZE]
        client.send(http2.HEADERS, http2.END_HEADERS, stream_id, client.request_headers())
        offset = 0
        while offset < len(payload):
            size = min(16_384, connection_credit, stream_credit, len(payload) - offset)
            if size == 0:  # wait for the server to give credit back
                frame_type, _, sid, data = client.read_frame()
                if frame_type == http2.WINDOW_UPDATE:
                    increment = int.from_bytes(data)
                    if sid == 0:
                        connection_credit += increment
                    elif sid == stream_id:
                        stream_credit += increment
                elif frame_type == http2.HEADERS:
                    client.decoder.decode(data)
                continue
            end = offset + size
            client.send(http2.DATA, http2.END_STREAM if end == len(payload) else 0, stream_id,
                        payload[offset:end])
            connection_credit -= size
            stream_credit -= size
            offset = end
        updates: list[tuple[int, bytes]] = []

        def count(frame_type, flags, sid, data, updates=updates):
            if frame_type == http2.WINDOW_UPDATE:
                updates.append((sid, data))

        _, body, trailers = client.response(stream_id, on_frame=count)
        for sid, data in updates:
            if sid == 0:
                connection_credit += int.from_bytes(data)
        assert body == payload
        assert _status(trailers) == "0"
    client.close()


def test_a_reset_stream_is_not_answered_and_the_connection_goes_on(echo_server):
    _GATE.clear()
    _GATE_ENTERED.clear()
    client = RawClient(echo_server.socket_path)
    client.send(http2.HEADERS, http2.END_HEADERS, 1, client.request_headers("/test.Wire/Gate"))
    client.send(http2.DATA, http2.END_STREAM, 1, frame_message(b""))
    assert _GATE_ENTERED.wait(TIMEOUT)
    client.send(http2.RST_STREAM, 0, 1, struct.pack(">I", http2.CANCEL))
    client.send(http2.PING, 0, 0, b"afterrst")  # frames are handled in order: once this is
    assert client.read_until(http2.PING)[3] == b"afterrst"  # answered, the reset is known
    _GATE.set()  # the handler finishes after the reset: its answer must not be sent
    client.send(http2.HEADERS, http2.END_HEADERS, 3, client.request_headers())
    client.send(http2.DATA, http2.END_STREAM, 3, frame_message(b"after"))
    seen: list[int] = []
    _, body, _ = client.response(3, on_frame=lambda t, f, sid, p: seen.append(sid))
    assert body == frame_message(b"after")
    assert 1 not in seen
    client.close()


def test_an_unknown_method_is_answered_before_the_client_ends_its_side(echo_server):
    """go-plugin's client opens /plugin.GRPCBroker/StartStream (bidirectional) and keeps its
    side open: with no handler, the answer comes at once, and the stream is reset (NO_ERROR)
    so the client sends nothing more; the call is not left open (stop() need not wait)."""
    client = RawClient(echo_server.socket_path)
    client.send(http2.HEADERS, http2.END_HEADERS, 1,
                client.request_headers("/plugin.GRPCBroker/StartStream"))
    frame_type, flags, _, payload = client.read_until(http2.HEADERS)
    assert flags & http2.END_STREAM  # trailers-only
    assert _status(client.decoder.decode(payload)) == "12"
    assert client.read_until(http2.RST_STREAM)[2:] == (1, struct.pack(">I", http2.NO_ERROR))
    client.send(http2.DATA, 0, 1, frame_message(b"late"))  # in flight: ignored
    client.send(http2.HEADERS, http2.END_HEADERS, 3, client.request_headers())
    client.send(http2.DATA, http2.END_STREAM, 3, frame_message(b"next"))
    _, body, _ = client.response(3)
    assert body == frame_message(b"next")
    # While the client's side of stream 1 is still open, stop() finds no call left open.
    assert echo_server.server.stop(TIMEOUT)
    client.close()


def _goaway_code(client: RawClient) -> int:
    while True:
        try:
            frame_type, _, _, payload = client.read_frame()
        except EOFError:
            raise AssertionError("closed without GOAWAY") from None
        if frame_type == http2.GOAWAY:
            code = struct.unpack(">I", payload[4:8])[0]
            with pytest.raises((EOFError, ConnectionResetError)):
                while True:  # then the server closes the connection
                    client.read_frame()
            return code


def test_a_wrong_preface_gets_goaway_and_close(echo_server):
    client = RawClient(echo_server.socket_path, preface=b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert _goaway_code(client) == http2.PROTOCOL_ERROR
    client.close()


def test_an_oversized_header_block_is_a_connection_error_and_others_are_served(echo_server):
    client = RawClient(echo_server.socket_path)
    block = client.request_headers() + client.encoder.encode([("x-big", "v" * 70_000)])
    client.send(http2.HEADERS, 0, 1, block[:16_000])
    for offset in range(16_000, len(block), 16_000):
        last = offset + 16_000 >= len(block)
        client.send(http2.CONTINUATION, http2.END_HEADERS if last else 0, 1,
                    block[offset:offset + 16_000])
    assert _goaway_code(client) == http2.COMPRESSION_ERROR
    client.close()
    other = RawClient(echo_server.socket_path)
    other.send(http2.HEADERS, http2.END_HEADERS | http2.END_STREAM, 1, other.request_headers())
    _, _, trailers = other.response(1)
    assert _status(trailers) == "13"  # no message at all: INTERNAL, and the server is fine
    other.close()


@pytest.mark.parametrize(("frame_type", "flags", "stream_id", "payload", "code"), [
    (http2.DATA, 0, 0, b"x", http2.PROTOCOL_ERROR),
    (http2.DATA, 0, 7, b"x", http2.PROTOCOL_ERROR),  # an idle stream
    (http2.HEADERS, http2.END_HEADERS, 2, b"\x88", http2.PROTOCOL_ERROR),  # even: ours
    (http2.CONTINUATION, http2.END_HEADERS, 1, b"\x88", http2.PROTOCOL_ERROR),
    (http2.PING, 0, 0, b"short", http2.FRAME_SIZE_ERROR),
    (http2.WINDOW_UPDATE, 0, 0, struct.pack(">I", 0), http2.PROTOCOL_ERROR),
    (http2.WINDOW_UPDATE, 0, 0, struct.pack(">I", 2**31 - 1), http2.FLOW_CONTROL_ERROR),
    (http2.SETTINGS, 0, 0, struct.pack(">HI", http2.MAX_FRAME_SIZE, 100), http2.PROTOCOL_ERROR),
    (http2.PUSH_PROMISE, http2.END_HEADERS, 1, b"\0\0\0\2", http2.PROTOCOL_ERROR),
    (http2.HEADERS, http2.END_HEADERS, 1, b"\xff\xff\xff\xff\x0f", http2.COMPRESSION_ERROR),
])
def test_protocol_errors_get_goaway_with_their_code(echo_server, frame_type, flags, stream_id,
                                                    payload, code):
    client = RawClient(echo_server.socket_path)
    client.send(frame_type, flags, stream_id, payload)
    assert _goaway_code(client) == code
    client.close()


def test_a_frame_above_our_maximum_size_is_refused(echo_server):
    client = RawClient(echo_server.socket_path)
    client.send(http2.HEADERS, http2.END_HEADERS, 1, client.request_headers())
    client.send(http2.DATA, 0, 1, bytes(http2.FRAME_SIZE + 1))
    assert _goaway_code(client) == http2.FRAME_SIZE_ERROR
    client.close()


def test_a_request_above_the_message_limit_is_resource_exhausted():
    with serve({ECHO: lambda request: request}, max_message_size=1000) as served:
        client = RawClient(served.socket_path)
        client.send(http2.HEADERS, http2.END_HEADERS, 1, client.request_headers())
        client.send(http2.DATA, http2.END_STREAM, 1, frame_message(bytes(1001)))
        _, body, trailers = client.response(1)
        assert body == b""
        assert _status(trailers) == "8"
        client.send(http2.HEADERS, http2.END_HEADERS, 3, client.request_headers())
        client.send(http2.DATA, http2.END_STREAM, 3, frame_message(bytes(1000)))
        _, body, trailers = client.response(3)
        assert body == frame_message(bytes(1000))
        client.close()


@pytest.mark.parametrize(("body", "status"), [
    (b"\x01\0\0\0\x01z", "12"),  # compressed: we never offered an encoding
    (frame_message(b"a") + frame_message(b"b"), "13"),  # two messages in a unary call
    (b"\0\0\0\0\x09abc", "13"),  # truncated
])
def test_malformed_grpc_bodies_get_a_status_not_a_crash(echo_server, body, status):
    client = RawClient(echo_server.socket_path)
    client.send(http2.HEADERS, http2.END_HEADERS, 1, client.request_headers())
    client.send(http2.DATA, http2.END_STREAM, 1, body)
    _, _, trailers = client.response(1)
    assert _status(trailers) == status
    client.close()


@pytest.fixture(scope="module")
def fuzz_server():
    with serve({ECHO: lambda request: request}) as served:
        yield served


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_FRAMES = st.lists(st.tuples(
    st.integers(0, 10), st.integers(0, 255), st.sampled_from([0, 1, 2, 3, 5, 2**31 - 1]),
    st.binary(max_size=40)), max_size=6)


@settings(max_examples=150)
@given(frames=_FRAMES, with_request=st.booleans())
def test_arbitrary_frames_never_break_the_server(fuzz_server, frames, with_request):
    """Random frames, alone or after a valid request's headers: the connection ends or goes
    on, and nothing fails in a way the server did not foresee (its catch-all for bugs logs
    "HTTP/2 connection failed"); the server goes on serving new connections."""
    logger = logging.getLogger("cleanroomsml_tf.plugin.wire")
    records, level = _Records(), logger.level
    logger.addHandler(records)
    logger.setLevel(logging.DEBUG)
    try:
        client = RawClient(fuzz_server.socket_path)
        data = b"".join(http2.frame(*frame) for frame in frames)
        if with_request:
            data = http2.frame(http2.HEADERS, http2.END_HEADERS, 1,
                               client.request_headers()) + data
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            client.sock.sendall(data)  # the server may have ended the connection already
            client.sock.shutdown(socket.SHUT_WR)
        with pytest.raises((EOFError, ConnectionResetError)):
            while True:  # the server ends the connection once it has handled everything
                client.read_frame()
        client.close()
    finally:
        logger.removeHandler(records)
        logger.setLevel(level)
    assert not [m for m in records.messages if "connection failed" in m]


def _indexing_block(path: str | None, index: int | None = None, prefix: bytes = b"") -> bytes:
    """A request header block as Go's client sends it: ``:path`` either as a literal that the
    server must add to its dynamic table (``path``) or as a reference to a dynamic entry."""
    head = b"\x83\x86"  # :method POST, :scheme http (static, indexed)
    if path is not None:
        raw = path.encode()
        field = b"\x44" + hpack.encode_integer(len(raw), 7) + raw  # :path, with indexing
    else:
        assert index is not None
        field = hpack.encode_integer(index, 7, 0x80)
    rest = hpack.Encoder().encode([(":authority", "localhost"),
                                   ("content-type", "application/grpc"), ("te", "trailers")])
    return prefix + head + field + rest


@pytest.fixture
def path_server():
    with serve({"/test.Wire/A": lambda request: b"A" + request,
                "/test.Wire/B": lambda request: b"B" + request}) as served:
        yield served


def test_header_blocks_that_index_decode_by_the_table_at_their_turn(path_server):
    """Streams open at once, their request blocks referring to the dynamic table while
    other blocks change it: the same bytes (``\\xbe``: the newest entry) mean /A, then /B
    once /B was added; every request is answered by the method its block named then."""
    client = RawClient(path_server.socket_path)
    newest = _indexing_block(None, 62)
    blocks = {
        1: _indexing_block("/test.Wire/A"),  # table: [/A]
        3: newest,  # /A
        5: newest,  # /A (the same bytes again, the table unchanged)
        7: _indexing_block("/test.Wire/B"),  # table: [/B, /A]
        9: newest,  # /B now
        11: _indexing_block(None, 63),  # /A
        13: newest,  # /B
        15: _indexing_block("/test.Wire/B"),  # the same bytes as 7, added again: [/B, /B, /A]
        17: _indexing_block(None, 64),  # /A
    }
    expected = {1: b"A", 3: b"A", 5: b"A", 7: b"B", 9: b"B", 11: b"A", 13: b"B", 15: b"B",
                17: b"A"}
    for stream_id, block in blocks.items():  # all open; no request complete yet
        client.send(http2.HEADERS, http2.END_HEADERS, stream_id, block)
    for stream_id in (9, 1, 17, 13, 5, 7, 15, 11, 3):  # bodies in another order
        client.send(http2.DATA, http2.END_STREAM, stream_id, frame_message(b"%d" % stream_id))
    bodies: dict[int, bytes] = {}
    header_lists: dict[int, list] = {}
    while len(bodies) < len(blocks) or any(len(v) < 2 for v in header_lists.values()):
        frame_type, flags, stream_id, payload = client.read_frame()
        if frame_type == http2.DATA:
            bodies[stream_id] = payload
        elif frame_type == http2.HEADERS:
            header_lists.setdefault(stream_id, []).append(client.decoder.decode(payload))
    for stream_id, method in expected.items():
        assert bodies[stream_id] == frame_message(method + b"%d" % stream_id), stream_id
        assert _status(header_lists[stream_id][1]) == "0"
    client.close()


def test_a_block_remembered_before_a_table_size_update_is_refused_after_it(path_server):
    client = RawClient(path_server.socket_path)
    newest = _indexing_block(None, 62)
    client.send(http2.HEADERS, http2.END_HEADERS, 1, _indexing_block("/test.Wire/A"))
    client.send(http2.DATA, http2.END_STREAM, 1, frame_message(b"1"))
    client.send(http2.HEADERS, http2.END_HEADERS, 3, newest)
    client.send(http2.DATA, http2.END_STREAM, 3, frame_message(b"3"))
    assert client.response(3)[1] == frame_message(b"A3")
    # A size update to 0 empties the table; its own block names :path by the static table.
    client.send(http2.HEADERS, http2.END_HEADERS, 5, _indexing_block(None, 4, prefix=b"\x20"))
    client.send(http2.DATA, http2.END_STREAM, 5, frame_message(b"5"))
    assert _status(client.response(5)[2]) == "12"  # ":path /" has no handler
    client.send(http2.HEADERS, http2.END_HEADERS, 7, newest)  # entry 62 is gone
    assert _goaway_code(client) == http2.COMPRESSION_ERROR


def test_a_small_response_waits_for_a_window_smaller_than_itself(echo_server):
    """A body of one frame that the stream window admits only in part: 3 bytes go, the rest
    after WINDOW_UPDATE; never more than the credit."""
    client = RawClient(echo_server.socket_path, {http2.INITIAL_WINDOW_SIZE: 3})
    client.send(http2.HEADERS, http2.END_HEADERS, 1, client.request_headers())
    client.send(http2.DATA, http2.END_STREAM, 1, frame_message(b"twenty bytes, nearly"))
    credit, body = 3, b""
    while True:
        frame_type, flags, _, payload = client.read_frame()
        if frame_type == http2.DATA:
            assert len(payload) <= credit
            credit -= len(payload)
            body += payload
            if not credit:
                client.send(http2.WINDOW_UPDATE, 0, 1, struct.pack(">I", 7))
                credit = 7
        elif frame_type == http2.HEADERS:
            headers = client.decoder.decode(payload)
            if flags & http2.END_STREAM:
                assert _status(headers) == "0"
                break
    assert body == frame_message(b"twenty bytes, nearly")
    client.close()


def test_frames_cut_at_every_byte_are_reassembled(echo_server):
    """A connection whose bytes come one at a time (each its own write): frame headers and
    payloads cut anywhere still make the same requests, answered in full."""
    client = RawClient(echo_server.socket_path)
    calls = b""
    for stream_id in (1, 3):
        calls += http2.frame(http2.HEADERS, http2.END_HEADERS, stream_id,
                             client.request_headers())
        calls += http2.frame(http2.DATA, http2.END_STREAM, stream_id,
                             frame_message(b"byte by byte %d" % stream_id))
    for position in range(len(calls)):
        client.sock.sendall(calls[position:position + 1])
    for stream_id in (1, 3):
        _, body, trailers = client.response(stream_id)
        assert body == frame_message(b"byte by byte %d" % stream_id)
        assert _status(trailers) == "0"
    client.close()
