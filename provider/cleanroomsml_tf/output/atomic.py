"""Atomic file writes: readers see the old file or the new one, never a partial one.

The text goes to a temporary file in the *same directory* as the file it replaces
(``os.replace`` is only atomic within one filesystem), is flushed and fsynced, then renamed over
it; the directory is fsynced so the rename itself survives a crash. On any failure the temporary
file is removed and the target is left untouched.

What is written where:

* a **symlink** (or a chain of them) is followed: the file it points to is replaced, atomically,
  in *its* directory, and the link stays a link (a lock file shared through a symlink stays
  shared). A dangling link creates its target, as ``echo > link`` would;
* a **character device, FIFO or socket** (``/dev/stdout``, ``/dev/null``, a named pipe) is
  written as a plain stream: renaming over it would replace the device node itself (run as
  root, ``drift --output /dev/stdout`` used to replace the system's ``/dev/stdout``);
* **temporary files** are named ``.<name>.<pid>.<random>.cleanroomsml-tmp``, so one
  ``*.cleanroomsml-tmp`` line in ``.gitignore`` covers them; a write that was killed half-way
  leaves one behind, and the next write to the same file removes it once it is stale (its
  process is gone and it is older than :data:`STALE_AFTER_SECONDS`, or older than
  :data:`ABANDONED_AFTER_SECONDS` whatever its process).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from pathlib import Path

TEMP_SUFFIX = ".cleanroomsml-tmp"
"""Every temporary file this package writes ends so (``*.cleanroomsml-tmp`` in .gitignore)."""
STALE_AFTER_SECONDS = 10.0
"""A temporary file this old whose writing process is gone is removed by the next write."""
ABANDONED_AFTER_SECONDS = 3600.0
"""A temporary file this old is removed by the next write whatever its process (another host
sharing the directory, a reused process id)."""
_DEFAULT_MODE = 0o644


def atomic_write_text(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", mode: int | None = None
) -> None:
    """Replace ``path`` with ``text`` atomically (see the module docstring for symlinks,
    devices and FIFOs).

    ``mode`` sets the permission bits; by default the new file keeps those of the file it
    replaces (``0644`` for a new file), because ``mkstemp`` creates ``0600`` files and a lock
    file or report must stay readable.
    """
    atomic_write_bytes(path, text.encode(encoding), mode=mode)


def atomic_write_bytes(
    path: str | os.PathLike[str], data: bytes, *, mode: int | None = None
) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_write_text`)."""
    try:
        current = os.stat(path)  # follows symlinks: what the path finally names
    except FileNotFoundError:
        current = None
    if current is not None and stat.S_ISDIR(current.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
    if current is not None and not stat.S_ISREG(current.st_mode):
        _write_stream(path, data)
        return
    target = Path(os.path.realpath(path))  # through every symlink: the link stays a link
    directory = target.parent
    if mode is None:
        mode = stat.S_IMODE(current.st_mode) if current is not None else _DEFAULT_MODE
    remove_stale_temporary_files(target)
    fd, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{target.name}.{os.getpid()}.", suffix=TEMP_SUFFIX)
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


def _write_stream(path: str | os.PathLike[str], data: bytes) -> None:
    """A device, FIFO or socket: open and write, nothing renamed (a FIFO blocks until read)."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()


def remove_stale_temporary_files(target: Path, now: float | None = None) -> list[Path]:
    """Remove the stale temporary files of earlier writes to ``target``; return them."""
    now = time.time() if now is None else now
    prefix = f".{target.name}."
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        age = now - info.st_mtime
        pid = name[len(prefix):].split(".", 1)[0]
        stale = age > ABANDONED_AFTER_SECONDS or (
            age > STALE_AFTER_SECONDS and not _process_alive(pid))
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _process_alive(pid_text: str) -> bool:
    if not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process (or a number we cannot ask about): assume alive
    return True


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
