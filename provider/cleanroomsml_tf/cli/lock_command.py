"""``cleanroomsml-tf lock``: add, refresh, remove and show lock-file entries.

Entries are named by key, model name or trained model ID
(:mod:`cleanroomsml_tf.lockfile.addressing`).
Resolution happens outside the file lock (it can take a while); the results are merged into the
lock file under the lock, atomically (:mod:`cleanroomsml_tf.lockfile.updates`): every model that
resolved is written, every one that did not keeps its entry unchanged and is named with the
reason (exit 1), and ``refresh --prune`` removes the entries of deleted models.
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
        description="Re-resolve entries (none named = all) and rewrite those that changed. An "
        "entry that cannot be resolved keeps its locked record and is named (exit 1); the "
        "others are written all the same.",
    )
    refresh.add_argument("entries", nargs="*", metavar="ENTRY", help=_ENTRY_HELP)
    refresh.add_argument(
        "--prune", action="store_true",
        help="remove the entries of models (or pinned versions) that no longer exist",
    )
    _common(refresh)
    refresh.set_defaults(handler=run_refresh)

    remove = actions.add_parser("remove", help="drop entries from the lock file")
    remove.add_argument("entries", nargs="+", metavar="ENTRY", help=_ENTRY_HELP)
    add_lock_file_option(remove)
    remove.set_defaults(handler=run_remove)

    show = actions.add_parser("show", help="list the locked entries")
    show.add_argument("--format", choices=("table", "json"), default="table")
    add_lock_file_option(show)
    show.set_defaults(handler=run_show)

    unwatch = actions.add_parser(
        "unwatch", help="stop watching collaborations for new models",
        description="Forget collaborations that `lock add --all` watches; their entries stay.",
    )
    unwatch.add_argument("collaborations", nargs="+", metavar="COLLABORATION_ID")
    add_lock_file_option(unwatch)
    unwatch.set_defaults(handler=run_unwatch)


_ENTRY_HELP = ("entry key (see lock show), or the model's name or trained model ID when only one "
               "entry has it")


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
    _ = resolver.connection  # no region, profile or credentials: one line, before any request
    if args.all:
        collaboration = validate_field("collaboration_identifier", args.collaboration_identifier)
        arns = sorted({s["trained_model_arn"] for s in resolver.list_trained_models(collaboration)})
        refs = [ModelRef(arn, collaboration) for arn in arns]
        if not refs:
            print(f"collaboration {collaboration} has no trained models; nothing locked",
                  file=sys.stderr)
    else:
        refs = [ModelRef(args.trained_model_arn, args.collaboration_identifier,
                         args.version_identifier).validate()]
    return _resolve_and_store(refs, resolver, args, replace_only=False, watch=args.all)


def run_refresh(args: argparse.Namespace) -> int:
    """``lock refresh [ENTRY ...] [--prune]``: re-resolve entries, rewrite those that changed,
    keep (or with --prune remove) those that cannot be resolved."""
    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.lockfile.addressing import resolve_addresses
    from cleanroomsml_tf.lockfile.store import read

    path = lock_path_from_args(args)
    lock = read(path)
    keys = resolve_addresses(lock.entries, args.entries, path) if args.entries \
        else sorted(lock.entries)
    refs = [lock.entries[key].ref for key in keys]
    if not refs:
        print(f"{path} has no entries; nothing to refresh", file=sys.stderr)
        return 0
    resolver = Resolver(settings_from_args(args).check())
    _ = resolver.connection  # no region, profile or credentials: one line, before any request
    return _resolve_and_store(refs, resolver, args, replace_only=True, prune=args.prune)


def _resolve_and_store(refs: Sequence[Any], resolver: Any, args: argparse.Namespace,
                       *, replace_only: bool, prune: bool = False, watch: bool = False) -> int:
    from cleanroomsml_tf.lockfile.updates import record_watches, resolve_each, store

    path = lock_path_from_args(args)
    resolutions = resolve_each(refs, resolver, concurrency=args.concurrency)
    names = _names(path, resolutions)  # before pruning: a pruned entry keeps its name
    watched = args.collaboration_identifier if watch else None
    result = store(path, resolutions, replace_only=replace_only, prune=prune,
                   mutate_more=None if replace_only else record_watches(resolutions, watched))
    if watched:
        print(f"watching collaboration {watched}: `drift` reports models that appear in it and "
              "are not locked", file=sys.stderr)
    if not refs:
        return 0
    from cleanroomsml_tf.output.escape import terminal
    from cleanroomsml_tf.output.redaction import redact

    written = set(result.written)
    for resolution in resolutions:
        key = resolution.ref.key
        if resolution.record is not None and key not in result.vanished:
            verb = "locked" if key in written else "unchanged"
            print(terminal(f"{verb:<9} {names[key]}  {_version(resolution.record)}  status "
                           f"{resolution.record.get('status')}  [{key}]"))
    for resolution in result.pruned:
        key = resolution.ref.key
        print(terminal(f"removed   {names[key]}  (no longer exists; pruned)  [{key}]"))
    for key in result.vanished:
        print(terminal(f"cleanroomsml-tf lock: {names[key]} was removed from {path} meanwhile; "
                       f"not re-added  [{key}]"), file=sys.stderr)
    for resolution in result.failed:
        key = resolution.ref.key
        kept = "kept unchanged" if replace_only else "not locked"
        hint = "; `lock refresh --prune` removes it" if replace_only and resolution.deleted \
            else ""
        print(terminal(redact(f"cleanroomsml-tf lock: {names[key]} {kept}{hint} [{key}]: "
                              f"{resolution.reason}")), file=sys.stderr)
    summary = f"{len(result.written)} of {len(refs)} entries written to {path}"
    if result.pruned:
        summary += f", {len(result.pruned)} removed (pruned)"
    if result.failed:
        summary += f"; {len(result.failed)} could not be resolved"
        if not result.written and not result.pruned:
            summary += f", nothing was written to {path}"
    print(summary, file=sys.stderr)
    return 1 if result.failed else 0


def _names(path: Path, resolutions: Sequence[Any]) -> dict[str, str]:
    """Display names for the refs of one command, over the whole lock file (a name is
    qualified when another entry shares it)."""
    from cleanroomsml_tf.lockfile.display import Identity, display_names, identity_of
    from cleanroomsml_tf.lockfile.store import read

    identities = {key: identity_of(entry)
                  for key, entry in read(path, missing_ok=True).entries.items()}
    for resolution in resolutions:
        ref, record = resolution.ref, resolution.record
        if ref.key not in identities:
            name = record.get("name") if record else None
            identities[ref.key] = Identity(ref.key, name, ref.collaboration_identifier,
                                           ref.trained_model_arn, ref.version_identifier)
    return display_names(identities.values())


def _version(record: dict[str, Any]) -> str:
    """``version V``, or ``unversioned`` for a model trained before versions existed."""
    version = record.get("version_identifier")
    return f"version {version}" if version else "unversioned"


# --------------------------------------------------------------------------- remove / show


def run_remove(args: argparse.Namespace) -> int:
    """``lock remove ENTRY ...``: drop entries (every one must be found, or nothing changes)."""
    from cleanroomsml_tf.lockfile.addressing import resolve_addresses
    from cleanroomsml_tf.lockfile.model import LockFile
    from cleanroomsml_tf.lockfile.store import read, update

    path = lock_path_from_args(args)
    read(path)  # a missing or broken lock file: refused before taking the lock
    removed: list[str] = []

    def drop(lock: LockFile) -> bool:
        removed[:] = resolve_addresses(lock.entries, args.entries, path)
        for key in removed:
            del lock.entries[key]
        return True

    update(path, drop)
    for key in removed:
        print(f"removed   {key}")
    print(f"removed {len(removed)} entries from {path}", file=sys.stderr)
    return 0


def run_unwatch(args: argparse.Namespace) -> int:
    """``lock unwatch ID ...``: forget watches (every one must exist, or nothing changes)."""
    from cleanroomsml_tf.lockfile.model import LockEntryNotFoundError, LockFile
    from cleanroomsml_tf.lockfile.store import read, update

    path = lock_path_from_args(args)
    read(path)  # a missing or broken lock file: refused before taking the lock

    def forget(lock: LockFile) -> bool:
        for collaboration in args.collaborations:
            if collaboration not in lock.watched:
                shown = collaboration if collaboration.isprintable() else repr(collaboration)
                watched = ", ".join(sorted(lock.watched)) or "none"
                raise LockEntryNotFoundError(
                    path, f"collaboration {shown} is not watched (watched: {watched}); "
                    "nothing changed")
        for collaboration in args.collaborations:
            del lock.watched[collaboration]
        return True

    update(path, forget)
    for collaboration in args.collaborations:
        print(f"stopped watching collaboration {collaboration}")
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
    for collaboration, watch in sorted(lock.watched.items()):  # stderr: stdout is the table
        print(f"watching collaboration {collaboration} (locked whole at {watch.added_at}; "
              f"{len(watch.known_trained_model_arns)} models known)", file=sys.stderr)
    return 0


def format_table(lock: Any) -> str:
    """NAME, REQUESTED, VERSION, STATUS, RESOLVED AT, ENTRY columns, sorted by entry key;
    control characters in the service's text escaped."""
    from cleanroomsml_tf.output.escape import terminal

    header = ("NAME", "REQUESTED", "VERSION", "STATUS", "RESOLVED AT", "ENTRY")
    rows: list[tuple[str, ...]] = [header]
    for key in sorted(lock.entries):
        entry = lock.entries[key]
        record = entry.record
        rows.append(tuple(terminal(cell) for cell in (
            record.get("name") or "-",
            entry.ref.version_identifier or "latest",
            record.get("version_identifier") or "-",
            record.get("status") or "-",
            entry.resolved_at,
            key,
        )))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  " + row[-1]
        for row in rows
    ]
    return "\n".join(lines) + "\n"
