"""``cleanroomsml-tf emulator``: serve a local Clean Rooms ML endpoint until interrupted.

The first line on stdout is the base URL, printed once the socket accepts connections, so a
script can start it with port 0 and read where it listens. SIGINT/SIGTERM stop it with exit 0.

It listens on loopback (127.0.0.1) unless ``--host`` says otherwise; any other address gets a
one-line warning on stderr, since the endpoint has no authentication. ``--tls-cert``/``--tls-key``
make it serve HTTPS (the URL then starts with ``https://``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from cleanroomsml_tf.cli.common import bounded

_rate = bounded(float, "a number from 0 to 1", minimum=0.0, maximum=1.0)
_non_negative_int = bounded(int, "an integer >= 0", minimum=0)
_seconds = bounded(float, "seconds > 0", strictly_positive=True)
_port = bounded(int, "a port from 0 to 65535", minimum=0, maximum=65535)


def register(subparsers: Any) -> None:
    """Add the ``emulator`` subcommand."""
    parser = subparsers.add_parser(
        "emulator",
        help="serve a local Clean Rooms ML endpoint (offline tests and demos)",
        description="Serve GetCollaborationTrainedModel and ListCollaborationTrainedModels "
        "over the real restJson1 protocol. Prints the base URL as the first line on stdout; "
        "stops on SIGINT/SIGTERM. Point clients at it with AWS_ENDPOINT_URL_CLEANROOMSML "
        "(or --port 8790, the default local endpoint).",
    )
    parser.add_argument(
        "--data", metavar="FILE",
        help='models to serve: {"trainedModels": [...], "accessDenied": [...]} '
        "(schema: cleanroomsml_tf/schemas/emulator-data.schema.json; default: built-in examples)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1",
        help="address to bind (default 127.0.0.1, loopback only; another address, such as "
        "0.0.0.0, makes the unauthenticated endpoint reachable from other machines: warned about)",
    )
    parser.add_argument(
        "--port", type=_port, default=0, help="port to bind (default 0: any free port)"
    )
    parser.add_argument(
        "--throttle-rate", type=_rate, default=0.0, metavar="R",
        help="fraction of requests answered 429 ThrottlingException (0..1)",
    )
    parser.add_argument(
        "--error-rate", type=_rate, default=0.0, metavar="R",
        help="fraction of requests answered 500 InternalServerException (0..1)",
    )
    parser.add_argument(
        "--latency-ms", type=_non_negative_int, default=0, metavar="N",
        help="delay every response by N milliseconds (a large N simulates a hung endpoint)",
    )
    parser.add_argument(
        "--seed", type=int, metavar="N", help="seed the fault injection, for reproducible runs"
    )
    parser.add_argument(
        "--log", action="store_true", help="log one line per request to stderr"
    )
    parser.add_argument(
        "--tls-cert", metavar="PEM",
        help="serve HTTPS with this PEM certificate (chain); clients trust its CA with "
        "AWS_CA_BUNDLE",
    )
    parser.add_argument(
        "--tls-key", metavar="PEM",
        help="the certificate's PEM private key (default: read from the --tls-cert file)",
    )
    parser.add_argument(
        "--idle-timeout", type=_seconds, default=None, metavar="S",
        help="close a connection whose client sends nothing for S seconds (waiting for the "
        "next request, a header line or the body; default 60)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Start the emulator, print its URL, serve until SIGINT/SIGTERM."""
    from cleanroomsml_tf.aws.endpoints import is_loopback_host
    from cleanroomsml_tf.emulator import Emulator, load_data_file
    from cleanroomsml_tf.emulator.server import IDLE_TIMEOUT

    if args.tls_key and not args.tls_cert:
        print("cleanroomsml-tf emulator: error: --tls-key needs --tls-cert", file=sys.stderr)
        return 1  # a usage error: exit_codes.FAILED
    models = load_data_file(args.data) if args.data else None
    emulator = Emulator(
        models,
        host=args.host,
        port=args.port,
        throttle_rate=args.throttle_rate,
        error_rate=args.error_rate,
        latency_ms=args.latency_ms,
        seed=args.seed,
        log=sys.stderr if args.log else None,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        idle_timeout=args.idle_timeout or IDLE_TIMEOUT,
    )
    stop = threading.Event()
    previous = _on_signals(lambda *_: stop.set())
    try:
        emulator.start()
        host, port = emulator.address
        if not is_loopback_host(host):
            print(f"cleanroomsml-tf emulator: warning: listening on {host}:{port}, reachable "
                  "from other machines (no authentication); the default --host 127.0.0.1 "
                  "keeps it on this machine", file=sys.stderr, flush=True)
        print(emulator.url, flush=True)
        # Wake up now and then: a wait without timeout can miss a signal on some platforms.
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
        _restore(previous)
    return 0


def _on_signals(handler: Any) -> dict[int, Any]:
    previous: dict[int, Any] = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        previous[number] = signal.signal(number, handler)
    return previous


def _restore(previous: dict[int, Any]) -> None:
    for number, handler in previous.items():
        signal.signal(number, handler)
