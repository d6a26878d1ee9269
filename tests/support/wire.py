"""Serving ``cleanroomsml_tf.plugin.wire`` for tests: a GrpcServer on a real unix socket in a
private directory, plaintext or TLS with go-plugin's AutoMTLS set-up (a client certificate that
the server pins), and the grpcio channels that talk to it.

Certificates come from the plugin's own ``tls.generate`` (a self-signed ``localhost`` P-256
certificate, the shape go-plugin makes for its client certificate too).
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from cleanroomsml_tf.plugin import tls as plugin_tls
from cleanroomsml_tf.plugin.wire.grpc import GrpcServer


@cache
def identity(name: str) -> plugin_tls.Identity:
    """A key pair and self-signed certificate per ``name``, made once per test session."""
    del name  # only a cache key: each name gets its own key pair
    return plugin_tls.generate()


@dataclass
class Served:
    server: GrpcServer
    socket_path: str
    directory: str
    tls: bool

    def channel(self, client: str = "terraform", *, certificate: bool = True) -> object:
        """A grpcio channel to the server; with TLS it presents ``client``'s certificate
        (``certificate=False``: none) and trusts exactly the server's certificate."""
        import grpc

        target = "unix:" + self.socket_path
        if not self.tls:
            return grpc.insecure_channel(target)
        client_identity = identity(client)
        credentials = grpc.ssl_channel_credentials(
            root_certificates=identity("server").cert_pem,
            private_key=client_identity.key_pem if certificate else None,
            certificate_chain=client_identity.cert_pem if certificate else None,
        )
        return grpc.secure_channel(
            target, credentials, options=[("grpc.ssl_target_name_override", "localhost")])


@contextlib.contextmanager
def serve(handlers: Mapping[str, Callable[[bytes], bytes | None]], *, tls: bool = False,
          stop_grace: float = 10.0, **server_options: int) -> Iterator[Served]:
    """A started GrpcServer on a unix socket in a new 0700 directory; stopped afterwards."""
    directory = tempfile.mkdtemp(prefix="wire-")
    socket_path = os.path.join(directory, "p.sock")
    context = None
    if tls:
        from cleanroomsml_tf.plugin.wire.tls import server_context

        server_identity = identity("server")
        context = server_context(server_identity.key_pem, server_identity.cert_pem,
                                 identity("terraform").cert_pem, directory)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    server = GrpcServer(handlers, context, **server_options)
    server.start(listener)
    try:
        yield Served(server, socket_path, directory, tls)
    finally:
        server.stop(stop_grace)
        with contextlib.suppress(OSError):
            os.unlink(socket_path)
        with contextlib.suppress(OSError):
            os.rmdir(directory)
