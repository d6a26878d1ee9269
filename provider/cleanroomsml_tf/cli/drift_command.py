"""``cleanroomsml-tf drift``: re-resolve every locked model and report what changed.

Exit codes, like ``terraform plan -detailed-exitcode``: 0 no drift, 2 drift, 1 the check failed
(the lock file is unusable, or some entry could not be checked — even when others drifted).
Argument errors are argparse's usual exit 2 with a usage line on stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from cleanroomsml_tf.aws.settings import DEFAULT_CONCURRENCY
from cleanroomsml_tf.cli.common import add_connection_options, positive_int, settings_from_args
from cleanroomsml_tf.cli.lock_command import add_lock_file_option, lock_path_from_args
from cleanroomsml_tf.drift.reports import FORMATS
from cleanroomsml_tf.model.errors import CleanroomsmlTfError


class ReportWriteError(CleanroomsmlTfError):
    """``--output``/``--report`` could not be written."""

    summary = "Cannot write report"


def _fields(text: str) -> tuple[str, ...]:
    from cleanroomsml_tf.drift.fields import UnknownFieldError, parse_fields

    try:
        return parse_fields(text)
    except UnknownFieldError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _shard(text: str) -> Any:
    from cleanroomsml_tf.drift.check import Shard

    try:
        return Shard.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _report(text: str) -> tuple[str, str]:
    fmt, sep, target = text.partition("=")
    if not sep or fmt not in FORMATS or not target:
        raise argparse.ArgumentTypeError(
            f"invalid report {text!r}: expected FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}"
        )
    return fmt, target


def register(subparsers: Any) -> None:
    """Add the ``drift`` subcommand."""
    parser = subparsers.add_parser(
        "drift",
        help="compare locked models with Clean Rooms ML (exit 0 none, 2 drift, 1 failed)",
        description="Re-resolve every lock-file entry and report pinned fields that changed, "
        "models that no longer exist, and newer versions of entries locked as latest. "
        "Exit 0: no drift; 2: drift; 1: the check failed (some entry could not be checked).",
    )
    add_lock_file_option(parser)
    parser.add_argument(
        "--fields", type=_fields, metavar="LIST",
        help="comma-separated dotted paths to compare (an object name means all its fields; "
        "default: version_identifier,status,training_container_image_digest,resource_config)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format")
    parser.add_argument(
        "--output", type=Path, metavar="FILE",
        help="write the report to FILE (atomically) instead of standard output",
    )
    parser.add_argument(
        "--report", type=_report, action="append", default=[], metavar="FORMAT=FILE",
        help="also write the report in FORMAT to FILE (repeatable; one check, several reports)",
    )
    parser.add_argument(
        "--concurrency", type=positive_int, default=DEFAULT_CONCURRENCY, metavar="N",
        help=f"entries checked at once (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--shard", type=_shard, metavar="I/N",
        help="check only shard I of N (1-based; deterministic by entry key)",
    )
    add_connection_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Read the lock file, check, render, write; return the detailed exit code."""
    from cleanroomsml_tf.drift.check import check_drift
    from cleanroomsml_tf.drift.fields import DEFAULT_FIELDS
    from cleanroomsml_tf.drift.reports import render
    from cleanroomsml_tf.lockfile.store import read

    lock = read(lock_path_from_args(args))
    settings = settings_from_args(args).check()
    progress = Progress() if sys.stderr.isatty() else None
    report = check_drift(
        lock,
        settings=settings,
        fields=args.fields or DEFAULT_FIELDS,
        concurrency=args.concurrency,
        shard=args.shard,
        progress=progress,
    )
    if progress is not None:
        progress.finish()
    for fmt, target in args.report:
        _emit(render(report, fmt), None if target == "-" else Path(target))
    _emit(render(report, args.format), args.output)
    return report.exit_code


def _emit(text: str, target: Path | None) -> None:
    from cleanroomsml_tf.output.atomic import atomic_write_text

    if target is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        atomic_write_text(target, text)
    except OSError as error:
        raise ReportWriteError(f"cannot write report {target}: {error.strerror or error}") from None


class Progress:
    """``checked 120/1000`` on one rewritten stderr line, at most ten updates a second."""

    def __init__(self) -> None:
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done != total and now - self._last < 0.1:
            return
        self._last = now
        self._shown = True
        sys.stderr.write(f"\rchecked {done}/{total}")
        sys.stderr.flush()

    def finish(self) -> None:
        """Clear the progress line."""
        if self._shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


