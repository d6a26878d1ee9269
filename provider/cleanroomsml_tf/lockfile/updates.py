"""Resolve many lock-file entries and store what could be resolved, losing nothing.

``lock add`` and ``lock refresh`` resolve their models concurrently through one resolver, then
merge the results into the lock file under its lock, atomically:

* every model that resolved is written (or left byte-identical when its record is unchanged);
* every model that could not be resolved (deleted, access denied, throttled, unreachable...)
  keeps its entry exactly as it was, and is reported by name with the reason;
* with ``prune``, entries whose model (or pinned version) no longer exists are removed, and
  reported as removed.

Nothing already locked is lost: a failure never drops or rewrites another entry.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanroomsml_tf.lockfile.model import LockFile, Watch, new_entry
from cleanroomsml_tf.lockfile.store import update
from cleanroomsml_tf.model import record as record_table
from cleanroomsml_tf.model.errors import CleanroomsmlTfError, ModelNotFoundError
from cleanroomsml_tf.model.identifiers import ModelRef


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one ref: a record, or the error that stopped it."""

    ref: ModelRef
    record: dict[str, Any] | None = None
    error: CleanroomsmlTfError | None = None

    @property
    def deleted(self) -> bool:
        """True when the model (or the pinned version) no longer exists."""
        return isinstance(self.error, ModelNotFoundError)

    @property
    def reason(self) -> str:
        """Why it failed, in a few words first (``deleted``, ``access denied``, ``throttled``)."""
        if self.error is None:
            return ""
        kind = "deleted" if self.deleted else self.error.summary.lower()
        return f"{kind}: {self.error}"


@dataclass
class StoreResult:
    """What :func:`store` did, entry by entry (keys)."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[Resolution] = field(default_factory=list)
    pruned: list[Resolution] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    """Refreshed entries removed from the file by someone else meanwhile (not re-added)."""


def record_watches(
    resolutions: Sequence[Resolution], collaboration: str | None
) -> Callable[[LockFile], bool]:
    """A ``mutate_more`` for ``lock add``: with ``collaboration`` (``--all``), watch it, knowing
    every model that resolved; without, make each resolved model known to the watch of its
    collaboration, if any (so removing its entry later does not make it "new")."""

    def mutate(lock: LockFile) -> bool:
        resolved = [r.ref for r in resolutions if r.record is not None]
        changed = False
        if collaboration is not None:
            previous = lock.watched.get(collaboration, Watch(_now()))
            lock.watched[collaboration] = Watch(_now(), previous.known_trained_model_arns) \
                .knowing(ref.trained_model_arn for ref in resolved)
            changed = True
        for ref in resolved:
            watch = lock.watched.get(ref.collaboration_identifier)
            if watch is not None and ref.trained_model_arn not in watch.known_trained_model_arns:
                lock.watched[ref.collaboration_identifier] = watch.knowing([ref.trained_model_arn])
                changed = True
        return changed

    return mutate


def _now() -> str:
    """Now, RFC 3339 UTC to the second (the format of ``resolved_at``)."""
    moment = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    return record_table.format_timestamp(moment)


def resolve_each(
    refs: Sequence[ModelRef], resolver: Any, *, concurrency: int
) -> list[Resolution]:
    """Resolve every ref concurrently through one resolver (its ``get_many``); one
    :class:`Resolution` per ref, in ``refs`` order. Lookup errors are outcomes, never raised."""
    outcomes = resolver.get_many(refs, concurrency=concurrency)
    unexpected = [o for o in outcomes
                  if isinstance(o, Exception) and not isinstance(o, CleanroomsmlTfError)]
    if unexpected:
        raise unexpected[0]
    return [Resolution(ref, error=outcome) if isinstance(outcome, CleanroomsmlTfError)
            else Resolution(ref, record=outcome)
            for ref, outcome in zip(refs, outcomes, strict=True)]


def store(
    path: Path | str,
    resolutions: Sequence[Resolution],
    *,
    replace_only: bool,
    prune: bool = False,
    mutate_more: Callable[[LockFile], bool] | None = None,
) -> StoreResult:
    """Merge ``resolutions`` into the lock file at ``path`` (under its lock, one atomic write).

    ``replace_only`` (refresh): never re-add an entry someone removed while we were resolving.
    ``prune``: remove the entries whose model no longer exists. ``mutate_more(lock) -> bool``
    may change the lock file in the same write (``lock add --all`` records its watch there).
    """
    result = StoreResult()

    def merge(lock: LockFile) -> bool:
        changed = False
        for resolution in resolutions:
            key = resolution.ref.key
            if replace_only and key not in lock.entries:
                result.vanished.append(key)
            elif resolution.record is not None:
                if lock.put(new_entry(resolution.ref, resolution.record)):
                    result.written.append(key)
                    changed = True
                else:
                    result.unchanged.append(key)
            elif prune and resolution.deleted and key in lock.entries:
                del lock.entries[key]
                result.pruned.append(resolution)
                changed = True
            else:
                result.failed.append(resolution)
        if mutate_more is not None:
            changed = bool(mutate_more(lock)) or changed
        return changed

    update(path, merge)
    return result
