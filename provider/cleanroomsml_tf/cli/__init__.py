"""The ``cleanroomsml-tf`` command line.

Each subcommand lives in its own module here and exposes ``register(subparsers)``, which adds its
parser and sets ``handler`` to a function ``(args) -> int``. Parsers import nothing heavy; each
handler imports what it needs when it runs.

Exit codes: 0 success, 1 a lookup, input or check error (one line on stderr, no traceback),
2 usage errors (argparse) — ``drift`` adds 2 for "drift found", like
``terraform plan -detailed-exitcode``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cleanroomsml_tf import __version__

SUBCOMMANDS = ("describe", "emulator", "install", "lock", "drift")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (every subcommand registered)."""
    parser = argparse.ArgumentParser(
        prog="cleanroomsml-tf",
        description="Follow AWS Clean Rooms ML trained models from Terraform, CDKTF and CI.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"cleanroomsml_tf.cli.{name}_command")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cleanroomsml-tf`` console script."""
    from cleanroomsml_tf.errors import CleanroomsmlTfError

    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except CleanroomsmlTfError as error:
        print(f"cleanroomsml-tf {args.command}: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1
    except OSError as error:
        # File-system trouble (unwritable plugin dir, full disk...): the message names the path.
        print(f"cleanroomsml-tf {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"cleanroomsml-tf {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
