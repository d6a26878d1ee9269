"""TLS for the plugin's gRPC server: go-plugin's AutoMTLS, and a thread-safe TLS transport.

go-plugin (Terraform) puts its client certificate in ``PLUGIN_CLIENT_CERT`` and dials the plugin
over TLS 1.2+, offering ALPN ``h2`` (grpc-go refuses a server that does not select it), and trusts
exactly the certificate the plugin printed in its handshake line. :func:`server_context` builds
the matching server context: our key and certificate, ALPN ``h2``, the client's certificate as
the only trust anchor with ``CERT_REQUIRED``; :class:`TlsTransport` then also checks that the
peer presented exactly that certificate (not merely one it signed).

Why a memory BIO. OpenSSL objects must not be read and written from two threads at once, and an
HTTP/2 connection is read by its reader thread while handler threads write responses. So the
socket stays a plain socket and the TLS state is an ``ssl.SSLObject`` over two ``MemoryBIO``
buffers: every call into it holds ``_ssl_lock`` (held only for in-memory work, never across
socket I/O), and ciphertext goes to the socket under ``_send_lock`` (taken before ``_ssl_lock``,
so records reach the socket in the order OpenSSL produced them). The reader blocks in
``sock.recv`` without any lock; a writer blocks in ``sock.sendall`` holding only ``_send_lock``.

This module imports ``ssl`` (~10 ms); it is imported only when TLS is used.
"""

from __future__ import annotations

import os
import socket
import ssl
import threading

from cleanroomsml_tf.plugin.wire.http2 import SocketTransport

_RECV_SIZE = 256 * 1024


class PinnedContext(ssl.SSLContext):
    """A server context that also remembers the one client certificate (DER) it accepts."""

    pinned_client_der: bytes | None = None


def server_context(key_pem: bytes, cert_pem: bytes, client_cert_pem: bytes,
                   directory: str) -> PinnedContext:
    """A TLS 1.2+ server context for go-plugin's AutoMTLS: our ``key_pem``/``cert_pem``, ALPN
    ``h2``, and a required client certificate equal to ``client_cert_pem``.

    ``load_cert_chain`` reads files: key and certificate are written to one file, mode 0600,
    created exclusively in ``directory`` (the caller's private socket directory), and removed
    as soon as they are loaded."""
    context = PinnedContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["h2"])
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_NO_RENEGOTIATION
    context.num_tickets = 0  # one connection per launch: session resumption is never used
    path = os.path.join(directory, f"tls-{os.getpid()}-{os.urandom(6).hex()}.pem")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(key_pem.rstrip(b"\n") + b"\n" + cert_pem)
        context.load_cert_chain(path)
    finally:
        os.unlink(path)
    client_text = client_cert_pem.decode("ascii")
    context.load_verify_locations(cadata=client_text)
    context.verify_mode = ssl.CERT_REQUIRED
    context.pinned_client_der = ssl.PEM_cert_to_DER_cert(client_text)
    return context


class TlsTransport(SocketTransport):
    """TLS over a connected socket; safe for one reader thread and serialized writers."""

    def __init__(self, sock: socket.socket, context: ssl.SSLContext) -> None:
        super().__init__(sock)
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._tls = context.wrap_bio(self._incoming, self._outgoing, server_side=True)
        self._pinned = getattr(context, "pinned_client_der", None)
        self._ssl_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._ended = False  # the peer's close_notify was read (reader thread only)

    def _flush(self) -> None:
        """Send whatever OpenSSL produced, in order."""
        with self._send_lock:
            with self._ssl_lock:
                data = self._outgoing.read()
            if data:
                self.sock.sendall(data)

    def _feed(self) -> None:
        """Ciphertext from the socket into OpenSSL (reader thread only)."""
        size = self.sock.recv_into(self._into)
        with self._ssl_lock:
            if size:
                self._incoming.write(self._into_view[:size])
            else:
                self._incoming.write_eof()

    def handshake(self) -> None:
        while True:
            error: ssl.SSLError | None = None
            with self._ssl_lock:
                try:
                    self._tls.do_handshake()
                    done = True
                except ssl.SSLWantReadError:
                    done = False
                except ssl.SSLError as exc:  # e.g. a wrong client certificate
                    error, done = exc, False
            self._flush()  # handshake records, or the alert that tells the client why
            if error is not None:
                raise error
            if done:
                break
            if self._incoming.eof:
                raise ConnectionError("the peer closed the connection during the TLS handshake")
            self._feed()
        protocol = self._tls.selected_alpn_protocol()
        if protocol not in (None, "h2"):
            raise ConnectionError(f"ALPN protocol {protocol!r}, not h2")
        if self._pinned is not None and self._tls.getpeercert(binary_form=True) != self._pinned:
            raise ConnectionError("the client's certificate is not the one go-plugin announced")

    def recv(self) -> bytes:
        """Plaintext of every complete TLS record received so far (at least one; b"" at the
        end of the session). One ``read`` yields one record: reading them all here lets the
        connection parse several frames per call.

        Every ``read`` (and ``pending``) releases the GIL, which a handler thread is often
        waiting for: ``read`` is called only while ciphertext is waiting in the incoming BIO.
        OpenSSL reads no further than the record it needs (no read-ahead) and each ``read``
        asks for more than a record holds, so nothing is left inside OpenSSL when the BIO is
        empty; a record that is not complete yet stays there until the rest is fed."""
        incoming, tls = self._incoming, self._tls
        into, view = self._into, self._into_view  # see SocketTransport: no allocation per read
        while True:
            if self._ended:
                return b""
            parts = []
            with self._ssl_lock:
                while incoming.pending:
                    try:
                        # With a buffer, read() returns a count (typeshed says bytes).
                        size: int = tls.read(_RECV_SIZE, into)  # type: ignore[assignment]
                    except ssl.SSLWantReadError:
                        break  # the rest of a record is still on its way
                    except ssl.SSLZeroReturnError:  # close_notify, when ours went out too
                        self._ended = True
                        break
                    if not size:  # close_notify: read() into a buffer counts 0, no error
                        self._ended = True
                        break
                    parts.append(view[:size].tobytes())
                pending = self._outgoing.pending
            if pending:
                self._flush()  # e.g. the answer to a key update
            if parts:
                return parts[0] if len(parts) == 1 else b"".join(parts)
            if incoming.eof and not incoming.pending:
                return b""  # the stream under TLS ended
            if not self._ended:
                self._feed()

    def send(self, data: bytes) -> None:
        with self._send_lock:
            with self._ssl_lock:
                view = memoryview(data)
                while view:
                    view = view[self._tls.write(view):]
                out = self._outgoing.read()
            self.sock.sendall(out)

    def close(self) -> None:
        # The reader thread may be sending handshake or post-handshake records (``_flush``)
        # under ``_send_lock`` only: close once it is done, never under its feet.
        with self._send_lock:
            super().close()
