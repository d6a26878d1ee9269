"""The server side of one HTTP/2 connection (RFC 9113), for the plugin's gRPC server.

Threads. One reader thread per connection runs :meth:`Connection.serve`: it reads and handles
every frame, answers SETTINGS, PING and flow control itself, and hands each complete request (a
stream whose peer has ended it) to the ``on_request`` callback. Any number of other threads
answer requests through :meth:`Connection.respond` at once. An optional ``on_open`` callback
sees a stream as soon as its headers arrive (while the peer may still be sending its body), to
refuse it at once. Every write goes through one write
lock (frames of a header block stay contiguous; header blocks are encoded under it, so a table
size update precedes every later block). Stream state and both send windows sit under one
condition (``_state``); a thread whose response exceeds the peer's windows waits on it, without
holding the write lock, until a WINDOW_UPDATE, a SETTINGS change, a reset or the end of the
connection wakes it.

Flow control. Received DATA is acknowledged with WINDOW_UPDATE frames (connection and stream)
once half a window has been consumed, so a peer sending any number of requests never stalls; the
connection window is raised from 64 KiB at start. Sent DATA never exceeds the peer's connection
and stream windows nor its SETTINGS_MAX_FRAME_SIZE.

Bounds. Frames above our 16 KiB SETTINGS_MAX_FRAME_SIZE, header blocks above
``max_header_list_size`` (compressed or decoded) and request bodies above ``max_body_size``
(the stream is then marked ``too_large`` and its data dropped) keep memory bounded.

Errors. A protocol error sends GOAWAY and ends the connection; a peer that goes away (EOF,
reset) ends it quietly. Nothing raises out of the reader thread; details go to the
``cleanroomsml_tf.plugin.wire`` logger at debug level (``logging`` is imported only then).
"""

from __future__ import annotations

import socket
import struct
import sys
import threading

from cleanroomsml_tf.plugin.wire import hpack

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

# Frame types (RFC 9113 6).
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS = 0x0, 0x1, 0x2, 0x3, 0x4
PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = 0x5, 0x6, 0x7, 0x8, 0x9
# Flags.
END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY_FLAG = 0x1, 0x1, 0x4, 0x8, 0x20
# Error codes (RFC 9113 7).
NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR = 0x0, 0x1, 0x2, 0x3
STREAM_CLOSED, FRAME_SIZE_ERROR, REFUSED_STREAM, CANCEL = 0x5, 0x6, 0x7, 0x8
COMPRESSION_ERROR = 0x9
# Settings.
HEADER_TABLE_SIZE, ENABLE_PUSH, MAX_CONCURRENT_STREAMS = 0x1, 0x2, 0x3
INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE, MAX_HEADER_LIST_SIZE = 0x4, 0x5, 0x6

DEFAULT_WINDOW = 65_535
MAX_WINDOW = 2**31 - 1
FRAME_SIZE = 16_384  # ours: the default, advertised implicitly
CONNECTION_WINDOW = 16 * 1024 * 1024
STREAM_WINDOW = 1024 * 1024
_FRAME_HEADER = struct.Struct(">BHBBI")  # 24-bit length as 8 + 16 bits, type, flags, stream
_RECV_SIZE = 256 * 1024


def debug(message: str, *args: object, exc_info: bool = False) -> None:
    """Log at debug level, when ``logging`` is loaded (it costs a launch ~15 ms to import: the
    plugin loads it only when TF_LOG asks for logs, or for a library that logs)."""
    logging = sys.modules.get("logging")
    if logging is None:
        return
    logging.getLogger("cleanroomsml_tf.plugin.wire").debug(message, *args, exc_info=exc_info)


