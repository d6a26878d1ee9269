"""Reading, validating and writing the lock file (format: :mod:`cleanroomsml_tf.lockfile.model`).

Every read validates against the shipped JSON Schema (``schemas/lockfile.schema.json``, from
:func:`cleanroomsml_tf.model.json_schemas.lockfile_json_schema`) and then checks that each key
matches its ``ref`` and its record; a file that fails is refused whole with
:class:`~cleanroomsml_tf.lockfile.model.LockFileError` (path + reason). Writes are atomic
(:mod:`cleanroomsml_tf.output.atomic`) and read-modify-write cycles hold an exclusive ``fcntl``
lock on the sidecar file ``.cleanroomsml.lock.json.lck``, so concurrent writers (two ``cdktf
synth`` runs, ``lock add`` beside a synth) never lose each other's entries.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from cleanroomsml_tf.lockfile.model import (
    FORMAT_VERSION,
    LockEntry,
    LockFile,
    LockFileError,
    Watch,
)
from cleanroomsml_tf.model import record as record_table
from cleanroomsml_tf.model.identifiers import ModelRef
from cleanroomsml_tf.model.json_schemas import LOCK_FILE as LOCK_FILE_SCHEMA
from cleanroomsml_tf.model.json_schemas import validator
from cleanroomsml_tf.output.atomic import atomic_write_text


def read(path: Path | str, *, missing_ok: bool = False) -> LockFile:
    """Parse and validate the lock file at ``path``; refuse it whole on any problem.

    A missing file is an empty lock file when ``missing_ok``, else a :class:`LockFileError`.
    """
    path = Path(path)
    try:
        # Opening a FIFO with no writer would block forever: only regular files (or links to
        # them) are read; a directory keeps OSError's own message below.
        mode = path.stat().st_mode
        if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
            raise LockFileError(path, "is not a regular file (a FIFO or device cannot be a "
                                "lock file)")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return LockFile(path)
        raise LockFileError(
            path, "does not exist (create it with `cleanroomsml-tf lock add ...`)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise LockFileError(path, f"cannot be read: {error}") from None
    return parse(text, path)


def parse(text: str, path: Path | str) -> LockFile:
    """Parse lock-file text (``path`` is for messages and the result).

    Valid JSON can still be hostile: a number of thousands of digits, nesting deeper than the
    parser's stack, a lone surrogate (``"\\ud800"``: valid JSON, not valid Unicode). Each is
    refused with one line naming the file and the problem, never a traceback.
    """
    path = Path(path)
    try:
        document = json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
    except _DuplicateKeyError as error:
        raise LockFileError(path, f"duplicate key {error.key!r} (a bad merge?)") from None
    except json.JSONDecodeError as error:
        raise LockFileError(
            path, f"is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise LockFileError(path, _TOO_DEEP) from None
    except ValueError:  # int("9" * 5000): Python's limit on digits of an integer
        raise LockFileError(
            path, f"holds a number with more than {sys.get_int_max_str_digits()} digits; a "
            "lock file has none") from None
    _refuse_hostile_text(document, path)
    try:
        _validate_schema(document, path)
        entries = {
            key: _entry_from_json(key, value, path) for key, value in document["entries"].items()
        }
        watched = {
            collaboration: _watch_from_json(collaboration, value, path)
            for collaboration, value in document.get("watched_collaborations", {}).items()
        }
    except RecursionError:
        raise LockFileError(path, _TOO_DEEP) from None
    return LockFile(path, entries, watched)


def _watch_from_json(collaboration: str, value: Mapping[str, Any], path: Path) -> Watch:
    from cleanroomsml_tf.model.errors import InvalidInputError
    from cleanroomsml_tf.model.identifiers import validate_field

    shown = collaboration if collaboration.isprintable() else repr(collaboration)
    try:
        validate_field("collaboration_identifier", collaboration)
        for arn in value["known_trained_model_arns"]:
            validate_field("trained_model_arn", arn)
    except InvalidInputError as error:
        raise LockFileError(path, f"watched collaboration {shown}: {error}") from None
    if not record_table.is_rfc3339_utc(value["added_at"]):
        raise LockFileError(
            path, f"watched collaboration {shown}: added_at {value['added_at']!r} is not an "
            "RFC 3339 UTC timestamp such as 2026-09-01T08:00:00Z")
    return Watch(value["added_at"], tuple(value["known_trained_model_arns"]))


_TOO_DEEP = "is nested too deeply (arrays or objects inside each other thousands of levels deep)"
_MAX_DEPTH = 64
"""A lock file is 5 levels deep; anything past this is refused before the schema check (which
recurses, one Python frame per level)."""


def _refuse_hostile_text(document: Any, path: Path) -> None:
    """Refuse lone surrogates (in keys or strings) and nesting past :data:`_MAX_DEPTH`, walking
    the document without recursion."""
    stack: list[tuple[Any, list[Any]]] = [(document, [])]
    while stack:
        value, where = stack.pop()
        if len(where) > _MAX_DEPTH:
            raise LockFileError(path, _TOO_DEEP)
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                raise LockFileError(
                    path, f"holds a lone surrogate (an unpaired \\ud800-\\udfff escape) at "
                    f"{_json_path(where)}: not Unicode text, which cleanroomsml-tf never writes")
        elif isinstance(value, dict):
            for key, item in value.items():
                if _LONE_SURROGATE.search(key):
                    raise LockFileError(
                        path, f"holds a lone surrogate (an unpaired \\ud800-\\udfff escape) in "
                        f"a key at {_json_path(where)}: not Unicode text, which cleanroomsml-tf "
                        "never writes")
                stack.append((item, [*where, key]))
        elif isinstance(value, list):
            stack.extend((item, [*where, index]) for index, item in enumerate(value))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads silently keeps the last duplicate; in a lock file that hides a merge mistake.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _validate_schema(document: Any, path: Path) -> None:
    import jsonschema

    if isinstance(document, dict) and document.get("format_version") not in (None, FORMAT_VERSION):
        raise LockFileError(
            path,
            f"format_version {document.get('format_version')!r} is not supported by this "
            f"release (expected {FORMAT_VERSION}); upgrade cleanroomsml-tf",
        )
    error = jsonschema.exceptions.best_match(validator(LOCK_FILE_SCHEMA).iter_errors(document))
    if error is not None:
        raise LockFileError(
            path, f"does not match the lock file schema at {_json_path(error.absolute_path)}: "
            f"{_short(error.message)}"
        )


def _json_path(parts: Any) -> str:
    """``entries["KEY"].record.status``: readable, and unambiguous for keys with dots."""
    text = ""
    for part in parts:
        if isinstance(part, int) or not str(part).isidentifier():
            text += f"[{json.dumps(part)}]"
        else:
            text += f".{part}"
    return text.lstrip(".") or "(top level)"


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 3] + "..."


def _entry_from_json(key: str, value: Mapping[str, Any], path: Path) -> LockEntry:
    shown = key if key.isprintable() else repr(key)  # a control character would break the line
    ref_json = value["ref"]
    ref = ModelRef(
        trained_model_arn=ref_json["trained_model_arn"],
        collaboration_identifier=ref_json["collaboration_identifier"],
        version_identifier=ref_json["version_identifier"],
    )
    problems = ref.errors()
    if problems:
        raise LockFileError(path, f"entry {shown}: {problems[0]}")
    if ref.key != key:
        raise LockFileError(path, f"entry {shown}: key does not match its ref (expected {ref.key})")
    record = value["record"]
    for name in ("trained_model_arn", "collaboration_identifier"):
        if record[name] != getattr(ref, name):
            raise LockFileError(
                path, f"entry {shown}: record {name} {record[name]!r} does not match the key"
            )
    pinned = ref.version_identifier
    if pinned is not None and record["version_identifier"] != pinned:
        raise LockFileError(
            path,
            f"entry {shown}: record version_identifier {record['version_identifier']!r} "
            f"does not match the requested version",
        )
    if not record_table.is_rfc3339_utc(value["resolved_at"]):
        raise LockFileError(
            path, f"entry {shown}: resolved_at {value['resolved_at']!r} is not an RFC 3339 UTC "
            "timestamp such as 2026-09-01T08:00:00Z",
        )
    return LockEntry(ref, dict(record), value["resolved_at"])


# --------------------------------------------------------------------------- writing


def write(lock: LockFile) -> None:
    """Write ``lock`` to its path atomically (callers mutating a shared file use :func:`update`)."""
    try:
        atomic_write_text(lock.path, lock.dumps())
    except OSError as error:
        raise LockFileError(lock.path, f"cannot be written: {error}") from None


def sidecar_path(path: Path) -> Path:
    """The file :func:`locked` takes its ``fcntl`` lock on (kept, never deleted): next to the
    lock file the path finally names, so projects that symlink one shared lock file all take
    the same lock."""
    target = Path(os.path.realpath(path))
    return target.with_name(f".{target.name}.lck")


@contextlib.contextmanager
def locked(path: Path | str) -> Iterator[None]:
    """Hold an exclusive ``fcntl`` lock for a read-modify-write of the lock file at ``path``.

    The lock lives on a sidecar file, not the lock file itself: atomic writes replace the lock
    file's inode, so a lock on it would not exclude the next writer.
    """
    import fcntl

    path = Path(path)
    try:
        fd = os.open(sidecar_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise LockFileError(path, f"cannot be locked for writing: {error}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def update(path: Path | str, mutate: Callable[[LockFile], bool]) -> LockFile:
    """Read (missing = empty), let ``mutate`` change it, write if it says so; all under the lock.

    ``mutate`` returns True when it changed something; nothing is written otherwise.
    """
    path = Path(path)
    with locked(path):
        lock = read(path, missing_ok=True)
        if mutate(lock):
            write(lock)
    return lock
