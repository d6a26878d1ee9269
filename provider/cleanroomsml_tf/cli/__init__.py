"""The ``cleanroomsml-tf`` command line.

Each subcommand lives in its own module here and exposes ``register(subparsers)``, which adds its
parser and sets ``handler`` to a function ``(args) -> int``. Parsers import nothing heavy; each
handler imports what it needs when it runs.

``--debug`` (before or after the subcommand) is the most verbose level: this package's debug
logs and botocore's/urllib3's wire-level ones (requests, headers, signing) on stderr, every
record redacted by :mod:`cleanroomsml_tf.output.redaction` (secret keys, session tokens and
signatures never appear). stdout keeps only the command's own output.

Exit codes (:mod:`cleanroomsml_tf.cli.exit_codes`, the same for every command): 0 success,
1 a usage error or a failure (one line on stderr, no traceback), 2 only from ``drift``, only
when drift was found, 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Iterator, Sequence

from cleanroomsml_tf import __version__
from cleanroomsml_tf.cli import exit_codes

SUBCOMMANDS = ("describe", "emulator", "install", "package", "lock", "drift")
_DEBUG_HELP = ("log everything on stderr, botocore's wire-level requests included (secrets "
               "redacted)")
_DEBUG_FORMAT = "%(asctime)s [%(levelname)s] %(name)s: %(message)s"


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (every subcommand registered)."""
    parser = exit_codes.ArgumentParser(
        prog="cleanroomsml-tf",
        description="Follow AWS Clean Rooms ML trained models from Terraform, CDKTF and CI.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"cleanroomsml_tf.cli.{name}_command")
        module.register(subparsers)
    _accept_debug_after(subparsers)
    return parser


def _accept_debug_after(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``--debug`` after the subcommand (and after ``lock ACTION``) too. SUPPRESS: a subcommand
    that is not given it leaves the value the top-level option set. Each subparser also records
    itself, so an unrecognized argument is reported with the usage of the (sub)command it
    followed."""
    for parser in subparsers.choices.values():
        parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                            help=_DEBUG_HELP)
        parser.set_defaults(usage_parser=parser)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_debug_after(action)


@contextlib.contextmanager
def debug_logging(enabled: bool) -> Iterator[None]:
    """With ``enabled``: every logger at DEBUG (botocore and urllib3 included) and Python
    warnings to stderr, redacted, until the block ends; otherwise nothing changes."""
    if not enabled:
        yield
        return
    import logging
    import platform

    from cleanroomsml_tf.output import redaction

    redaction.enable()  # also redact the credentials each client signs with
    handler = redaction.redacting_handler(
        sys.stderr, redaction.RedactingFormatter(_DEBUG_FORMAT))
    root = logging.getLogger()
    package = logging.getLogger("cleanroomsml_tf")
    saved = (root.level, package.level, package.propagate)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    package.setLevel(logging.NOTSET)
    package.propagate = True
    logging.captureWarnings(True)
    logging.getLogger("cleanroomsml_tf.cli").debug(
        "cleanroomsml-tf %s, Python %s on %s", __version__, platform.python_version(),
        platform.platform())
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(saved[0])
        package.setLevel(saved[1])
        package.propagate = saved[2]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cleanroomsml-tf`` console script."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        getattr(args, "usage_parser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
    with debug_logging(args.debug):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    import logging

    from cleanroomsml_tf.model.errors import CleanroomsmlTfError

    log = logging.getLogger("cleanroomsml_tf.cli")
    try:
        return int(args.handler(args))
    except CleanroomsmlTfError as error:
        log.debug("%s failed", args.command, exc_info=True)  # the traceback, with --debug
        print(f"cleanroomsml-tf {args.command}: {_shown(error)}", file=sys.stderr)
        return exit_codes.FAILED
    except BrokenPipeError:
        return exit_codes.FAILED
    except OSError as error:
        # File-system trouble (unwritable plugin dir, full disk...): the message names the path.
        log.debug("%s failed", args.command, exc_info=True)
        print(f"cleanroomsml-tf {args.command}: {_shown(error)}", file=sys.stderr)
        return exit_codes.FAILED
    except KeyboardInterrupt:
        print(f"cleanroomsml-tf {args.command}: interrupted", file=sys.stderr)
        return exit_codes.INTERRUPTED


def _shown(error: BaseException) -> str:
    """An error as printed: secrets (URL user-info and tokens, known credentials) redacted,
    control characters escaped (line breaks the message itself makes are kept)."""
    from cleanroomsml_tf.output.escape import terminal
    from cleanroomsml_tf.output.redaction import redact

    return "\n".join(terminal(line) for line in redact(str(error)).split("\n"))


if __name__ == "__main__":
    sys.exit(main())
