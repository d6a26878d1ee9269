"""The lock file ``cleanroomsml.lock.json``: trained-model records pinned for synth and drift.

Format (version :data:`FORMAT_VERSION`)::

    {
      "entries": {
        "<collaboration>/<trained model ARN>@<version or latest>": {
          "ref": {"collaboration_identifier": ..., "trained_model_arn": ...,
                  "version_identifier": null | "<version>"},
          "record": { ...the normalized record (model/record.py)... },
          "resolved_at": "2026-09-01T08:00:00Z"
        }
      },
      "format_version": 1
    }

The entry key is :attr:`~cleanroomsml_tf.model.identifiers.ModelRef.key`;
``ref.version_identifier`` is ``null`` for an entry that follows the latest version. Nothing
else is stored: no endpoint, region, profile or credential, so one lock file works against AWS
and the local endpoint alike and can never leak a secret.

This module holds the data (entries, the lock file, their errors); reading, validating and
writing are :mod:`cleanroomsml_tf.lockfile.store`, where the file is and whether it may be
written :mod:`cleanroomsml_tf.lockfile.project`, synth-time resolution
:mod:`cleanroomsml_tf.lockfile.synth`.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanroomsml_tf.model import record as record_table
from cleanroomsml_tf.model.errors import CleanroomsmlTfError
from cleanroomsml_tf.model.identifiers import ModelRef
from cleanroomsml_tf.model.json_schemas import LOCK_FILE_FORMAT_VERSION as FORMAT_VERSION

LOCK_FILE_NAME = "cleanroomsml.lock.json"


class LockFileError(CleanroomsmlTfError):
    """The lock file cannot be used (unreadable, corrupt, hand-broken, wrong version)."""

    summary = "Invalid lock file"

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"lock file {self.path}: {reason}")


class LockEntryNotFoundError(LockFileError):
    """A command named an entry key the lock file does not have."""

    summary = "No such lock file entry"


class LockUpdateFailedError(CleanroomsmlTfError):
    """Some model could not be resolved for ``lock add``/``refresh``; nothing was written."""

    summary = "Lock file not updated"

    def __init__(self, path: Path | str, cause: CleanroomsmlTfError, others: int) -> None:
        self.path = Path(path)
        self.cause = cause
        more = f" (and {others} more)" if others else ""
        super().__init__(f"{cause}{more}; nothing was written to {self.path}")


@dataclass(frozen=True)
class LockEntry:
    """One locked model: what was asked for, what it resolved to, and when."""

    ref: ModelRef
    record: dict[str, Any]
    resolved_at: str

    @property
    def key(self) -> str:
        """The entry's key in the file (:attr:`ModelRef.key`)."""
        return self.ref.key

    @property
    def follows_latest(self) -> bool:
        """True when the entry was locked as "latest" (no version requested)."""
        return self.ref.version_identifier is None

    def to_json(self) -> dict[str, Any]:
        """The entry as stored in the file."""
        return {
            "ref": {
                "collaboration_identifier": self.ref.collaboration_identifier,
                "trained_model_arn": self.ref.trained_model_arn,
                "version_identifier": self.ref.version_identifier,
            },
            "record": self.record,
            "resolved_at": self.resolved_at,
        }


@dataclass(frozen=True)
class Watch:
    """A collaboration locked whole (``lock add --all``): when, and the models it held then (or
    locked since). Drift reports the models listed there that are neither known nor locked."""

    added_at: str
    known_trained_model_arns: tuple[str, ...] = ()

    def knowing(self, arns: Iterable[str]) -> Watch:
        """This watch with ``arns`` known too (sorted, each once)."""
        return Watch(self.added_at, tuple(sorted({*self.known_trained_model_arns, *arns})))

    def to_json(self) -> dict[str, Any]:
        """The watch as stored in the file."""
        return {"added_at": self.added_at,
                "known_trained_model_arns": list(self.known_trained_model_arns)}


@dataclass
class LockFile:
    """The parsed lock file. ``entries`` is keyed by :attr:`ModelRef.key`; ``watched`` by
    collaboration ID."""

    path: Path
    entries: dict[str, LockEntry] = field(default_factory=dict)
    watched: dict[str, Watch] = field(default_factory=dict)

    def put(self, entry: LockEntry) -> bool:
        """Add or replace an entry; False (and nothing changes) when its record is unchanged.

        Keeping ``resolved_at`` when nothing changed makes a no-op refresh a byte-identical file.
        """
        current = self.entries.get(entry.key)
        if current is not None and current.record == entry.record:
            return False
        self.entries[entry.key] = entry
        return True

    def to_json(self) -> dict[str, Any]:
        """The whole document as stored."""
        document: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "entries": {key: entry.to_json() for key, entry in self.entries.items()},
        }
        if self.watched:  # absent when empty: files without watches stay as they were
            document["watched_collaborations"] = {
                collaboration: watch.to_json() for collaboration, watch in self.watched.items()}
        return document

    def dumps(self) -> str:
        """Stable text: sorted keys, two-space indent, trailing newline (small diffs)."""
        return json.dumps(self.to_json(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def new_entry(
    ref: ModelRef, record: Mapping[str, Any], now: _dt.datetime | None = None
) -> LockEntry:
    """An entry for ``record`` resolved now (``resolved_at`` to the second, RFC 3339 UTC)."""
    moment = (now or _dt.datetime.now(_dt.UTC)).replace(microsecond=0)
    return LockEntry(ref, copy.deepcopy(dict(record)), record_table.format_timestamp(moment))
