"""Where the lock file is, and whether synth-time resolution may write it.

Read-only mode: with ``CLEANROOMSML_TF_LOCKED=1``, or ``CI=true`` when
``CLEANROOMSML_TF_LOCKED`` is unset, :func:`cleanroomsml_tf.lockfile.synth.resolve_for_synth`
never writes and a missing entry is :class:`LockEntryMissingError`, naming the
``cleanroomsml-tf lock add ...`` command that adds it.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path

from cleanroomsml_tf.lockfile.model import LOCK_FILE_NAME, LockFileError
from cleanroomsml_tf.model.identifiers import ModelRef

CDKTF_FILE_NAME = "cdktf.json"
LOCKED_VARIABLE = "CLEANROOMSML_TF_LOCKED"
"""Set to ``1`` to make synth-time resolution read-only (``0`` turns it off even under CI)."""
_TRUE = ("1", "true", "yes", "on")


class LockEntryMissingError(LockFileError):
    """Read-only mode and the model is not in the lock file; the message names the fix."""

    summary = "Trained model not in the lock file"

    def __init__(self, path: Path | str, ref: ModelRef, command: str) -> None:
        self.ref = ref
        self.command = command
        super().__init__(
            path,
            f"no entry {ref.key} and the lock file is read-only here "
            f"({LOCKED_VARIABLE}=1 or CI=true); add it with: {command}",
        )


def find_project_dir(start: Path | str | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: cwd) holding ``cdktf.json``; else
    ``start`` itself."""
    origin = Path(start or Path.cwd()).resolve()
    for directory in (origin, *origin.parents):
        if (directory / CDKTF_FILE_NAME).is_file():
            return directory
    return origin


class LockNameMissingError(LockFileError):
    """Read-only mode and no locked model of the collaboration has the name asked for."""

    summary = "Trained model not in the lock file"

    def __init__(self, path: Path | str, collaboration_identifier: str, name: str) -> None:
        self.collaboration_identifier = collaboration_identifier
        self.name = name
        super().__init__(
            path,
            f"no entry of collaboration {collaboration_identifier} for a model named {name!r} "
            f"and the lock file is read-only here ({LOCKED_VARIABLE}=1 or CI=true); lock the "
            "model first, where the lock file may be written",
        )


def default_lock_path(start: Path | str | None = None) -> Path:
    """``cleanroomsml.lock.json`` next to the nearest ``cdktf.json`` (or in ``start``/cwd)."""
    return find_project_dir(start) / LOCK_FILE_NAME


def read_only_mode(environ: Mapping[str, str] | None = None) -> bool:
    """True when synth-time resolution must not write the lock file.

    ``CLEANROOMSML_TF_LOCKED`` decides when set (``1``/``true`` = read-only, ``0`` = writable
    even in CI); otherwise ``CI=true`` (what GitHub Actions, GitLab and most CIs set) does.
    """
    env = os.environ if environ is None else environ
    explicit = env.get(LOCKED_VARIABLE, "").strip().lower()
    if explicit:
        return explicit in _TRUE
    return env.get("CI", "").strip().lower() in _TRUE


def add_command(ref: ModelRef, lock_path: Path | None = None) -> str:
    """The exact ``cleanroomsml-tf lock add ...`` command line that locks ``ref``."""
    words = [
        "cleanroomsml-tf", "lock", "add",
        "--trained-model-arn", ref.trained_model_arn,
        "--collaboration-identifier", ref.collaboration_identifier,
    ]
    if ref.version_identifier:
        words += ["--version-identifier", ref.version_identifier]
    if lock_path is not None:
        words += ["--lock-file", str(lock_path)]
    return shlex.join(words)
