"""A recording HTTPS proxy that refuses every tunnel: where would a request have gone?

Clients pointed at it (``HTTPS_PROXY=http://127.0.0.1:PORT``) open ``CONNECT host:443``
before any TLS; the proxy records ``host:443`` and answers 403, so nothing leaves the machine
and no AWS account is needed, yet the test sees exactly which regional endpoint a real
boto3 client chose::

    with ConnectProxy() as proxy:
        run_cli("describe", ..., env=proxy.env)
        assert proxy.targets == ["cleanrooms-ml.eu-west-1.amazonaws.com:443"]
"""

from __future__ import annotations

import socketserver
import threading
from typing import Any


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        line = self.rfile.readline(65536).decode("latin-1").strip()
        while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
            pass  # the request's headers
        method, _, rest = line.partition(" ")
        with self.server.lock:
            self.server.targets.append(rest.split(" ")[0] if method == "CONNECT" else line)
        self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    targets: list[str]
    lock: threading.Lock


class ConnectProxy:
    """Start with ``with``; :attr:`targets` lists each ``host:port`` a client tried to reach."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.targets = []
        self._server.lock = threading.Lock()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def targets(self) -> list[str]:
        with self._server.lock:
            return list(self._server.targets)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def env(self) -> dict[str, str]:
        """Variables sending a client's HTTPS through this proxy (and nothing around it)."""
        return {"HTTPS_PROXY": self.url, "https_proxy": self.url, "NO_PROXY": "",
                "no_proxy": ""}

    def __enter__(self) -> ConnectProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
