"""The HTTP server and :class:`Emulator`, its Python face.

Performance matters: the drift check pushes thousands of lookups through here from ~16 threads.
Hence HTTP/1.1 keep-alive, TCP_NODELAY (without it a keep-alive request stalls ~40 ms on
Nagle + delayed ACK), an exact Content-Length, a thread per connection, pre-encoded bodies.

With a certificate (``tls_cert``/``tls_key``) it serves HTTPS: the listening socket is wrapped
with an :class:`ssl.SSLContext` and each connection's handshake runs in that connection's own
thread (bounded by :data:`HANDSHAKE_TIMEOUT`), so a silent client never blocks the accept loop.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import ssl
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

from cleanroomsml_tf.emulator import http1, protocol
from cleanroomsml_tf.emulator.data import DataSet, EmulatorError, as_document
from cleanroomsml_tf.emulator.faults import FaultCounts, Faults
from cleanroomsml_tf.emulator.protocol import Request, ServiceException

Models = Sequence[Mapping[str, Any]] | Mapping[str, Any] | None
PathLike = str | os.PathLike[str]
HANDSHAKE_TIMEOUT = 10.0
"""Seconds a new HTTPS connection may take to finish its TLS handshake."""
IDLE_TIMEOUT = 60.0
"""Seconds the emulator waits for a client to send anything (the next request on a keep-alive
connection, each line of a request's headers, its body) before closing the connection: a
client that opens connections and goes silent cannot pin a thread each forever."""
MAX_BODY_BYTES = 1 << 20
"""Largest request body read. The two operations take no body; a larger Content-Length is
answered 413 without reading (or reserving memory for) the body."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # idle keep-alive connections must not keep the process alive
    block_on_close = False  # stop() must not wait for a request held by --latency-ms
    request_queue_size = 128  # bursts of new connections from many clients at once
    emulator: Emulator

    def server_activate(self) -> None:
        super().server_activate()
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def close_open_connections(self) -> None:
        """End every keep-alive connection: a stopped emulator must not answer on old sockets
        (clients keep pooled connections, and "endpoint down" tests rely on the refusal)."""
        with self.connections_lock:
            connections = list(self.open_connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown, also for TLS: SSLSocket.shutdown would drop its
                # SSL object under a handler thread still reading from it.
                socket.socket.shutdown(connection, socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-response is normal (timeouts, Ctrl-C): one line, no traceback.
        error = sys.exc_info()[1]
        self.emulator._log(f"connection {client_address[0]}:{client_address[1]}: {error!r}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "cleanroomsml-tf-emulator"
    sys_version = ""
    server: _Server
    raw_requestline: bytes  # set by http.server's handle_one_request

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.emulator.idle_timeout)
        with self.server.connections_lock:
            self.server.open_connections.add(self.connection)

    def handle(self) -> None:
        connection = self.connection
        if isinstance(connection, ssl.SSLSocket):
            try:
                connection.settimeout(HANDSHAKE_TIMEOUT)
                connection.do_handshake()
                connection.settimeout(self.server.emulator.idle_timeout)  # as for HTTP
            except OSError as error:  # ssl.SSLError included: a client that distrusts us...
                host, port = self.client_address[:2]
                self.server.emulator._log(f"TLS handshake with {host}:{port} failed: {error}")
                return
        super().handle()

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.open_connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def parse_request(self) -> bool:
        """``http.server``'s parse_request, with a fast path for the common request: a plain
        request line and plain header lines (see :mod:`.http1`); anything else, and every
        error, takes the standard library's own code or gets its answer."""
        plain = http1.simple_request_line(self.raw_requestline)
        if plain is None:
            return bool(super().parse_request())
        self.command, self.path, self.request_version = plain
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        # Keep-alive is the default from HTTP/1.1 on (protocol_version is HTTP/1.1).
        self.close_connection = self.request_version != "HTTP/1.1"
        try:
            self.headers = http1.read_headers(self.rfile)
        except http.client.LineTooLong as error:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long",
                            str(error))
            return False
        except http.client.HTTPException as error:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers",
                            str(error))
            return False
        connection = self.headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        expect = self.headers.get("Expect", "")
        if expect.lower() == "100-continue" and self.request_version == "HTTP/1.1":
            return bool(self.handle_expect_100())
        return True

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch(send_body=False)

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch(send_body=True)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def _dispatch(self, *, send_body: bool) -> None:
        emulator = self.server.emulator
        emulator._count()
        request_id = http1.request_id()
        refusal = self._drain_body()
        if refusal is not None:
            self.close_connection = True  # the rest of the stream cannot be trusted
            status, failure = refusal
            self._send(status, protocol.error_body(failure), request_id, failure.code,
                       send_body=send_body, close=True)
            return
        try:
            status, body = emulator._respond(self.command, self.path)
            code = None
        except ServiceException as error:
            status, body, code = error.status, protocol.error_body(error), error.code
        except Exception as error:  # noqa: BLE001 - a bug must not kill the connection silently
            emulator._log(f"internal error on {self.command} {self.path}: {error!r}")
            failure = protocol.internal_error(f"emulator bug: {error!r}")
            status, body, code = 500, protocol.error_body(failure), failure.code
        self._send(status, body, request_id, code, send_body=send_body)

    def _drain_body(self) -> tuple[int, ServiceException] | None:
        """Read and drop the request body (left unread, it would be parsed as the next
        request). ``(status, error)`` when the request must be refused instead: a
        Content-Length that is not a non-negative integer (400), or one above
        :data:`MAX_BODY_BYTES` (413)."""
        declared = self.headers.get_all("Content-Length") or []
        if not declared:
            return None
        text = declared[0].strip()
        if len(set(declared)) > 1 or not text.isascii() or not text.isdigit():
            return 400, protocol.bad_request(
                f"invalid Content-Length {shown_header(declared)}: expected one non-negative "
                "integer")
        length = int(text)
        if length > MAX_BODY_BYTES:
            return 413, protocol.payload_too_large(
                f"request body of {length} bytes refused: at most {MAX_BODY_BYTES} bytes")
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                break
            length -= len(chunk)
        return None

    def _send(
        self, status: int, body: bytes, request_id: str, code: str | None, *, send_body: bool,
        close: bool = False,
    ) -> None:
        # What send_response, send_header and end_headers would write, in one send call.
        self.log_request(status)
        if close:
            self.close_connection = True
        if self.request_version == "HTTP/0.9":
            head = b""  # an HTTP/0.9 response is the body alone
        else:
            headers = [("Server", self.version_string()), ("Date", self.date_time_string())]
            if close:
                headers.append(("Connection", "close"))
            headers += [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("x-amzn-RequestId", request_id),
            ]
            if code is not None:
                headers.append(("x-amzn-ErrorType", code))
            if status == 405:
                headers.append(("Allow", "GET"))
            reason = self.responses[status][0] if status in self.responses else ""
            head = http1.response_head(self.protocol_version, status, reason, headers)
        self.wfile.write(head + body if send_body else head)

    def date_time_string(self, timestamp: float | None = None) -> str:
        return http1.http_date(timestamp)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request on the emulator's log stream (when logging is on)."""
        if self.server.emulator._log_stream is None:
            return  # the hot path: no string formatting when nobody reads the log
        self.server.emulator._log(f'"{self.requestline}" {code}')

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        """Protocol-level messages (bad request lines...) go to the same log."""
        self.server.emulator._log(format % args)


def shown_header(values: list[str]) -> str:
    """Header values as a short, printable repr (for one-line error messages)."""
    text = repr(values[0] if len(values) == 1 else values)
    return text if len(text) <= 60 else text[:57] + "..."


class Emulator:
    """A local Clean Rooms ML endpoint. Start it, point boto3 at :attr:`url`, stop it.

    ``models`` is ``None`` (the built-in example data), a list of GetCollaborationTrainedModel
    responses, or a data document (``{"trainedModels": [...], "accessDenied": [...]}``, what
    :func:`load_data_file` returns). It is validated like a data file
    (:class:`EmulatorDataError`). ``access_denied`` lists collaboration identifiers or model
    ARNs that get 403. ``log`` is a stream for one line per request (default: no log).

    ``host`` defaults to loopback (``127.0.0.1``): nothing outside this machine can reach the
    endpoint unless told otherwise. ``tls_cert`` (a PEM certificate chain) and ``tls_key`` (its
    PEM private key; default: in the ``tls_cert`` file) make it serve HTTPS; unreadable or
    invalid files raise :class:`EmulatorError` naming the file. ``idle_timeout`` (seconds,
    default :data:`IDLE_TIMEOUT`) bounds every wait for a client; bodies above
    :data:`MAX_BODY_BYTES` are refused with 413, a Content-Length that is not a number with 400.
    """

    def __init__(
        self,
        models: Models = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        throttle_rate: float = 0.0,
        error_rate: float = 0.0,
        latency_ms: float = 0,
        seed: int | None = None,
        access_denied: Iterable[str] = (),
        log: TextIO | None = None,
        tls_cert: PathLike | None = None,
        tls_key: PathLike | None = None,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        if not idle_timeout > 0:
            raise EmulatorError(f"invalid idle_timeout {idle_timeout!r}: expected seconds > 0")
        self.idle_timeout = float(idle_timeout)
        self.host = host
        self.port = port
        self._tls = _tls_context(tls_cert, tls_key)
        self.faults = Faults(throttle_rate, error_rate, latency_ms, seed)
        self._data = DataSet(as_document(models, access_denied))
        self._log_stream = log
        self._lock = threading.Lock()
        self._request_count = 0
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> Emulator:
        """Bind, listen and serve in a background thread; returns self. Idempotent."""
        if self._server is not None:
            return self
        try:
            server = _Server((self.host, self.port), _Handler)
        except OSError as error:
            raise EmulatorError(
                f"cannot listen on {self.host}:{self.port}: {error.strerror or error}"
            ) from None
        if self._tls is not None:
            server.socket = self._tls.wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False)
        server.emulator = self
        self._stopping.clear()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05},
            name="cleanroomsml-emulator", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket. Requests held by latency are released."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        server.close_open_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._server is not None

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) actually bound (the real port when 0 was asked for)."""
        if self._server is None:
            raise EmulatorError("the emulator is not running: call start() first")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def tls(self) -> bool:
        """True when the endpoint serves HTTPS (a certificate was given)."""
        return self._tls is not None

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:50123`` (``https://`` with a certificate)."""
        host, port = self.address
        if ":" in host:
            host = f"[{host}]"
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    # -- runtime control ----------------------------------------------------------------------

    def replace_models(self, models: Models, access_denied: Iterable[str] = ()) -> None:
        """Swap the served data (validated first; on error the old data stays). Thread-safe:
        a request sees either the old or the new data, never a mix."""
        self._data = DataSet(as_document(models, access_denied))

    def set_faults(
        self,
        *,
        throttle_rate: float | None = None,
        error_rate: float | None = None,
        latency_ms: float | None = None,
    ) -> None:
        """Change injected faults at runtime; arguments left ``None`` keep their value."""
        self.faults.update(
            throttle_rate=throttle_rate, error_rate=error_rate, latency_ms=latency_ms
        )

    @property
    def request_count(self) -> int:
        """HTTP requests received since start-up (any path, method or outcome)."""
        return self._request_count

    def reset_request_count(self) -> None:
        """Set :attr:`request_count` (and :attr:`injected_faults`) back to 0."""
        with self._lock:
            self._request_count = 0
        self.faults.reset_counts()

    @property
    def injected_faults(self) -> FaultCounts:
        """Throttles and server errors injected since start-up (or the last reset)."""
        return self.faults.counts()

    # -- request handling (called from handler threads) ---------------------------------------

    def _count(self) -> None:
        with self._lock:
            self._request_count += 1

    def _log(self, line: str) -> None:
        stream = self._log_stream
        if stream is not None:
            try:
                stream.write(f"emulator: {line}\n")
                stream.flush()
            except (OSError, ValueError):
                pass  # a closed log stream must not fail requests

    def _respond(self, method: str, target: str) -> tuple[int, bytes]:
        """(status, body) for one request; raises :class:`ServiceException` for errors."""
        latency = self.faults.latency_seconds
        if latency > 0:
            # Event.wait, not sleep: stop() releases requests held to simulate a hung endpoint.
            self._stopping.wait(latency)
        data = self._data  # one snapshot for the whole request
        if method == "GET" or method == "HEAD":
            body = data.served_targets.get(target)
            if body is not None:  # a model of the data, asked for as botocore does
                self._inject_fault()
                return 200, body
        request = protocol.route(target)
        if request is None:
            raise protocol.unknown_operation(method, target.partition("?")[0])
        if method not in ("GET", "HEAD"):
            raise protocol.method_not_allowed(method, request.operation)
        self._inject_fault()
        if request.operation == protocol.GET:
            return 200, _get(data, request)
        return 200, _list(data, request)

    def _inject_fault(self) -> None:
        """Raise the injected throttle or server error, if this request draws one."""
        fault = self.faults.draw()
        if fault == Faults.THROTTLE:
            raise protocol.throttled()
        if fault == Faults.ERROR:
            raise protocol.internal_error("Internal server error (injected by the emulator)")