class ProtocolError(Exception):
    """A connection error: GOAWAY with ``code``, then the connection ends."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class ConnectionClosed(Exception):
    """The peer went away, or the connection was closed."""


class StreamGone(Exception):
    """The stream was reset or its connection closed: the response cannot be sent."""


def frame(frame_type: int, flags: int, stream_id: int, payload: bytes = b"") -> bytes:
    """One frame: 9-byte header + payload."""
    length = len(payload)
    return _FRAME_HEADER.pack(length >> 16, length & 0xFFFF, frame_type, flags,
                              stream_id & 0x7FFFFFFF) + payload


class SocketTransport:
    """Plaintext bytes over a connected socket. ``recv`` is called by the reader thread only;
    ``send`` calls are serialized by the connection's write lock."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        # Received bytes land here first: ``sock.recv(n)`` would allocate n bytes each time
        # (for 256 KiB, an mmap, mremap and munmap per call), then shrink them to what came.
        self._into = bytearray(_RECV_SIZE)
        self._into_view = memoryview(self._into)

    def handshake(self) -> None:
        """Nothing to negotiate in plaintext (h2c with prior knowledge)."""

    def recv(self) -> bytes:
        return self._into_view[:self.sock.recv_into(self._into)].tobytes()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def shutdown(self) -> None:
        """Wake a blocked ``recv``/``send`` (they then fail or see EOF); the fd stays ours."""
        try:  # noqa: SIM105 - contextlib is one import more on the start-up path
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self) -> None:
        self.sock.close()


class Stream:
    """One request/response exchange. Request fields are written by the reader thread before
    ``on_request``; ``send_window``, ``reset`` and ``closed`` are guarded by the connection's
    ``_state`` condition."""

    def __init__(self, stream_id: int, headers: list[hpack.Header], send_window: int) -> None:
        self.id = stream_id
        self.headers = headers
        self.body = bytearray()
        self.too_large = False  # the body exceeded max_body_size and was dropped
        self.end_remote = False  # the peer ended its side: the request is complete
        self.dispatched = False  # handed to on_request
        self.send_window = send_window
        self.unacked = 0  # received DATA bytes not yet returned by a WINDOW_UPDATE
        self.reset = False  # the peer sent RST_STREAM, or we did
        self.closed = False  # done: counted out of the active calls

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value
        return None


class CallTracker:
    """Counts the streams that are open (request headers received, response not finished),
    across connections, so a server can wait for them to end."""

    def __init__(self) -> None:
        # ``with`` on the lock itself: a Condition's own ``__enter__`` is Python code, and
        # these run twice per call.
        self._lock = threading.Lock()
        self.cond = threading.Condition(self._lock)
        self.active = 0
        self._waiting = 0  # threads in wait_idle: nobody is notified when none waits

    def opened(self) -> None:
        with self._lock:
            self.active += 1

    def closed(self) -> None:
        with self._lock:
            self.active -= 1
            if self.active == 0 and self._waiting:
                self.cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._lock:
            self._waiting += 1
            try:
                return self.cond.wait_for(lambda: self.active == 0, timeout)
            finally:
                self._waiting -= 1


