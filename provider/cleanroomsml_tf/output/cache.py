"""Where cleanroomsml-tf keeps what it can always rebuild: ``$XDG_CACHE_HOME/cleanroomsml-tf``
(default ``~/.cache/cleanroomsml-tf``) holds the plugin's TLS identity and the reduced botocore
endpoints data. Standard library ``os`` only: the plugin asks before its handshake."""

from __future__ import annotations

import os


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