def _tls_context(cert: PathLike | None, key: PathLike | None) -> ssl.SSLContext | None:
    """A server context for ``cert`` and ``key`` (``None`` without a certificate: plain HTTP).

    Each file is checked on its own first, so the one-line error names the file at fault.
    """
    if cert is None:
        if key is not None:
            raise EmulatorError(f"TLS key file {key} given without a certificate (tls_cert)")
        return None
    texts = {}
    for what, path in (("certificate", cert), ("key", key)):
        if path is None:
            continue
        try:
            texts[what] = Path(path).read_bytes().decode("ascii", errors="replace")
        except OSError as error:
            raise EmulatorError(
                f"cannot read TLS {what} file {path}: {error.strerror or error}") from None
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(
            cadata=texts["certificate"])
    except (ssl.SSLError, ValueError):
        raise EmulatorError(
            f"invalid TLS certificate file {cert}: no PEM certificate in it") from None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (ssl.SSLError, ValueError) as error:
        reason = getattr(error, "reason", None) or "not a PEM private key"
        raise EmulatorError(
            f"invalid TLS key file {key or cert}: no usable private key for certificate "
            f"{cert} ({reason})") from None
    return context


def _get(data: DataSet, request: Request) -> bytes:
    version = request.query.get("versionIdentifier")
    body = data.served.get((request.collaboration, request.arn or "", version))
    if body is not None:
        return body  # valid inputs (checked with the data), not denied: nothing to check
    collaboration = protocol.check(
        "collaboration_identifier", "collaborationIdentifier", request.collaboration
    )
    arn = protocol.check("trained_model_arn", "trainedModelArn", request.arn or "")
    if version is not None:
        protocol.check("version_identifier", "versionIdentifier", version)
    if data.denied(collaboration, arn):
        raise protocol.access_denied(
            f"User is not authorized to read trained model {arn} in collaboration {collaboration}"
        )
    body = data.get_body(collaboration, arn, version)
    if body is not None:
        return body
    if not data.knows_collaboration(collaboration):
        raise protocol.not_found(f"Collaboration {collaboration} not found")
    if not data.has_model(collaboration, arn):
        raise protocol.not_found(f"Trained model {arn} not found in collaboration {collaboration}")
    raise protocol.not_found(f"Version {version} of trained model {arn} not found")


def _list(data: DataSet, request: Request) -> bytes:
    collaboration = protocol.check(
        "collaboration_identifier", "collaborationIdentifier", request.collaboration
    )
    size = protocol.page_size(request.query.get("maxResults"))
    token = request.query.get("nextToken")
    offset = 0 if token is None else protocol.decode_token(token, collaboration)
    if data.denied(collaboration):
        raise protocol.access_denied(
            f"User is not authorized to list trained models of collaboration {collaboration}"
        )
    if not data.knows_collaboration(collaboration):
        raise protocol.not_found(f"Collaboration {collaboration} not found")
    summaries = data.summaries(collaboration)
    page: dict[str, Any] = {"collaborationTrainedModels": summaries[offset:offset + size]}
    if offset + size < len(summaries):
        page["nextToken"] = protocol.encode_token(collaboration, offset + size)
    return json.dumps(page, separators=(",", ":")).encode("utf-8")


