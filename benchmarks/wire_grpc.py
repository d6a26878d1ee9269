"""The plugin's own gRPC server (``plugin/wire``: grpc, http2, hpack, tls) against grpcio.

Import cost per plugin launch: ``python -I -c`` importing ``socket, threading, struct`` and then
the wire's gRPC server (plaintext; and with its TLS module, which imports ``ssl``), against
importing ``grpc`` (what the plugin imported before; it imports asyncio), interleaved. Then per
call, in process: sequential unary calls from the grpcio client over a unix socket, to our
server and to a grpcio server with the same handler, in h2c and in TLS with a client
certificate (go-plugin's AutoMTLS).

    python benchmarks/wire_grpc.py [--quick] [-n 20]

Target: the wire's gRPC server import adds at most a tenth of what ``import grpc`` adds over
the same interpreter (``(ours - python) / (grpc - python) <= 0.1``). The per-call rows have no
target: they show the server's share of a call beside grpcio's C core.
"""

from __future__ import annotations

import argparse
import py_compile
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent import futures
from pathlib import Path

import harness
from harness import Row

NAME = "wire_grpc"
TARGET_IMPORT_FRACTION = 0.1
ECHO = "/bench.Wire/Echo"
CALLS = 200  # per sample

PRELUDE = "import socket, threading, struct"
IMPORT_GRPC = f"{PRELUDE}; import grpc"
IMPORT_OURS = f"{PRELUDE}; import cleanroomsml_tf.plugin.wire.grpc"
IMPORT_OURS_TLS = f"{IMPORT_OURS}, cleanroomsml_tf.plugin.wire.tls"


def import_rows(rounds: int) -> list[Row]:
    # Bytecode as an installed package has it (pip compiles on install; PYTHONDONTWRITEBYTECODE
    # in a developer's shell would otherwise time the compiler).
    from cleanroomsml_tf.plugin.wire import grpc, hpack, http2, tls

    for module in (grpc, hpack, http2, tls):
        py_compile.compile(module.__file__ or "", doraise=True)
    command = [sys.executable, "-I", "-c"]
    samples = harness.interleaved({
        "python -I -c 'import socket, threading, struct'":
            lambda: harness.time_command([*command, PRELUDE]),
        "import grpc": lambda: harness.time_command([*command, IMPORT_GRPC]),
        "import wire.grpc": lambda: harness.time_command([*command, IMPORT_OURS]),
        "import wire.grpc + wire.tls": lambda: harness.time_command([*command, IMPORT_OURS_TLS]),
    }, rounds)
    python, grpcio, ours, ours_tls = (Row(NAME, variant, values)
                                      for variant, values in samples.items())
    harness.compare([python, grpcio, ours, ours_tls], python)
    added_grpc = (grpcio.median or 0.0) - (python.median or 0.0)
    added_ours = (ours.median or 0.0) - (python.median or 0.0)
    fraction = added_ours / added_grpc if added_grpc > 0 else float("inf")
    harness.check_target(ours, f"adds <= {TARGET_IMPORT_FRACTION:g} x grpc's import",
                         fraction <= TARGET_IMPORT_FRACTION)
    ours.note = (f"adds {added_ours * 1e3:.1f} ms over python, grpc adds "
                 f"{added_grpc * 1e3:.1f} ms ({fraction:.2f}x)")
    ours_tls.note = "with TLS (Terraform's default): ssl's import on top"
    return [python, grpcio, ours, ours_tls]


def _per_call(call: Callable[[bytes], object]) -> Callable[[], float]:
    """A sample: seconds per call over a batch of sequential calls."""
    def sample() -> float:
        started = time.perf_counter()
        for _ in range(CALLS):
            call(b"x" * 200)
        return (time.perf_counter() - started) / CALLS
    return sample


def call_rows(rounds: int) -> list[Row]:
    import grpc

    from cleanroomsml_tf.plugin import tls as plugin_tls
    from cleanroomsml_tf.plugin.wire.grpc import GrpcServer
    from cleanroomsml_tf.plugin.wire.tls import server_context

    server_identity, client_identity = plugin_tls.generate(), plugin_tls.generate()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-wire-") as tmp:
        for mode in ("h2c", "tls"):
            directory = Path(tmp) / mode
            directory.mkdir(mode=0o700)
            context = None
            grpcio_credentials = None
            if mode == "tls":
                context = server_context(server_identity.key_pem, server_identity.cert_pem,
                                         client_identity.cert_pem, str(directory))
                grpcio_credentials = grpc.ssl_server_credentials(
                    [(server_identity.key_pem, server_identity.cert_pem)],
                    root_certificates=client_identity.cert_pem, require_client_auth=True)
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            ours_path = str(directory / "wire.sock")
            listener.bind(ours_path)
            ours = GrpcServer({ECHO: lambda request: request}, context)
            ours.start(listener)
            theirs_path = "unix:" + str(directory / "grpcio.sock")
            theirs = grpc.server(futures.ThreadPoolExecutor(16))
            theirs.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(
                "bench.Wire", {"Echo": grpc.unary_unary_rpc_method_handler(
                    lambda request, context: request)}),))
            if grpcio_credentials is None:
                theirs.add_insecure_port(theirs_path)
            else:
                theirs.add_secure_port(theirs_path, grpcio_credentials)
            theirs.start()

            def channel(target: str, mode: str = mode) -> grpc.Channel:
                if mode == "h2c":
                    return grpc.insecure_channel(target)
                credentials = grpc.ssl_channel_credentials(
                    server_identity.cert_pem, client_identity.key_pem, client_identity.cert_pem)
                return grpc.secure_channel(target, credentials, options=[
                    ("grpc.ssl_target_name_override", "localhost")])

            ours_channel, theirs_channel = channel("unix:" + ours_path), channel(theirs_path)
            try:
                ours_call = ours_channel.unary_unary(ECHO)
                theirs_call = theirs_channel.unary_unary(ECHO)
                samples = harness.interleaved({
                    f"unary call, {mode}: grpcio server": _per_call(theirs_call),
                    f"unary call, {mode}: wire server": _per_call(ours_call),
                }, rounds)
            finally:
                ours_channel.close()
                theirs_channel.close()
                ours.stop(5)
                theirs.stop(0)
            baseline, row = (Row(NAME, variant, values) for variant, values in samples.items())
            harness.compare([baseline, row], baseline)
            row.note = "per call, grpcio client, 200-byte echo"
            rows += [baseline, row]
    return rows


def run(quick: bool = False, n: int | None = None) -> list[Row]:
    """Import cost and per-call speed, ours against grpcio."""
    rounds = n or (7 if quick else 20)
    return import_rows(rounds) + call_rows(max(3, rounds // 3))


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", type=int, help="rounds per variant (default 20, --quick 7)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
