"""A recording HTTP proxy in front of the local endpoint: it keeps every request's headers (so
tests can look for secrets in what went over the wire) and relays the endpoint's answers."""

from __future__ import annotations

import contextlib
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class RecordingProxy(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    upstream: tuple[str, int]
    seen: list[dict[str, str]]


class _Forward(BaseHTTPRequestHandler):
    """Records each request's headers, then forwards it to the emulator and relays the answer."""

    protocol_version = "HTTP/1.1"
    server: RecordingProxy

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        self.server.seen.append(dict(self.headers))
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body, headers={
                k: v for k, v in self.headers.items() if k.lower() != "connection"})
            response = upstream.getresponse()
            data = response.read()
        finally:
            upstream.close()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in ("connection", "content-length", "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_HEAD = _forward

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def start_recording_proxy(stack: contextlib.ExitStack, upstream: tuple[str, int]) -> RecordingProxy:
    """A proxy forwarding to ``upstream``, serving until ``stack`` closes; ``proxy.seen`` holds
    each request's headers."""
    proxy = RecordingProxy(("127.0.0.1", 0), _Forward)
    proxy.upstream = upstream
    proxy.seen = []
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    stack.callback(proxy.server_close)
    stack.callback(proxy.shutdown)
    return proxy
