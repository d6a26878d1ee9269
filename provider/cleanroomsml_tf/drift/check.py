"""Drift: re-resolve every lock-file entry and compare it with what was locked.

An entry *drifts* when

* a pinned field differs (:data:`~cleanroomsml_tf.drift.fields.DEFAULT_FIELDS`, or the dotted
  paths given to ``--fields``);
* the model (or the pinned version) no longer exists (:class:`ModelNotFoundError`);
* it was locked as "latest" and the live latest is another version (its ``version_identifier``
  or, for models without versions, its ``create_time`` differs).

An entry is *unchecked* when resolving it failed any other way (endpoint unreachable, access
denied, throttled after every retry, timed out...): the check itself failed for it.

Exit codes (:attr:`DriftReport.exit_code`) follow ``terraform plan -detailed-exitcode``: 0 no
drift, 2 drift, 1 the check failed. Drift found beside unchecked entries is still 1: the report
is incomplete, and a green-or-red signal must not hide that some models went unchecked.

Entries are looked up concurrently through one resolver
(:meth:`cleanroomsml_tf.aws.resolver.Resolver.get_many`: one shared, thread-safe botocore client
and connection pool, a bounded thread pool).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cleanroomsml_tf.aws.settings import DEFAULT_CONCURRENCY, ClientSettings
from cleanroomsml_tf.drift.fields import DEFAULT_FIELDS
from cleanroomsml_tf.lockfile.model import LockEntry, LockFile
from cleanroomsml_tf.model import record as record_table
from cleanroomsml_tf.model.errors import CleanroomsmlTfError, ModelNotFoundError
from cleanroomsml_tf.model.identifiers import ModelRef
from cleanroomsml_tf.output.redaction import redact

EXIT_CLEAN = 0
EXIT_FAILED = 1
EXIT_DRIFT = 2

FindingKind = Literal["changed", "missing", "new_version"]
Outcome = Literal["clean", "drifted", "unchecked"]


# --------------------------------------------------------------------------- sharding


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based, like ``--shard 2/4``).

    An entry belongs to the shard picked by the SHA-256 of its key: deterministic on every
    machine, complete and disjoint, and an entry stays in its shard when others are added.
    """

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"I/N"`` with 1 <= I <= N; ValueError otherwise."""
        left, sep, right = text.partition("/")
        try:
            index, count = int(left), int(right)
        except ValueError:
            index = count = 0
        if not sep or count < 1 or not 1 <= index <= count:
            raise ValueError(f"invalid shard {text!r}: expected I/N with 1 <= I <= N, e.g. 1/4")
        return cls(index, count)

    def owns(self, key: str) -> bool:
        """True when the entry with this key belongs to this shard."""
        return shard_of(key, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(key: str, count: int) -> int:
    """The 1-based shard an entry key falls into among ``count``."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Finding:
    """One difference between the locked record and the live one."""

    kind: FindingKind
    field: str | None
    locked: Any = None
    live: Any = None

    def message(self) -> str:
        """One line: what changed, from what, to what."""
        if self.kind == "missing":
            return "no longer exists (not found)"
        if self.kind == "new_version":
            return (
                f"newer version: locked {self.field} {_show(self.locked)}, "
                f"live latest {_show(self.live)}"
            )
        return f"{self.field}: locked {_show(self.locked)}, live {_show(self.live)}"


def _show(value: Any) -> str:
    return "null" if value is None else str(value)


@dataclass(frozen=True)
class EntryResult:
    """The outcome for one entry: clean, drifted (with findings) or unchecked (with the error)."""

    entry: LockEntry
    outcome: Outcome
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    error_kind: str | None = None

    @property
    def key(self) -> str:
        """The entry key."""
        return self.entry.key

    @property
    def name(self) -> str:
        """The model's name as locked (the ARN when it has none)."""
        return self.entry.record.get("name") or self.entry.ref.trained_model_arn


