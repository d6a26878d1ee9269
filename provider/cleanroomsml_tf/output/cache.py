"""Where cleanroomsml-tf keeps what it can always rebuild: ``$XDG_CACHE_HOME/cleanroomsml-tf``
(default ``~/.cache/cleanroomsml-tf``) holds the plugin's TLS identity and the reduced botocore
endpoints data. Standard library ``os`` only: the plugin asks before its handshake."""

from __future__ import annotations

import os
import stat


def cache_directory() -> str | None:
    """The directory (not created here), or ``None`` when there is none to use: no absolute
    ``XDG_CACHE_HOME`` (a relative one is ignored, as the XDG spec asks) and no home directory
    (``HOME`` unset for a user without a passwd entry, as in containers run under an arbitrary
    uid: ``~`` would then be a directory named ``~`` under the current one). Callers do without
    a cache then."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "cleanroomsml-tf")


def owned(info: os.stat_result, *, directory: bool, forbidden: int) -> bool:
    """Whether ``info`` (from ``lstat``/``fstat``: links not followed) is a directory or
    regular file owned by this user with none of the ``forbidden`` mode bits (``0o077``: nobody
    else may use it; ``0o022``: nobody else may write it). What a cache entry must be before
    it is trusted: the TLS key is private, the endpoints data decides where requests go."""
    kind = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)
    return kind and info.st_uid == os.geteuid() and info.st_mode & forbidden == 0
