"""Plugin logging: stderr only (stdout belongs to the go-plugin handshake), quiet unless TF_LOG.

Terraform captures a plugin's stderr and files each line under its own log level, so lines look
like hclog's ``[LEVEL] message``. ``TF_LOG_PROVIDER`` wins over ``TF_LOG``, as in Terraform.
"""

from __future__ import annotations

import logging
import os
import sys

_LEVELS = {
    "TRACE": logging.DEBUG,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "ERROR": logging.ERROR,
    "JSON": logging.DEBUG,
}


def level_from_env(environ: dict[str, str] | None = None) -> int | None:
    """The log level TF_LOG_PROVIDER / TF_LOG ask for; ``None`` when logging is off."""
    environ = dict(os.environ) if environ is None else environ
    value = (environ.get("TF_LOG_PROVIDER") or environ.get("TF_LOG") or "").strip().upper()
    if not value or value == "OFF":
        return None
    return _LEVELS.get(value, logging.DEBUG)


def configure(environ: dict[str, str] | None = None) -> None:
    """Send the package's logs to stderr at the TF_LOG level; silence them when unset."""
    logger = logging.getLogger("cleanroomsml_tf")
    level = level_from_env(environ)
    logger.propagate = False
    logger.handlers.clear()
    if level is None:
        logger.addHandler(logging.NullHandler())
        logger.setLevel(logging.CRITICAL + 1)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
