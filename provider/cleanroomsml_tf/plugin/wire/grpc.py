"""A gRPC server (unary calls) over our HTTP/2 connection, on a listening unix socket.

``GrpcServer(handlers)`` maps a full method path (``"/tfplugin6.Provider/GetSchema"``) to a
callable taking the request message and returning the response message, both as bytes; a
handler may return ``None`` for a call that answers no message with status OK (go-plugin's
server-streaming ``/plugin.GRPCStdio/StreamStdio``, which we never write to).

Calls. A request is handled once the client has ended its stream; a call to a path without a
handler is answered as soon as its headers arrive (and its stream reset with NO_ERROR, so the
client stops sending). Each call runs on a thread of its own (Terraform reads
``-parallelism`` data sources at once, and a handler may wait seconds on the network): an idle
thread from earlier calls, else a new one (:class:`Workers`); nothing caps concurrency. A
path without a handler answers ``grpc-status`` 12 (UNIMPLEMENTED); a handler that raises
answers 13 (INTERNAL) with the exception as ``grpc-message`` (percent-encoded per the gRPC
spec); neither harms the connection.
A compressed message answers 12: we never advertise a ``grpc-encoding``. A request that is not
exactly one message answers 13; one above ``max_message_size`` answers 8 (RESOURCE_EXHAUSTED).
``grpc-timeout`` is not enforced here: the client enforces its deadline and resets the stream.

Threads. ``start(listener)`` runs one accept thread (it waits in ``poll`` on the listener and a
wake-up pipe, so ``stop`` ends it at once, without polling) and one reader thread per connection
(see :mod:`.http2`). All are daemon threads: a process that ends does not wait for them.

Stopping. ``stop(grace)`` stops accepting (the listener is closed), sends GOAWAY on every
connection, waits until every open call has finished and its whole response has been handed to
the kernel (at most ``grace`` seconds), then closes the connections. A call that ends the
serving (go-plugin's Shutdown) thus has its reply on the wire before ``stop`` returns, and the
process may then end with ``os._exit``. Clients that go away never raise out of any thread; what
happened is logged at debug level on ``cleanroomsml_tf.plugin.wire``.

TLS. Pass an ``ssl.SSLContext`` (see :func:`.tls.server_context`) to speak TLS on each accepted
connection; without one, plaintext HTTP/2 with prior knowledge (h2c).
"""

from __future__ import annotations

import os
import socket
import threading

from cleanroomsml_tf.plugin.wire import http2

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ssl
    from collections.abc import Callable, Mapping

    Handler = Callable[[bytes], bytes | None]

# gRPC status codes used here.
OK, INTERNAL, UNIMPLEMENTED, RESOURCE_EXHAUSTED = 0, 13, 12, 8
# Terraform's Go providers accept messages up to 256 MiB (terraform-plugin-go); so do we.
MAX_MESSAGE_SIZE = 256 * 1024 * 1024
_MAX_STATUS_MESSAGE = 2000  # characters of grpc-message kept (a header, not a log)
_RESPONSE_HEADERS = [(":status", "200"), ("content-type", "application/grpc")]
_IDLE_WORKER_SECONDS = 60.0


class Workers:
    """Threads for calls, started on demand and never capped: a task goes to an idle thread
    when there is one, else to a new thread. Idle threads wait for work, and end after
    ``idle_seconds`` without any.

    Why not a thread per call: ``Thread.start`` waits until the new thread runs, so the
    reader thread would stall at each call while the new thread holds the GIL; handing a
    task to a waiting thread is a lock release.

    Hand-off: each idle thread blocks on a lock of its own (held, so ``acquire`` waits); a task
    is put in the thread's slot and its lock released, under the pool's lock. The most recently
    idle thread takes the next task, so the others can reach their idle time and end. This is
    what a ``Condition`` does, minus its Python-level waiter bookkeeping on every call."""

    def __init__(self, idle_seconds: float = _IDLE_WORKER_SECONDS) -> None:
        self._idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._idle: list[_Slot] = []  # idle threads' slots, the most recently idle last
        self.started = 0  # threads started so far (for tests and benchmarks)

    @property
    def idle(self) -> int:
        """Threads waiting for work."""
        with self._lock:
            return len(self._idle)

    def submit(self, function: Callable[..., None], *args: object) -> None:
        with self._lock:
            if self._idle:
                slot = self._idle.pop()
                slot.task = (function, args)
                slot.wake.release()
                return
            self.started += 1
        threading.Thread(target=self._work, args=((function, args),), name="grpc-call",
                         daemon=True).start()

    def _work(self, first: tuple[Callable[..., None], tuple[object, ...]]) -> None:
        slot = _Slot()
        wake = slot.wake
        wake.acquire()
        task: tuple[Callable[..., None], tuple[object, ...]] | None = first
        del first
        while task is not None:
            function, args = task
            task = slot.task = None  # nothing of this call is kept alive while idle
            function(*args)  # never raises: a call's function answers every error itself
            del function, args
            with self._lock:
                self._idle.append(slot)
            if not wake.acquire(timeout=self._idle_seconds):
                with self._lock:
                    if slot in self._idle:  # still idle: end
                        self._idle.remove(slot)
                        return
                # A task came as the time ran out: its lock was released (under the pool's
                # lock, which we then took), so this does not wait.
                wake.acquire()
            task = slot.task


