"""go-plugin serving: magic cookie, gRPC server on a unix socket (TLS when Terraform asks for
it), handshake, shutdown.

The server is our own (:mod:`cleanroomsml_tf.plugin.wire`: gRPC over HTTP/2 on the standard
library), so the handshake path imports neither grpcio nor protobuf; the TLS identity is cached
without importing ``cryptography`` on warm starts; stdout carries nothing but the handshake line.
Every call runs on a thread of its own (Terraform reads up to ``-parallelism`` data sources at
once, any number the user sets).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time

from cleanroomsml_tf.plugin.logs import get_logger

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not needed to serve (it costs a launch ~5 ms to import)
    from collections.abc import Callable
    from typing import Any

log = get_logger("cleanroomsml_tf.plugin.server")

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
CORE_PROTOCOL_VERSION = 1
PROTOCOL_VERSION = 6
CLIENT_CERT_VARIABLE = "PLUGIN_CLIENT_CERT"
SHUTDOWN_METHOD = "/plugin.GRPCController/Shutdown"
STDIO_METHOD = "/plugin.GRPCStdio/StreamStdio"
STOP_PROVIDER_METHOD = "/tfplugin6.Provider/StopProvider"
# How long the calls still running when Terraform stops the plugin may take to finish.
STOP_GRACE_S = 0.5


def handshake_line(socket_path: str, cert_b64: str) -> str:
    """go-plugin's handshake: ``CORE|APP|NETWORK|ADDR|PROTOCOL|CERT``."""
    return "|".join([
        str(CORE_PROTOCOL_VERSION), str(PROTOCOL_VERSION), "unix", socket_path, "grpc", cert_b64,
    ])


def check_launch(environ: dict[str, str] | os._Environ[str] = os.environ) -> str | None:
    """Why this process was not launched by Terraform (``None`` when it was)."""
    if environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        return (
            "This binary is a plugin. These are not meant to be executed directly.\n"
            "Please execute the program that consumes these plugins, which will\n"
            "load any plugins automatically"
        )
    versions = environ.get("PLUGIN_PROTOCOL_VERSIONS")
    if versions and str(PROTOCOL_VERSION) not in versions.split(","):
        return (
            f"this provider speaks plugin protocol {PROTOCOL_VERSION}; this Terraform offers "
            f"{versions} (Terraform >= 1.0 is required)"
        )
    return None


def _go_plugin_handlers(stopped: threading.Event) -> dict[str, Callable[[bytes], bytes | None]]:
    """go-plugin's own services: ``GRPCController.Shutdown`` (Terraform's "close": ends the
    serving) and ``GRPCStdio.StreamStdio`` (a stream we never write to: it ends at once)."""

    def shutdown(request: bytes) -> bytes:
        stopped.set()
        return b""  # plugin.Empty

    def stream_stdio(request: bytes) -> None:
        return None  # no message, status OK

    return {SHUTDOWN_METHOD: shutdown, STDIO_METHOD: stream_stdio}


def _stopping_after(handler: Callable[[bytes], bytes | None], stopped: threading.Event
                    ) -> Callable[[bytes], bytes | None]:
    """``handler``, then the serving ends (StopProvider: Terraform is cancelling)."""

    def stop_provider(request: bytes) -> bytes | None:
        try:
            return handler(request)
        finally:
            stopped.set()

    return stop_provider


def _handle_signals(stopped: threading.Event) -> None:
    """SIGTERM stops cleanly (socket removed); SIGINT is Terraform's to handle, as in go-plugin:
    on Ctrl-C Terraform asks providers to stop over gRPC, so the plugin must not die first."""

    def stop(_signum: int, _frame: Any) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# sun_path holds 108 bytes on Linux, 104 on macOS; longer socket paths cannot be bound.
_MAX_SOCKET_PATH = 100


def socket_location() -> tuple[str, str]:
    """(private directory, socket path): in TMPDIR, or /tmp when TMPDIR is too deep for a socket."""
    directory = private_directory()
    socket_path = os.path.join(directory, "p.sock")
    if len(socket_path.encode()) > _MAX_SOCKET_PATH and os.path.isdir("/tmp"):
        os.rmdir(directory)
        directory = private_directory("/tmp")
        socket_path = os.path.join(directory, "p.sock")
    return directory, socket_path


