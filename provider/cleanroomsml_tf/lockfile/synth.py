"""Synth-time resolution: a locked entry as is, a missing one resolved live and locked.

Like ``cdk.context.json``: ``cdktf synth`` reads the lock file and makes no request for a model
it holds; a model it lacks is resolved and written, unless the lock file is read-only here
(:func:`cleanroomsml_tf.lockfile.project.read_only_mode`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import DEFAULT_CONCURRENCY, ClientSettings
from cleanroomsml_tf.lockfile.model import LockEntry, LockUpdateFailedError, new_entry
from cleanroomsml_tf.lockfile.project import (
    LockEntryMissingError,
    LockNameMissingError,
    add_command,
    default_lock_path,
    read_only_mode,
)
from cleanroomsml_tf.lockfile.store import read, update
from cleanroomsml_tf.model.errors import CleanroomsmlTfError
from cleanroomsml_tf.model.identifiers import ModelRef


def resolve_for_synth(
    ref: ModelRef,
    *,
    lock_path: Path | None = None,
    settings: ClientSettings | None = None,
) -> dict[str, Any]:
    """The normalized record of ``ref`` for ``cdktf synth``, from the lock file.

    A locked entry is returned as is (no request). A missing entry is resolved live and written
    to the lock file, like ``cdk.context.json``; in read-only mode (:func:`read_only_mode`) a
    missing entry raises :class:`LockEntryMissingError` naming the command that adds it.
    """
    ref.validate()
    path = Path(lock_path) if lock_path is not None else default_lock_path()
    entry = read(path, missing_ok=True).entries.get(ref.key)
    if entry is not None:
        return copy.deepcopy(entry.record)
    if read_only_mode():
        # name --lock-file only when the default location would not find this file
        shown = path if path.resolve() != default_lock_path() else None
        raise LockEntryMissingError(path, ref, add_command(ref, shown))
    return add(ref, path, settings=settings).record


def arn_for_name(
    collaboration_identifier: str,
    name: str,
    *,
    lock_path: Path | None = None,
    settings: ClientSettings | None = None,
) -> str:
    """The ARN of the model named ``name`` in the collaboration, for ``cdktf synth``.

    A lock file entry of that collaboration whose record has that name answers without a
    request (so a locked, read-only CI synth makes none). Otherwise the collaboration is listed
    (:meth:`Resolver.trained_model_arn_by_name`: none or several with that name is an error),
    unless the lock file is read-only here (:class:`LockNameMissingError`).
    """
    from cleanroomsml_tf.model.errors import AmbiguousModelNameError
    from cleanroomsml_tf.model.identifiers import validate_field, validate_name

    validate_field("collaboration_identifier", collaboration_identifier)
    validate_name(name)
    path = Path(lock_path) if lock_path is not None else default_lock_path()
    locked = dict.fromkeys(
        entry.record["trained_model_arn"] for entry in read(path, missing_ok=True).entries.values()
        if entry.ref.collaboration_identifier == collaboration_identifier
        and entry.record.get("name") == name)
    if len(locked) == 1:
        return str(next(iter(locked)))
    if len(locked) > 1:
        raise AmbiguousModelNameError(collaboration_identifier, name, list(locked))
    if read_only_mode():
        raise LockNameMissingError(path, collaboration_identifier, name)
    return Resolver(settings).trained_model_arn_by_name(collaboration_identifier, name)


def add(ref: ModelRef, path: Path, *, settings: ClientSettings | None = None) -> LockEntry:
    """Resolve ``ref`` live and lock it (replacing an existing entry). Returns the entry."""
    record = Resolver(settings).get_trained_model(ref)  # validates the ref first
    entry = new_entry(ref, record)
    result = update(path, lambda lock: lock.put(entry))
    return result.entries[ref.key]


def resolve_many(
    refs: Sequence[ModelRef], resolver: Resolver, path: Path | str, *,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> dict[str, dict[str, Any]]:
    """Resolve ``refs`` concurrently through one resolver (:meth:`Resolver.get_many`):
    ``{ref.key: record}``.

    All or nothing: when any fails, :class:`LockUpdateFailedError` names the first failure (in
    ``refs`` order) and how many others failed, so callers write nothing.
    """
    outcomes = resolver.get_many(refs, concurrency=concurrency)
    unexpected = [o for o in outcomes
                  if isinstance(o, Exception) and not isinstance(o, CleanroomsmlTfError)]
    if unexpected:
        raise unexpected[0]
    failures = [o for o in outcomes if isinstance(o, CleanroomsmlTfError)]
    if failures:
        raise LockUpdateFailedError(path, failures[0], len(failures) - 1)
    return {ref.key: outcome for ref, outcome in zip(refs, outcomes, strict=True)
            if not isinstance(outcome, Exception)}