class _Slot:
    """An idle worker thread's hand-off: ``wake`` is released once ``task`` is set."""

    __slots__ = ("task", "wake")

    def __init__(self) -> None:
        self.task: tuple[Callable[..., None], tuple[object, ...]] | None = None
        self.wake = threading.Lock()


def percent_encode(message: str) -> str:
    """``grpc-message`` encoding: UTF-8, then %XX for bytes outside printable ASCII and '%'."""
    raw = message.encode("utf-8", "backslashreplace")
    return "".join(chr(b) if 0x20 <= b <= 0x7E and b != 0x25 else f"%{b:02X}" for b in raw)


def frame_message(message: bytes) -> bytes:
    """A gRPC length-prefixed message: flag 0 (not compressed), 4-byte big-endian length."""
    return b"\x00" + len(message).to_bytes(4, "big") + message


def _trailers(status: int, message: str = "") -> list[tuple[str, str]]:
    trailers = [("grpc-status", str(status))]
    if message:
        trailers.append(("grpc-message", percent_encode(message[:_MAX_STATUS_MESSAGE])))
    return trailers


_INCOMPLETE = _trailers(INTERNAL, "the handler did not complete")
_OK_TRAILERS = _trailers(OK)


def parse_request(body: bytes | bytearray) -> bytes | tuple[int, str]:
    """The one message of a unary request, or (status, message) saying why there is none."""
    if len(body) < 5:
        return INTERNAL, ("no request message" if not body else "truncated message prefix")
    if body[0] & 1:
        return UNIMPLEMENTED, "compressed messages are not supported (no grpc-encoding offered)"
    if body[0]:
        return INTERNAL, f"unknown message flags {body[0]:#x}"
    length = int.from_bytes(body[1:5], "big")
    if 5 + length > len(body):
        return INTERNAL, "truncated request message"
    if 5 + length < len(body):
        return INTERNAL, "more than one request message in a unary call"
    return bytes(body[5:])