def private_directory(root: str | None = None) -> str:
    """A new directory only we can enter (0700, random name ``crml-...``), in ``root``, or else
    in the first usable of ``$TMPDIR``, ``$TEMP``, ``$TMP``, /tmp, /var/tmp, /usr/tmp (the
    order of ``tempfile.gettempdir``; ``tempfile`` itself is not imported: with the ``random``
    and ``shutil`` it brings, it costs every launch more than this function does)."""
    roots = [root] if root else [os.environ.get("TMPDIR"), os.environ.get("TEMP"),
                                 os.environ.get("TMP"), "/tmp", "/var/tmp", "/usr/tmp"]
    problem: OSError | None = None
    for base in filter(None, roots):
        for _ in range(8):  # a name taken (by chance) is retried; any other failure: next root
            path = os.path.join(base, "crml-" + os.urandom(6).hex())
            try:
                os.mkdir(path, 0o700)
                return path
            except FileExistsError:
                continue
            except OSError as error:
                problem = error
                break
    raise OSError(f"no usable directory for the plugin's socket ({problem})")


def remove_directory(directory: str) -> None:
    """Remove the private directory and the files in it (the socket); errors ignored."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(directory, name))
    with contextlib.suppress(OSError):
        os.rmdir(directory)


def write_handshake(line: str, handshake_fd: int | None) -> None:
    """The handshake line, in one ``write`` on the private stdout duplicate (see
    :func:`cleanroomsml_tf.plugin.main.claim_stdout`), or on ``sys.stdout`` without one."""
    if handshake_fd is None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        return
    data = (line + "\n").encode()
    while data:  # a pipe takes a short line at once; loop anyway, as write(2) allows less
        data = data[os.write(handshake_fd, data):]


def serve(provider: Any, handshake_fd: int | None = None) -> int:
    """Serve ``provider`` until Terraform stops it; the exit status.

    ``handshake_fd`` is the only place the handshake line goes (and nothing else ever does);
    it stays open until the process exits, because go-plugin keeps reading stdout.
    """
    problem = check_launch()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    started = time.perf_counter()
    from cleanroomsml_tf.plugin.servicer import ProviderServicer
    from cleanroomsml_tf.plugin.wire.grpc import GrpcServer

    stopped = threading.Event()
    handlers: dict[str, Callable[[bytes], bytes | None]] = {}
    handlers.update(ProviderServicer(provider).handlers())
    handlers[STOP_PROVIDER_METHOD] = _stopping_after(handlers[STOP_PROVIDER_METHOD], stopped)
    handlers.update(_go_plugin_handlers(stopped))
    _handle_signals(stopped)
    try:
        directory, socket_path = socket_location()
    except OSError as error:  # one line in Terraform's log, not a traceback
        print(f"cannot create the plugin's socket directory: {error}; "
              "fix: set TMPDIR to a writable directory", file=sys.stderr)
        return 1
    try:
        try:
            context, handshake_cert = _tls(directory)
        except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
            print(f"cannot set up TLS with the client certificate in {CLIENT_CERT_VARIABLE}: "
                  f"{error}", file=sys.stderr)
            return 1
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(socket_path)
        except OSError as error:
            listener.close()
            print(f"cannot listen on unix socket {socket_path}: {error}", file=sys.stderr)
            return 1
        server = GrpcServer(handlers, context)
        server.start(listener)
        write_handshake(handshake_line(socket_path, handshake_cert), handshake_fd)
        # From here on stdout belongs to go-plugin; stray prints go to stderr (the log).
        sys.stdout = sys.stderr
        log.debug("handshake after %.1f ms on %s (%s)", (time.perf_counter() - started) * 1e3,
                  socket_path, "TLS" if context else "plaintext")
        # Woken at once by the stop RPCs, or by SIGTERM (a lock wait is interruptible by
        # signals on POSIX, so the handler runs and sets the event): no polling.
        stopped.wait()
        # Every running call (the Shutdown reply included) completes and is written before
        # this returns; main() then ends the process without the interpreter's teardown.
        server.stop(grace=STOP_GRACE_S)
        return 0
    finally:
        remove_directory(directory)


def _tls(directory: str) -> tuple[Any, str]:
    """(server TLS context, certificate for the handshake line), or ``(None, "")``.

    go-plugin's AutoMTLS, which Terraform uses unless ``TF_DISABLE_PLUGIN_TLS`` is set, hands
    its client certificate in ``PLUGIN_CLIENT_CERT``: then TLS with our cached identity,
    accepting that client certificate only. Without it the client dials plaintext (as a Go
    provider built on go-plugin serves it), over the socket in our private 0700 directory.
    """
    client_cert = os.environ.get(CLIENT_CERT_VARIABLE, "")
    if not client_cert.strip():
        return None, ""
    from cleanroomsml_tf.plugin import tls
    from cleanroomsml_tf.plugin.wire.tls import server_context

    identity = tls.load_or_create()
    context = server_context(identity.key_pem, identity.cert_pem, client_cert.encode(),
                             directory)
    return context, identity.handshake_cert
