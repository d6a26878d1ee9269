"""A loopback HTTP server that answers with canned bytes: for responses no real service sends.

The emulator speaks the protocol correctly; this one says exactly what a test tells it to —
a body with a member of the wrong type, a proxy's HTML error page, a body cut short — so the
tests can drive real boto3 over real HTTP into every malformed case::

    with RawServer(Reply(body=b"<html>oops</html>", status=502)) as server:
        Resolver(ClientSettings(endpoint_url=server.url)).get_trained_model(ref)

``replies`` is one :class:`Reply` (served to every request), a sequence (served in turn, the
last one repeated) or a function ``(RawRequest) -> Reply`` (pages chosen by query, for example).
HTTP/1.1 keep-alive with TCP_NODELAY, like the emulator; a thread per connection.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass(frozen=True)
class Reply:
    """One canned response.

    ``body`` is sent as is (``dict``/``list`` values are JSON-encoded first). ``Content-Type``
    defaults to ``application/json`` and ``x-amzn-RequestId`` to ``raw-<n>`` (the request
    number); give ``None`` as a header's value to leave it out. ``declared_length``, when set,
    is the Content-Length sent instead of the body's length: larger than the body, the server
    writes the body and closes the connection (a truncated response). ``chunked`` sends the
    body with chunked transfer encoding instead, and ``cut`` ends such a body without its last
    (empty) chunk, closing the connection: a truncated chunked response.
    """

    body: bytes | Mapping[str, Any] | Sequence[Any] = b""
    status: int = 200
    headers: Mapping[str, str | None] = field(default_factory=dict)
    declared_length: int | None = None
    chunked: bool = False
    cut: bool = False

    def encoded(self) -> bytes:
        """The body's bytes."""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode("utf-8")


@dataclass(frozen=True)
class RawRequest:
    """What the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


Replies = Reply | Sequence[Reply] | Callable[[RawRequest], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    raw: RawServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "raw-server"
    sys_version = ""
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer()

    def do_POST(self) -> None:  # noqa: N802
        self._answer()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # quiet: tests assert on what clients see

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parsed = urllib.parse.urlsplit(self.path)
        request = RawRequest(
            self.command, parsed.path, urllib.parse.parse_qs(parsed.query),
            {k.lower(): v for k, v in self.headers.items()}, body,
        )
        number, reply = self.server.raw._next(request)
        payload = reply.encoded()
        headers: dict[str, str | None] = {
            "Content-Type": "application/json", "x-amzn-RequestId": f"raw-{number}",
            **reply.headers,
        }
        self.send_response(reply.status)
        for name, value in headers.items():
            if value is not None:
                self.send_header(name, value)
        if reply.chunked:
            truncated = reply.cut
            self.send_header("Transfer-Encoding", "chunked")
            payload = b"%x\r\n%s\r\n" % (len(payload), payload) if payload else b""
            if not truncated:
                payload += b"0\r\n\r\n"
        else:
            truncated = reply.declared_length is not None and reply.declared_length > len(payload)
            declared = reply.declared_length if reply.declared_length is not None else len(payload)
            self.send_header("Content-Length", str(declared))
        if truncated:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()
        if truncated:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)


class RawServer:
    """A started-on-enter canned-response server; ``url``, ``request_count``, ``requests``."""

    def __init__(self, replies: Replies) -> None:
        self._replies = replies
        self._lock = threading.Lock()
        self.requests: list[RawRequest] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def request_count(self) -> int:
        """How many requests arrived so far."""
        with self._lock:
            return len(self.requests)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (started servers only)."""
        if self._server is None:
            raise RuntimeError("RawServer not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> RawServer:
        """Listen on a free loopback port and serve in a daemon thread."""
        server = _Server(("127.0.0.1", 0), _Handler)
        server.raw = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,),
                                        daemon=True, name="raw-server")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> RawServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _next(self, request: RawRequest) -> tuple[int, Reply]:
        with self._lock:
            self.requests.append(request)
            number = len(self.requests)
        replies = self._replies
        if isinstance(replies, Reply):
            return number, replies
        if callable(replies):
            return number, replies(request)
        return number, replies[min(number, len(replies)) - 1]


@pytest.fixture
def raw_server() -> Iterator[Callable[[Replies], RawServer]]:
    """Factory: ``raw_server(replies)`` -> a started :class:`RawServer`, stopped after the test."""
    started: list[RawServer] = []

    def make(replies: Replies) -> RawServer:
        server = RawServer(replies).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