@dataclass(frozen=True)
class NewModel:
    """A model listed in a watched collaboration that the lock file does not hold."""

    collaboration_identifier: str
    trained_model_arn: str
    name: str | None = None
    status: str | None = None

    @property
    def key(self) -> str:
        """The key ``lock add`` would give it (locked as latest)."""
        return ModelRef(self.trained_model_arn, self.collaboration_identifier).key

    @property
    def adopt_command(self) -> str:
        """The ``cleanroomsml-tf lock add ...`` command that locks it."""
        from cleanroomsml_tf.lockfile.project import add_command

        return add_command(ModelRef(self.trained_model_arn, self.collaboration_identifier))

    def message(self) -> str:
        """One line: what appeared, and the command that adopts it."""
        return (f"new model in watched collaboration {self.collaboration_identifier}, not "
                f"locked (status {_show(self.status)}); adopt it with: {self.adopt_command}")


@dataclass(frozen=True)
class DriftReport:
    """Every entry's result, in key order, plus what was checked."""

    lock_path: str
    fields: tuple[str, ...]
    results: tuple[EntryResult, ...]
    total_entries: int
    shard: Shard | None = None
    duration_s: float = 0.0
    new_models: tuple[NewModel, ...] = ()
    """Models that appeared in watched collaborations (drift: exit 2)."""
    watch_errors: tuple[str, ...] = ()
    """Watched collaborations that could not be listed (the check failed: exit 1)."""
    watched: int = 0
    """How many collaborations the lock file watches."""

    def by_outcome(self, outcome: Outcome) -> list[EntryResult]:
        """The results with that outcome."""
        return [r for r in self.results if r.outcome == outcome]

    @functools.cached_property
    def display_names(self) -> dict[str, str]:
        """``{entry key: short display name}``, distinct within this report (every format
        shows these; see :mod:`cleanroomsml_tf.display_names`)."""
        from cleanroomsml_tf.lockfile.display import Identity, display_names, identity_of

        identities = [identity_of(r.entry) for r in self.results]
        identities += [Identity(m.key, m.name, m.collaboration_identifier, m.trained_model_arn,
                                None) for m in self.new_models]
        return display_names(identities)

    def display_name(self, result: EntryResult) -> str:
        """The display name of one result's entry."""
        return self.display_names[result.key]

    @property
    def exit_code(self) -> int:
        """0 no drift, 2 drift, 1 something could not be checked (even beside drift)."""
        if self.by_outcome("unchecked") or self.watch_errors:
            return EXIT_FAILED
        return EXIT_DRIFT if self.by_outcome("drifted") or self.new_models else EXIT_CLEAN

    def summary(self) -> str:
        """``3 entries checked: 1 drifted, 0 unchecked, 2 clean``."""
        scope = f" (shard {self.shard} of {self.total_entries} entries)" if self.shard else ""
        text = (
            f"{len(self.results)} entries checked{scope}: "
            f"{len(self.by_outcome('drifted'))} drifted, "
            f"{len(self.by_outcome('unchecked'))} could not be checked, "
            f"{len(self.by_outcome('clean'))} clean"
        )
        if self.watched or self.new_models or self.watch_errors:
            count = len(self.new_models)
            text += f"; {count} new model{'' if count == 1 else 's'} in watched collaborations"
            if self.watch_errors:
                text += f" ({len(self.watch_errors)} could not be listed)"
        return text


# --------------------------------------------------------------------------- comparing


def compare(entry: LockEntry, live: dict[str, Any], fields: Sequence[str]) -> list[Finding]:
    """The findings for one entry given its live record."""
    findings: list[Finding] = []
    skip: set[str] = set()
    if entry.follows_latest:
        newer = _newer_version(entry.record, live)
        if newer is not None:
            findings.append(newer)
            skip.add("version_identifier")
    for path in fields:
        if path in skip:
            continue
        locked = record_table.get_path(entry.record, path)
        current = record_table.get_path(live, path)
        if locked != current:
            findings.append(Finding("changed", path, locked, current))
    return findings


def _newer_version(locked: dict[str, Any], live: dict[str, Any]) -> Finding | None:
    # Models trained before versioning have no version_identifier: create_time tells them apart.
    for path in ("version_identifier", "create_time"):
        if locked.get(path) != live.get(path):
            return Finding("new_version", path, locked.get(path), live.get(path))
    return None


