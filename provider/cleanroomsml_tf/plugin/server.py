"""go-plugin serving: magic cookie, gRPC server over a TLS unix socket, handshake, shutdown.

Written here rather than using ``tf.runner.run_provider`` for three reasons: every RPC handler
must turn *any* exception into an error diagnostic (tf's servicer re-raises, which Terraform shows
as "Exception calling application"); the TLS identity is cached without importing
``cryptography`` on warm starts; and stdout must carry nothing but the handshake line.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent import futures
from typing import Any

log = logging.getLogger("cleanroomsml_tf.plugin.server")

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
CORE_PROTOCOL_VERSION = 1
PROTOCOL_VERSION = 6
# Terraform reads up to -parallelism (default 10, any number the user sets) data sources at once,
# each read holding a gRPC worker for its whole request. The pool starts threads only on demand,
# so a high ceiling costs nothing until Terraform asks for that many reads at once.
MAX_WORKERS = 512
_STOP_METHODS = ("/tfplugin6.Provider/StopProvider", "/plugin.GRPCController/Shutdown")


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


class _StopInterceptor:
    """Notices StopProvider / GRPCController.Shutdown so the serve loop can end."""

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def intercept_service(self, continuation: Any, handler_call_details: Any) -> Any:
        if handler_call_details.method in _STOP_METHODS:
            self.stopped.set()
        return continuation(handler_call_details)


def _add_go_plugin_services(server: Any, stopper: _StopInterceptor) -> None:
    from tf.gen import grpc_controller_pb2 as controller_pb
    from tf.gen import grpc_controller_pb2_grpc as controller_rpc
    from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc

    class Controller(controller_rpc.GRPCControllerServicer):
        def Shutdown(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC name
            stopper.stopped.set()
            return controller_pb.Empty()

    class Stdio(stdio_rpc.GRPCStdioServicer):
        def StreamStdio(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC name
            return iter(())  # we never write to stdout/stderr through go-plugin's stream

    controller_rpc.add_GRPCControllerServicer_to_server(Controller(), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(Stdio(), server)


def _handle_signals(stopper: _StopInterceptor) -> None:
    """SIGTERM stops cleanly (socket removed); SIGINT is Terraform's to handle, as in go-plugin:
    on Ctrl-C Terraform asks providers to stop over gRPC, so the plugin must not die first."""

    def stop(_signum: int, _frame: Any) -> None:
        stopper.stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# sun_path holds 108 bytes on Linux, 104 on macOS; longer socket paths cannot be bound.
_MAX_SOCKET_PATH = 100


def socket_location() -> tuple[str, str]:
    """(private directory, socket path): in TMPDIR, or /tmp when TMPDIR is too deep for a socket."""
    directory = tempfile.mkdtemp(prefix="crml-")  # honours TMPDIR
    socket_path = os.path.join(directory, "p.sock")
    if len(socket_path.encode()) > _MAX_SOCKET_PATH and os.path.isdir("/tmp"):
        os.rmdir(directory)
        directory = tempfile.mkdtemp(prefix="crml-", dir="/tmp")
        socket_path = os.path.join(directory, "p.sock")
    return directory, socket_path


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
    import grpc
    from tf.gen import tfplugin_pb2_grpc as rpc

    from cleanroomsml_tf.plugin import tls
    from cleanroomsml_tf.plugin.servicer import ProviderServicer

    stopper = _StopInterceptor()
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=MAX_WORKERS), interceptors=[stopper]
    )
    rpc.add_ProviderServicer_to_server(ProviderServicer(provider), server)
    _add_go_plugin_services(server, stopper)
    identity = tls.load_or_create()
    credentials = grpc.ssl_server_credentials([(identity.key_pem, identity.cert_pem)])
    _handle_signals(stopper)
    directory, socket_path = socket_location()
    try:
        if not server.add_secure_port(f"unix://{socket_path}", credentials):
            print(f"cannot listen on unix socket {socket_path}", file=sys.stderr)
            return 1
        server.start()
        write_handshake(handshake_line(socket_path, identity.handshake_cert), handshake_fd)
        # From here on stdout belongs to go-plugin; stray prints go to stderr (the log).
        sys.stdout = sys.stderr
        log.debug("handshake after %.1f ms on %s", (time.perf_counter() - started) * 1e3,
                  socket_path)
        # Woken at once by the stop RPCs, or by SIGTERM (a lock wait is interruptible by
        # signals on POSIX, so the handler runs and sets the event): no polling.
        stopper.stopped.wait()
        # Wait until every running call (the Shutdown reply included) has completed: main()
        # ends the process right after this returns, without the interpreter's teardown.
        server.stop(grace=0.5).wait()
        return 0
    finally:
        shutil.rmtree(directory, ignore_errors=True)
