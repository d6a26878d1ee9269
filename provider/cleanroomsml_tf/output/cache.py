"""Where cleanroomsml-tf keeps what it can always rebuild: ``$XDG_CACHE_HOME/cleanroomsml-tf``
(default ``~/.cache/cleanroomsml-tf``) holds the plugin's TLS identity and the reduced botocore
endpoints data. Standard library ``os`` only: the plugin asks before its handshake."""

from __future__ import annotations

import os


def cache_directory() -> str:
    """The directory (not created here)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "cleanroomsml-tf")