def entry_result(
    entry: LockEntry, outcome: dict[str, Any] | Exception, fields: Sequence[str]
) -> EntryResult:
    """One entry's result given its lookup's outcome (the live record, or the error the lookup
    raised): a failed lookup is a result too, never an exception."""
    if isinstance(outcome, ModelNotFoundError):
        return EntryResult(entry, "drifted", (Finding("missing", None),))
    if isinstance(outcome, CleanroomsmlTfError):
        return EntryResult(entry, "unchecked", error=redact(str(outcome)),
                           error_kind=outcome.summary)
    if isinstance(outcome, Exception):  # one broken entry must not sink the whole report
        message = redact(f"{type(outcome).__name__}: {outcome}")
        return EntryResult(entry, "unchecked", error=message, error_kind="internal error")
    findings = tuple(compare(entry, outcome, fields))
    return EntryResult(entry, "drifted" if findings else "clean", findings)


def check_drift(
    lock: LockFile,
    *,
    settings: ClientSettings | None = None,
    resolver: Any = None,
    fields: Sequence[str] = DEFAULT_FIELDS,
    concurrency: int = DEFAULT_CONCURRENCY,
    shard: Shard | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DriftReport:
    """Check every entry of ``lock`` (or of one shard of it) and return the report.

    ``resolver`` defaults to a :class:`Resolver` over ``settings`` whose connection pool is at
    least ``concurrency`` wide (a smaller pool would make workers queue for sockets).
    """
    started = time.perf_counter()
    entries = sorted(lock.entries.values(), key=lambda e: e.key)
    if shard is not None:
        entries = [e for e in entries if shard.owns(e.key)]
    if resolver is None:
        resolver = _resolver(settings, concurrency)
    results = _run(entries, resolver, tuple(fields), max(1, concurrency), progress)
    new_models, watch_errors = check_watches(lock, resolver, shard)
    return DriftReport(
        lock_path=str(lock.path),
        fields=tuple(fields),
        results=tuple(sorted(results, key=lambda r: r.key)),
        total_entries=len(lock.entries),
        shard=shard,
        duration_s=time.perf_counter() - started,
        new_models=new_models,
        watch_errors=watch_errors,
        watched=len(lock.watched),
    )


def check_watches(
    lock: LockFile, resolver: Any, shard: Shard | None = None
) -> tuple[tuple[NewModel, ...], tuple[str, ...]]:
    """List every watched collaboration (of this shard: owned by the hash of its ID) and return
    (models neither known to the watch nor locked there, errors of listings that failed)."""
    new: list[NewModel] = []
    errors: list[str] = []
    for collaboration, watch in sorted(lock.watched.items()):
        if shard is not None and not shard.owns(collaboration):
            continue
        try:
            summaries = resolver.list_trained_models(collaboration)
        except CleanroomsmlTfError as error:
            errors.append(f"watched collaboration {collaboration} could not be listed: "
                          f"{error.summary.lower()}: {error}")
            continue
        seen = {e.ref.trained_model_arn for e in lock.entries.values()
                if e.ref.collaboration_identifier == collaboration}
        seen.update(watch.known_trained_model_arns)
        for summary in summaries:  # one summary per version: report each model once
            arn = summary["trained_model_arn"]
            if arn not in seen:
                seen.add(arn)
                new.append(NewModel(collaboration, arn, summary.get("name"),
                                    summary.get("status")))
    return tuple(sorted(new, key=lambda m: m.key)), tuple(errors)


def _resolver(settings: ClientSettings | None, concurrency: int) -> Any:
    from cleanroomsml_tf.aws.resolver import Resolver

    settings = settings or ClientSettings()
    if settings.max_pool_connections < concurrency:
        settings = dataclasses.replace(settings, max_pool_connections=concurrency)
    return Resolver(settings)


def _run(
    entries: Sequence[LockEntry],
    resolver: Any,
    fields: tuple[str, ...],
    concurrency: int,
    progress: Callable[[int, int], None] | None,
) -> list[EntryResult]:
    outcomes = resolver.get_many([entry.ref for entry in entries], concurrency=concurrency,
                                 progress=progress)
    return [entry_result(entry, outcome, fields)
            for entry, outcome in zip(entries, outcomes, strict=True)]
