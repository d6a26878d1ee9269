"""Atomic file writes: readers see the old file or the new one, never a partial one.

The text goes to a temporary file in the *same directory* (``os.replace`` is only atomic within
one filesystem), is flushed and fsynced, then renamed over the target; the directory is fsynced
so the rename itself survives a crash. On any failure the temporary file is removed and the
target is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

_DEFAULT_MODE = 0o644


def atomic_write_text(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", mode: int | None = None
) -> None:
    """Replace ``path`` with ``text`` atomically.

    ``mode`` sets the permission bits; by default the new file keeps those of the file it
    replaces (``0644`` for a new file), because ``mkstemp`` creates ``0600`` files and a lock
    file or report must stay readable.
    """
    atomic_write_bytes(path, text.encode(encoding), mode=mode)


def atomic_write_bytes(
    path: str | os.PathLike[str], data: bytes, *, mode: int | None = None
) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_write_text`)."""
    target = Path(path)
    directory = target.parent
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = _DEFAULT_MODE
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename durable; not every platform/filesystem allows opening a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