class Connection:
    """The server side of one HTTP/2 connection over ``transport``."""

    def __init__(
        self,
        transport: SocketTransport,
        on_request: Callable[[Connection, Stream], None],
        tracker: CallTracker | None = None,
        *,
        on_open: Callable[[Connection, Stream], None] | None = None,
        stream_window: int = STREAM_WINDOW,
        connection_window: int = CONNECTION_WINDOW,
        max_body_size: int = 64 * 1024 * 1024,
        max_header_list_size: int = hpack.DEFAULT_MAX_HEADER_LIST_SIZE,
    ) -> None:
        self.transport = transport
        self._on_request = on_request
        self._on_open = on_open
        self._tracker = tracker or CallTracker()
        self._stream_window = stream_window  # what we advertise: INITIAL_WINDOW_SIZE
        self._connection_window = max(connection_window, DEFAULT_WINDOW)
        self._max_body_size = max_body_size
        self._max_header_list_size = max_header_list_size
        self._decoder = hpack.Decoder(max_header_list_size=max_header_list_size)
        self._encoder = hpack.Encoder()
        self._buffer = b""  # received bytes; those before ``_position`` are consumed
        self._position = 0
        self._write_lock = threading.Lock()
        # Stream state and send windows: ``with self._lock`` (a C-level lock; a Condition's
        # ``__enter__`` is Python code); threads waiting for window wait on ``_state``, counted
        # in ``_waiting`` so that nobody notifies when no thread waits.
        self._lock = threading.Lock()
        self._state = threading.Condition(self._lock)
        self._waiting = 0
        self._streams: dict[int, Stream] = {}
        self._last_stream_id = 0
        self._closed = False
        self._goaway_sent = False
        self._preface_sent = False  # our SETTINGS went out: other frames may follow
        self._conn_unacked = 0
        # The peer's settings and windows (what we may send).
        self._peer_initial_window = DEFAULT_WINDOW
        self._peer_max_frame = FRAME_SIZE
        self._peer_table_size = hpack.DEFAULT_TABLE_SIZE
        self._send_window = DEFAULT_WINDOW
        # A header block in progress: (stream id, flags of HEADERS, fragments).
        self._continuation: tuple[int, int, bytearray] | None = None

    # ------------------------------------------------------------------ reader thread

    def serve(self) -> None:
        """Run the connection until the peer leaves, a protocol error, or :meth:`close`."""
        try:
            self.transport.handshake()
            with self._write_lock:  # the server's preface need not wait for the client's
                self.transport.send(self._opening_frames())
                self._preface_sent = True
            if self._read_exact(len(PREFACE)) != PREFACE:
                raise ProtocolError(PROTOCOL_ERROR, "no HTTP/2 connection preface")
            frame_type, flags, stream_id, payload = self._read_frame()
            if frame_type != SETTINGS or flags & ACK:
                raise ProtocolError(PROTOCOL_ERROR, "the first frame is not SETTINGS")
            self._on_settings(flags, stream_id, payload)
            self._read_frames()
        except ProtocolError as error:
            debug("HTTP/2 connection error %#x: %s", error.code, error)
            self.goaway(error.code, str(error).encode()[:200])
        except (ConnectionClosed, OSError) as error:
            debug("HTTP/2 connection ended: %r", error)
        except Exception:  # a bug: log it, never let it escape the thread
            debug("HTTP/2 connection failed", exc_info=True)
            self.goaway(INTERNAL_ERROR)
        finally:
            self.close()

    def _opening_frames(self) -> bytes:
        settings = struct.pack(">HIHI", INITIAL_WINDOW_SIZE, self._stream_window,
                               MAX_HEADER_LIST_SIZE, self._max_header_list_size)
        out = frame(SETTINGS, 0, 0, settings)
        if self._connection_window > DEFAULT_WINDOW:
            out += frame(WINDOW_UPDATE, 0, 0,
                         struct.pack(">I", self._connection_window - DEFAULT_WINDOW))
        return out

    def _fill(self, size: int) -> bytes:
        """Receive until ``size`` unconsumed bytes are buffered; the buffer then starts at
        them (``_position`` 0). One ``recv`` usually brings several frames: they are then
        parsed from the buffer without another ``recv`` or copy of the rest."""
        buffer = self._buffer[self._position:]
        while len(buffer) < size:
            chunk = self.transport.recv()
            if not chunk:
                raise ConnectionClosed("the peer closed the connection")
            buffer += chunk
        self._buffer, self._position = buffer, 0
        return buffer

    def _read_exact(self, size: int) -> bytes:
        buffer = self._fill(size)
        self._position = size
        return buffer[:size]

    def _read_frame(self) -> tuple[int, int, int, bytes]:
        buffer, position = self._buffer, self._position
        if len(buffer) - position < 9:
            buffer, position = self._fill(9), 0
        high, low, frame_type, flags, stream_id = _FRAME_HEADER.unpack_from(buffer, position)
        length = (high << 16) | low
        if length > FRAME_SIZE:
            raise ProtocolError(FRAME_SIZE_ERROR, f"frame of {length} bytes")
        end = position + 9 + length
        if end > len(buffer):
            buffer, position, end = self._fill(9 + length), 0, 9 + length
        self._position = end
        return frame_type, flags, stream_id & 0x7FFFFFFF, buffer[position + 9:end]

    def _read_frames(self) -> None:
        """Read and handle frames until the connection ends (it raises then). Every frame
        already received is parsed from the buffer in this loop (``_read_frame``, unrolled:
        this runs a few times per call)."""
        unpack_from = _FRAME_HEADER.unpack_from
        handle = self._handle
        need = 9
        while True:
            buffer = self._fill(need)
            position, size, need = 0, len(buffer), 9
            while size - position >= 9:
                high, low, frame_type, flags, stream_id = unpack_from(buffer, position)
                length = (high << 16) | low
                if length > FRAME_SIZE:
                    raise ProtocolError(FRAME_SIZE_ERROR, f"frame of {length} bytes")
                end = position + 9 + length
                if end > size:
                    need = end - position
                    break
                self._position = end
                handle(frame_type, flags, stream_id & 0x7FFFFFFF, buffer[position + 9:end])
                position = end
            self._position = position

    def _handle(self, frame_type: int, flags: int, stream_id: int, payload: bytes) -> None:
        if self._continuation is not None and frame_type != CONTINUATION:
            raise ProtocolError(PROTOCOL_ERROR, "header block interrupted")
        # The frequent types first: a call brings HEADERS and DATA; clients acknowledge its
        # response with WINDOW_UPDATEs.
        if frame_type == DATA:
            self._on_data(flags, stream_id, payload)
        elif frame_type == HEADERS:
            self._on_headers(flags, stream_id, payload)
        elif frame_type == WINDOW_UPDATE:
            self._on_window_update(stream_id, payload)
        elif frame_type == CONTINUATION:
            self._on_continuation(flags, stream_id, payload)
        elif frame_type == SETTINGS:
            self._on_settings(flags, stream_id, payload)
        elif frame_type == PING:
            if stream_id or len(payload) != 8:
                raise ProtocolError(FRAME_SIZE_ERROR if stream_id == 0 else PROTOCOL_ERROR,
                                    "malformed PING")
            if not flags & ACK:
                self._write(frame(PING, ACK, 0, payload))
        elif frame_type == RST_STREAM:
            self._on_rst_stream(stream_id, payload)
        elif frame_type == PRIORITY:
            if stream_id == 0:
                raise ProtocolError(PROTOCOL_ERROR, "PRIORITY on stream 0")
        elif frame_type == GOAWAY:
            if stream_id or len(payload) < 8:
                raise ProtocolError(PROTOCOL_ERROR, "malformed GOAWAY")
            debug("peer sent GOAWAY, error code %#x", struct.unpack(">I", payload[4:8])[0])
        elif frame_type == PUSH_PROMISE:
            raise ProtocolError(PROTOCOL_ERROR, "PUSH_PROMISE from a client")
        # Unknown frame types are ignored (RFC 9113 4.1).

    @staticmethod
    def _unpad(flags: int, payload: bytes) -> bytes:
        if not flags & PADDED:
            return payload
        if not payload or payload[0] >= len(payload):
            raise ProtocolError(PROTOCOL_ERROR, "padding longer than the frame")
        return payload[1:len(payload) - payload[0]]

    def _on_headers(self, flags: int, stream_id: int, payload: bytes) -> None:
        if stream_id == 0 or stream_id % 2 == 0:
            raise ProtocolError(PROTOCOL_ERROR, f"HEADERS on stream {stream_id}")
        fragment = self._unpad(flags, payload)
        if flags & PRIORITY_FLAG:
            if len(fragment) < 5:
                raise ProtocolError(FRAME_SIZE_ERROR, "HEADERS too short for its priority")
            fragment = fragment[5:]
        if flags & END_HEADERS:  # the whole block in one frame (the usual case)
            if len(fragment) > self._max_header_list_size:
                raise ProtocolError(COMPRESSION_ERROR, "header block too large")
            self._header_block(stream_id, flags, fragment)
            return
        self._continuation = (stream_id, flags, bytearray(fragment))
        self._check_block_size()

    def _on_continuation(self, flags: int, stream_id: int, payload: bytes) -> None:
        if self._continuation is None or self._continuation[0] != stream_id:
            raise ProtocolError(PROTOCOL_ERROR, "CONTINUATION without HEADERS")
        self._continuation[2].extend(payload)
        self._check_block_size()
        if flags & END_HEADERS:
            self._end_header_block()

    def _check_block_size(self) -> None:
        assert self._continuation is not None
        if len(self._continuation[2]) > self._max_header_list_size:
            raise ProtocolError(COMPRESSION_ERROR, "header block too large")

    def _end_header_block(self) -> None:
        assert self._continuation is not None
        stream_id, flags, block = self._continuation
        self._continuation = None
        self._header_block(stream_id, flags, bytes(block))

    def _header_block(self, stream_id: int, flags: int, block: bytes) -> None:
        """A complete header block: a new stream's request headers, or a request's trailers."""
        try:
            headers = self._decoder.decode(block)
        except hpack.HpackError as error:
            raise ProtocolError(COMPRESSION_ERROR, str(error)) from error
        stream = self._streams.get(stream_id)
        if stream is not None:  # trailers from the client
            if not flags & END_STREAM or stream.end_remote:
                raise ProtocolError(PROTOCOL_ERROR, "a second header block without END_STREAM")
            self._end_request(stream)
            return
        with self._lock:  # atomic with goaway(): a stream is either counted in it or refused
            if stream_id <= self._last_stream_id:
                return  # a stream we already finished; nothing to do
            self._last_stream_id = stream_id
            if self._goaway_sent:
                return  # past our GOAWAY: not processed, as it told the client
            stream = Stream(stream_id, headers, self._peer_initial_window)
            self._streams[stream_id] = stream
        self._tracker.opened()
        if flags & END_STREAM:
            self._end_request(stream)
        elif self._on_open is not None:
            self._on_open(self, stream)  # may answer at once (it then sets ``dispatched``)

    def _on_data(self, flags: int, stream_id: int, payload: bytes) -> None:
        if stream_id == 0:
            raise ProtocolError(PROTOCOL_ERROR, "DATA on stream 0")
        if stream_id > self._last_stream_id:
            raise ProtocolError(PROTOCOL_ERROR, f"DATA on idle stream {stream_id}")
        updates = b""
        # Every byte counts against the connection window, padding and dropped data included.
        self._conn_unacked += len(payload)
        if self._conn_unacked >= self._connection_window // 2:
            updates += frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", self._conn_unacked))
            self._conn_unacked = 0
        data = self._unpad(flags, payload)
        stream = self._streams.get(stream_id)
        if stream is not None and not stream.end_remote and not stream.reset:
            if not stream.too_large:
                if len(stream.body) + len(data) > self._max_body_size:
                    stream.too_large = True
                    stream.body = bytearray()
                else:
                    stream.body += data
            stream.unacked += len(payload)
            if flags & END_STREAM:
                stream.unacked = 0  # no more DATA will come on it
            elif stream.unacked >= self._stream_window // 2:
                updates += frame(WINDOW_UPDATE, 0, stream_id, struct.pack(">I", stream.unacked))
                stream.unacked = 0
        if updates:
            self._write(updates)
        if stream is not None and flags & END_STREAM and not stream.end_remote:
            self._end_request(stream)

    def _end_request(self, stream: Stream) -> None:
        stream.end_remote = True
        if stream.reset or stream.dispatched:
            return  # reset, or answered when it opened
        stream.dispatched = True
        self._on_request(self, stream)

    def _on_settings(self, flags: int, stream_id: int, payload: bytes) -> None:
        if stream_id:
            raise ProtocolError(PROTOCOL_ERROR, "SETTINGS on a stream")
        if flags & ACK:
            if payload:
                raise ProtocolError(FRAME_SIZE_ERROR, "SETTINGS ACK with a payload")
            return
        if len(payload) % 6:
            raise ProtocolError(FRAME_SIZE_ERROR, "SETTINGS length not a multiple of 6")
        for offset in range(0, len(payload), 6):
            key, value = struct.unpack_from(">HI", payload, offset)
            if key == INITIAL_WINDOW_SIZE:
                if value > MAX_WINDOW:
                    raise ProtocolError(FLOW_CONTROL_ERROR, "INITIAL_WINDOW_SIZE too large")
                with self._lock:
                    delta = value - self._peer_initial_window
                    self._peer_initial_window = value
                    for stream in self._streams.values():
                        stream.send_window += delta
                    if self._waiting:
                        self._state.notify_all()
            elif key == MAX_FRAME_SIZE:
                if not FRAME_SIZE <= value <= 2**24 - 1:
                    raise ProtocolError(PROTOCOL_ERROR, f"MAX_FRAME_SIZE {value}")
                self._peer_max_frame = value
            elif key == HEADER_TABLE_SIZE:
                if value != self._peer_table_size:
                    self._peer_table_size = value
                    with self._write_lock:
                        self._encoder.peer_table_size_changed()
            elif key == ENABLE_PUSH and value > 1:
                raise ProtocolError(PROTOCOL_ERROR, "ENABLE_PUSH above 1")
        self._write(frame(SETTINGS, ACK, 0))

    def _on_window_update(self, stream_id: int, payload: bytes) -> None:
        if len(payload) != 4:
            raise ProtocolError(FRAME_SIZE_ERROR, "WINDOW_UPDATE of the wrong size")
        increment = struct.unpack(">I", payload)[0] & 0x7FFFFFFF
        if stream_id and stream_id not in self._streams:
            # A finished stream (clients acknowledge a response's DATA after it ended), or one
            # we never saw: nothing to send there. Only this thread adds streams, so no lock.
            return
        with self._lock:
            if stream_id == 0:
                if increment == 0 or self._send_window + increment > MAX_WINDOW:
                    raise ProtocolError(FLOW_CONTROL_ERROR if increment else PROTOCOL_ERROR,
                                        "bad connection WINDOW_UPDATE")
                self._send_window += increment
                if self._waiting:
                    self._state.notify_all()
                return
            stream = self._streams.get(stream_id)
            if stream is None:
                return  # a finished stream, or one we never saw: nothing to send there
            if increment == 0 or stream.send_window + increment > MAX_WINDOW:
                code = FLOW_CONTROL_ERROR if increment else PROTOCOL_ERROR
            else:
                stream.send_window += increment
                if self._waiting:
                    self._state.notify_all()
                return
        self.reset_stream(stream, code)

    def _on_rst_stream(self, stream_id: int, payload: bytes) -> None:
        if stream_id == 0:
            raise ProtocolError(PROTOCOL_ERROR, "RST_STREAM on stream 0")
        if len(payload) != 4:
            raise ProtocolError(FRAME_SIZE_ERROR, "RST_STREAM of the wrong size")
        with self._lock:
            stream = self._streams.get(stream_id)
            if stream is None:
                return
            stream.reset = True
            if self._waiting:
                self._state.notify_all()
        debug("stream %d reset by the peer (code %#x)", stream_id,
              struct.unpack(">I", payload)[0])
        if not stream.dispatched:
            self.close_stream(stream)  # no handler will finish it

    # ------------------------------------------------------------------ any thread

    def _write(self, data: bytes) -> None:
        with self._write_lock:
            self.transport.send(data)

    def _header_frames(self, stream_id: int, headers: Iterable[hpack.Header],
                       end_stream: bool) -> bytes:
        """HEADERS (+ CONTINUATION) frames; call with the write lock held (encoder order)."""
        block = self._encoder.encode(headers)
        size = self._peer_max_frame
        if len(block) <= size:
            return frame(HEADERS, END_HEADERS | (END_STREAM if end_stream else 0), stream_id,
                         block)
        chunks = [block[i:i + size] for i in range(0, len(block), size)] or [b""]
        out = bytearray()
        for position, chunk in enumerate(chunks):
            last = position == len(chunks) - 1
            flags = END_HEADERS if last else 0
            if position == 0:
                out += frame(HEADERS, flags | (END_STREAM if end_stream else 0), stream_id, chunk)
            else:
                out += frame(CONTINUATION, flags, stream_id, chunk)
        return bytes(out)

    def _reserve(self, stream: Stream, wanted: int, wait: bool) -> int:
        """Take up to ``wanted`` bytes of both send windows (at most one frame's worth); 0
        when none is open and ``wait`` is false. Raises :class:`StreamGone`."""
        with self._lock:
            while True:
                if self._closed or stream.reset:
                    raise StreamGone(f"stream {stream.id} is gone")
                size = min(wanted, self._send_window, stream.send_window, self._peer_max_frame)
                if size > 0:
                    self._send_window -= size
                    stream.send_window -= size
                    return size
                if not wait:
                    return 0
                self._waiting += 1
                try:
                    self._state.wait()
                finally:
                    self._waiting -= 1

    def respond(self, stream: Stream, headers: list[hpack.Header], body: bytes,
                trailers: list[hpack.Header] | None) -> None:
        """Send a whole response: HEADERS, ``body`` as DATA (within the peer's windows, waiting
        for WINDOW_UPDATEs as needed), then ``trailers`` ending the stream (or end the stream
        on the last DATA / HEADERS when ``trailers`` is None). As few writes as the windows
        allow: a response that fits goes out in one. Raises :class:`StreamGone` when the
        stream was reset or the connection closed."""
        if len(body) <= self._peer_max_frame and self._respond_at_once(stream, headers, body,
                                                                       trailers):
            if not stream.end_remote:
                self.reset_stream(stream, NO_ERROR)  # as below
            return
        pending = bytearray()
        header_parts: list[tuple[int, list[hpack.Header], bool]] = [
            (len(pending), headers, not body and trailers is None)]
        view = memoryview(body)
        offset = reserved = 0  # reserved: window taken for DATA in ``pending``
        while offset < len(view):
            size = self._reserve(stream, len(view) - offset, wait=False)
            if size == 0:
                self._flush(stream, pending, header_parts, reserved)
                pending, header_parts, reserved = bytearray(), [], 0
                size = self._reserve(stream, len(view) - offset, wait=True)
            end = offset + size
            last = end == len(view) and trailers is None
            pending += frame(DATA, END_STREAM if last else 0, stream.id, bytes(view[offset:end]))
            offset, reserved = end, reserved + size
        if trailers is not None:
            header_parts.append((len(pending), trailers, True))
        self._flush(stream, pending, header_parts, reserved)
        if not stream.end_remote:
            # RFC 9113 8.1: a response complete before its request asks the client to stop.
            self.reset_stream(stream, NO_ERROR)

    def _respond_at_once(self, stream: Stream, headers: list[hpack.Header], body: bytes,
                         trailers: list[hpack.Header] | None) -> bool:
        """The common case of :meth:`respond`: a body of at most one frame that both windows
        admit now, sent with its header blocks in one write. False (nothing taken or sent)
        when the windows are short: :meth:`respond` then sends in steps."""
        size = len(body)
        with self._lock:
            if self._closed or stream.reset:
                raise StreamGone(f"stream {stream.id} is gone")
            if size > self._send_window or size > stream.send_window:
                return False
            self._send_window -= size
            stream.send_window -= size
        stream_id = stream.id
        with self._write_lock:
            if self._closed or stream.reset:
                if size:
                    with self._lock:
                        self._send_window += size
                        if self._waiting:
                            self._state.notify_all()
                raise StreamGone(f"stream {stream_id} is gone")
            out = self._header_frames(stream_id, headers, not body and trailers is None)
            if body:
                out += frame(DATA, END_STREAM if trailers is None else 0, stream_id, body)
            if trailers is not None:
                out += self._header_frames(stream_id, trailers, True)
            self.transport.send(out)
        return True

    def _flush(self, stream: Stream, data: bytearray,
               header_parts: list[tuple[int, list[hpack.Header], bool]], reserved: int) -> None:
        """Write ``data`` with header blocks inserted at their offsets, in one write. When the
        stream is gone, the connection window its unsent DATA took is given back."""
        with self._write_lock:
            if self._closed or stream.reset:
                with self._lock:
                    self._send_window += reserved
                    if self._waiting:
                        self._state.notify_all()
                raise StreamGone(f"stream {stream.id} is gone")
            if not header_parts:
                self.transport.send(bytes(data))
                return
            out = bytearray()
            start = 0
            for at, headers, end_stream in header_parts:
                out += data[start:at]
                out += self._header_frames(stream.id, headers, end_stream)
                start = at
            out += data[start:]
            self.transport.send(bytes(out))

    def reset_stream(self, stream: Stream, code: int) -> None:
        """Send RST_STREAM and forget the stream's sending side."""
        with self._lock:
            already = stream.reset
            stream.reset = True
            if self._waiting:
                self._state.notify_all()
        if not already:
            try:
                self._write(frame(RST_STREAM, 0, stream.id, struct.pack(">I", code)))
            except OSError as error:
                debug("RST_STREAM on stream %d not sent: %r", stream.id, error)
        if not stream.dispatched:
            self.close_stream(stream)

    def close_stream(self, stream: Stream) -> None:
        """The stream is done (its response sent, or abandoned): count it out, once."""
        with self._lock:
            if stream.closed:
                return
            stream.closed = True
            self._streams.pop(stream.id, None)
        self._tracker.closed()

    def goaway(self, code: int = NO_ERROR, debug_data: bytes = b"") -> None:
        """Tell the peer to open no more streams; streams up to the last one seen still run."""
        with self._lock:
            self._goaway_sent = True
            last_stream_id = self._last_stream_id
        payload = struct.pack(">II", last_stream_id, code) + debug_data
        with self._write_lock:
            if not self._preface_sent or self._closed:
                return  # before our SETTINGS nothing else may go out; after close nothing can
            try:
                self.transport.send(frame(GOAWAY, 0, 0, payload))
            except OSError as error:
                debug("GOAWAY not sent: %r", error)

    def close(self) -> None:
        """End the connection: wake every waiting thread; close the socket once no write is in
        progress (so no thread ever writes to a recycled descriptor)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._waiting:
                self._state.notify_all()
            waiting = [s for s in self._streams.values() if not s.dispatched]
        self.transport.shutdown()  # fails a write blocked on a peer that stopped reading
        with self._write_lock:
            self.transport.close()
        for stream in waiting:
            self.close_stream(stream)

    @property
    def closed(self) -> bool:
        return self._closed
