"""``cleanroomsml-tf lock``: add, refresh, remove and show lock-file entries.

Resolution happens outside the file lock (it can take a while); the results are merged into the
lock file under the lock, atomically, all or nothing: when any model fails to resolve nothing is
written and the error names it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleanroomsml_tf.aws.settings import DEFAULT_CONCURRENCY
from cleanroomsml_tf.cli.common import add_connection_options, positive_int, settings_from_args


def add_lock_file_option(parser: argparse.ArgumentParser) -> None:
    """``--lock-file F`` (default: cleanroomsml.lock.json next to the nearest cdktf.json)."""
    parser.add_argument(
        "--lock-file", type=Path, metavar="F",
        help="lock file to use (default: cleanroomsml.lock.json next to the nearest cdktf.json "
        "above the current directory, else in it)",
    )


def lock_path_from_args(args: argparse.Namespace) -> Path:
    """The lock file the user chose, or the default one."""
    from cleanroomsml_tf.lockfile.project import default_lock_path

    return args.lock_file if args.lock_file is not None else default_lock_path()


def register(subparsers: Any) -> None:
    """Add the ``lock`` subcommand and its ``add``/``refresh``/``remove``/``show`` actions."""
    parser = subparsers.add_parser(
        "lock",
        help="pin trained-model records in cleanroomsml.lock.json",
        description="Manage the lock file that cdktf synth and drift checks read.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add", help="resolve models and lock them",
        description="Resolve a model (or, with --all, every model of a collaboration, each as "
        "its latest version) and add or replace its lock-file entry.",
    )
    add.add_argument("--trained-model-arn", metavar="ARN")
    add.add_argument("--collaboration-identifier", required=True, metavar="ID")
    add.add_argument("--version-identifier", metavar="V", help="pin a version (default: latest)")
    add.add_argument("--all", action="store_true", help="every model of the collaboration")
    _common(add)
    add.set_defaults(handler=run_add, usage_error=add.error)

    refresh = actions.add_parser(
        "refresh", help="re-resolve locked entries",
        description="Re-resolve entries (by key; none = all) and rewrite those that changed.",
    )
    refresh.add_argument("entries", nargs="*", metavar="ENTRY", help="entry key (see lock show)")
    _common(refresh)
    refresh.set_defaults(handler=run_refresh)

    remove = actions.add_parser("remove", help="drop entries from the lock file")
    remove.add_argument("entries", nargs="+", metavar="ENTRY", help="entry key (see lock show)")
    add_lock_file_option(remove)
    remove.set_defaults(handler=run_remove)

    show = actions.add_parser("show", help="list the locked entries")
    show.add_argument("--format", choices=("table", "json"), default="table")
    add_lock_file_option(show)
    show.set_defaults(handler=run_show)


def _common(parser: argparse.ArgumentParser) -> None:
    add_lock_file_option(parser)
    parser.add_argument(
        "--concurrency", type=positive_int, default=DEFAULT_CONCURRENCY, metavar="N",
        help=f"models resolved at once (default {DEFAULT_CONCURRENCY})",
    )
    add_connection_options(parser)


# --------------------------------------------------------------------------- add / refresh


def run_add(args: argparse.Namespace) -> int:
    """``lock add``: one model, or every model of a collaboration with ``--all``."""
    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.lockfile.store import read
    from cleanroomsml_tf.model.identifiers import ModelRef, validate_field

    if args.all and (args.trained_model_arn or args.version_identifier):
        args.usage_error("--all locks every model as latest; drop --trained-model-arn and "
                         "--version-identifier")
    if not args.all and not args.trained_model_arn:
        args.usage_error("give --trained-model-arn ARN, or --all for every model")
    read(lock_path_from_args(args), missing_ok=True)  # a broken lock file: refused before requests
    resolver = Resolver(settings_from_args(args).check())
    if args.all:
        collaboration = validate_field("collaboration_identifier", args.collaboration_identifier)
        arns = sorted({s["trained_model_arn"] for s in resolver.list_trained_models(collaboration)})
        refs = [ModelRef(arn, collaboration) for arn in arns]
        if not refs:
            print(f"collaboration {collaboration} has no trained models; nothing locked",
                  file=sys.stderr)
            return 0
    else:
        refs = [ModelRef(args.trained_model_arn, args.collaboration_identifier,
                         args.version_identifier).validate()]
    return _resolve_and_store(refs, resolver, args, replace_only=False)


def run_refresh(args: argparse.Namespace) -> int:
    """``lock refresh [ENTRY ...]``: re-resolve entries, rewrite only those that changed."""
    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.lockfile.model import LockEntryNotFoundError
    from cleanroomsml_tf.lockfile.store import read

    path = lock_path_from_args(args)
    lock = read(path)
    unknown = [key for key in args.entries if key not in lock.entries]
    if unknown:
        raise LockEntryNotFoundError(path, f"no entry {unknown[0]} (see `cleanroomsml-tf lock "
                                     f"show --lock-file {path}`)")
    keys = args.entries or sorted(lock.entries)
    refs = [lock.entries[key].ref for key in keys]
    if not refs:
        print(f"{path} has no entries; nothing to refresh", file=sys.stderr)
        return 0
    resolver = Resolver(settings_from_args(args).check())
    return _resolve_and_store(refs, resolver, args, replace_only=True)


def _resolve_and_store(refs: Sequence[Any], resolver: Any, args: argparse.Namespace,
                       *, replace_only: bool) -> int:
    from cleanroomsml_tf.lockfile.model import LockFile, new_entry
    from cleanroomsml_tf.lockfile.store import update
    from cleanroomsml_tf.lockfile.synth import resolve_many

    path = lock_path_from_args(args)
    records = resolve_many(refs, resolver, path, concurrency=args.concurrency)
    changed: list[str] = []

    def merge(lock: LockFile) -> bool:
        for ref in refs:
            # refresh must not resurrect an entry someone removed while we were resolving
            if replace_only and ref.key not in lock.entries:
                continue
            if lock.put(new_entry(ref, records[ref.key])):
                changed.append(ref.key)
        return bool(changed)

    update(path, merge)
    for ref in refs:
        record = records[ref.key]
        verb = "locked" if ref.key in changed else "unchanged"
        print(f"{verb:<9} {record.get('name')} version {record.get('version_identifier')} "
              f"status {record.get('status')}  [{ref.key}]")
    print(f"{len(changed)} of {len(refs)} entries written to {path}", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- remove / show


def run_remove(args: argparse.Namespace) -> int:
    """``lock remove ENTRY ...``: drop entries (all must exist, or nothing changes)."""
    from cleanroomsml_tf.lockfile.model import LockEntryNotFoundError, LockFile
    from cleanroomsml_tf.lockfile.store import update

    path = lock_path_from_args(args)

    def drop(lock: LockFile) -> bool:
        for key in args.entries:
            if key not in lock.entries:
                raise LockEntryNotFoundError(path, f"no entry {key}; nothing removed")
        for key in args.entries:
            del lock.entries[key]
        return True

    update(path, drop)
    print(f"removed {len(args.entries)} entries from {path}", file=sys.stderr)
    return 0


def run_show(args: argparse.Namespace) -> int:
    """``lock show``: a table (or the entries as JSON)."""
    from cleanroomsml_tf.lockfile.store import read

    lock = read(lock_path_from_args(args))
    if args.format == "json":
        entries = [lock.entries[key].to_json() | {"key": key} for key in sorted(lock.entries)]
        sys.stdout.write(json.dumps(entries, indent=2, sort_keys=True) + "\n")
        return 0
    sys.stdout.write(format_table(lock))
    return 0


def format_table(lock: Any) -> str:
    """NAME, REQUESTED, VERSION, STATUS, RESOLVED AT, ENTRY columns, sorted by entry key."""
    header = ("NAME", "REQUESTED", "VERSION", "STATUS", "RESOLVED AT", "ENTRY")
    rows = [header]
    for key in sorted(lock.entries):
        entry = lock.entries[key]
        record = entry.record
        rows.append((
            str(record.get("name") or "-"),
            entry.ref.version_identifier or "latest",
            str(record.get("version_identifier") or "-"),
            str(record.get("status") or "-"),
            entry.resolved_at,
            key,
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  " + row[-1]
        for row in rows
    ]
    return "\n".join(lines) + "\n"