class GrpcServer:
    """Serves ``handlers`` on a listening socket; see the module docstring."""

    def __init__(
        self,
        handlers: Mapping[str, Handler],
        ssl_context: ssl.SSLContext | None = None,
        *,
        max_message_size: int = MAX_MESSAGE_SIZE,
        stream_window: int = http2.STREAM_WINDOW,
        connection_window: int = http2.CONNECTION_WINDOW,
    ) -> None:
        self._handlers = dict(handlers)
        self._ssl_context = ssl_context
        self._max_message_size = max_message_size
        self._stream_window = stream_window
        self._connection_window = connection_window
        self._tracker = http2.CallTracker()
        self._workers = Workers()
        self._lock = threading.Lock()
        self._connections: set[http2.Connection] = set()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._wake_read, self._wake_write = -1, -1
        self._stopping = False

    @property
    def active_calls(self) -> int:
        """Calls whose request has begun and whose response is not yet fully sent."""
        return self._tracker.active

    def start(self, listener: socket.socket) -> None:
        """Serve on ``listener`` (bound; ``listen`` is called here), which the server then owns
        and closes in :meth:`stop`. Returns at once: accepting runs on its own thread."""
        listener.listen(128)
        listener.setblocking(False)
        self._listener = listener
        self._wake_read, self._wake_write = os.pipe()
        self._accept_thread = threading.Thread(target=self._accept_loop, name="grpc-accept",
                                               daemon=True)
        self._accept_thread.start()

    def stop(self, grace: float) -> bool:
        """Stop accepting, let open calls finish and their responses be written (at most
        ``grace`` seconds), close every connection. True when every call finished in time."""
        with self._lock:
            if self._stopping:
                return self._tracker.active == 0
            self._stopping = True
        if self._accept_thread is not None:
            os.write(self._wake_write, b"x")
            self._accept_thread.join()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            connection.goaway()
        finished = self._tracker.wait_idle(grace)
        if not finished:
            http2.debug("stopping with %d call(s) still running", self._tracker.active)
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            connection.close()
        return finished

    # ------------------------------------------------------------------ accepting

    def _accept_loop(self) -> None:
        import select

        assert self._listener is not None
        listener = self._listener
        try:
            poller = select.poll()
            poller.register(listener.fileno(), select.POLLIN)
            poller.register(self._wake_read, select.POLLIN)
            while True:
                events = dict(poller.poll())
                if self._wake_read in events:
                    return
                try:
                    sock, _ = listener.accept()
                except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                    continue
                except OSError as error:  # e.g. out of descriptors: back off, keep serving
                    http2.debug("accept failed: %r", error)
                    threading.Event().wait(0.05)
                    continue
                self._open(sock)
        except Exception:  # never let a bug escape the thread as a traceback
            http2.debug("accept loop failed", exc_info=True)
        finally:
            listener.close()
            os.close(self._wake_read)
            os.close(self._wake_write)

    def _open(self, sock: socket.socket) -> None:
        sock.setblocking(True)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        transport: http2.SocketTransport
        if self._ssl_context is not None:
            from cleanroomsml_tf.plugin.wire.tls import TlsTransport

            transport = TlsTransport(sock, self._ssl_context)
        else:
            transport = http2.SocketTransport(sock)
        connection = http2.Connection(
            transport, self._on_request, self._tracker, on_open=self._on_open,
            stream_window=self._stream_window, connection_window=self._connection_window,
            max_body_size=self._max_message_size + 5,
        )
        with self._lock:
            self._connections.add(connection)
        threading.Thread(target=self._serve_connection, args=(connection,),
                         name="grpc-connection", daemon=True).start()

    def _serve_connection(self, connection: http2.Connection) -> None:
        try:
            connection.serve()  # returns when the connection has ended; never raises
        finally:
            with self._lock:
                self._connections.discard(connection)

    # ------------------------------------------------------------------ calls

    def _on_open(self, connection: http2.Connection, stream: http2.Stream) -> None:
        """Request headers without END_STREAM (on the reader thread): a call no handler will
        take is answered now, as grpc-go does, not when (if ever) the client ends its side
        (go-plugin's client opens the bidirectional ``/plugin.GRPCBroker/StartStream`` and keeps
        it open; we serve no broker)."""
        if stream.header(":method") != "POST" or stream.header(":path") not in self._handlers:
            stream.dispatched = True
            self._on_request(connection, stream)

    def _on_request(self, connection: http2.Connection, stream: http2.Stream) -> None:
        """A complete request (on the reader thread): answer problems at once, else start the
        handler's thread."""
        path = stream.header(":path") or ""
        problem: tuple[int, str] | None = None
        message = b""
        if stream.header(":method") != "POST":
            self._finish(connection, stream, [(":status", "405")], b"", None)
            return
        handler = self._handlers.get(path)
        if handler is None:
            problem = UNIMPLEMENTED, f"unknown method {path}"
        elif stream.too_large:
            problem = RESOURCE_EXHAUSTED, (
                f"request message larger than {self._max_message_size} bytes")
        else:
            parsed = parse_request(stream.body)
            if isinstance(parsed, tuple):
                problem = parsed
            else:
                message = parsed
        stream.body = bytearray()
        if handler is None or problem is not None:
            status, text = problem or (INTERNAL, "")
            # Trailers-only: one HEADERS frame carrying the status and ending the stream.
            self._finish(connection, stream, _RESPONSE_HEADERS + _trailers(status, text), b"",
                         None)
            return
        self._workers.submit(self._call, connection, stream, handler, message)

    def _call(self, connection: http2.Connection, stream: http2.Stream, handler: Handler,
              message: bytes) -> None:
        body, trailers = b"", _INCOMPLETE
        try:
            result = handler(message)
            if result is not None and not isinstance(result, bytes | bytearray):
                raise TypeError(f"handler returned {type(result).__name__}, not bytes")
            body = b"" if result is None else frame_message(bytes(result))
            trailers = _OK_TRAILERS
        except Exception as error:
            http2.debug("handler for %s raised", stream.header(":path"), exc_info=True)
            trailers = _trailers(INTERNAL, f"{type(error).__name__}: {error}")
        finally:  # also after a BaseException: the call is always answered and counted out
            self._finish(connection, stream, _RESPONSE_HEADERS, body, trailers)

    @staticmethod
    def _finish(connection: http2.Connection, stream: http2.Stream,
                headers: list[tuple[str, str]], body: bytes,
                trailers: list[tuple[str, str]] | None) -> None:
        """Send the response, then count the call out (even when it could not be sent)."""
        try:
            connection.respond(stream, headers, body, trailers)
        except (http2.StreamGone, OSError) as error:
            http2.debug("response on stream %d not sent: %r", stream.id, error)
        except Exception:
            http2.debug("response on stream %d failed", stream.id, exc_info=True)
        finally:
            connection.close_stream(stream)
