"""Plugin logging: stderr only (stdout belongs to the go-plugin handshake), quiet unless TF_LOG.

Terraform captures a plugin's stderr and files each line under its own log level, so lines look
like hclog's ``[LEVEL] message`` (every line of a multi-line record carries the prefix).
``TF_LOG_PROVIDER`` wins over ``TF_LOG``, as in Terraform.

Levels: ``TRACE`` (and ``JSON``, which Terraform logs at trace) is the most verbose one: the
package at DEBUG *and* botocore/urllib3 at DEBUG, filed as ``[TRACE]`` — the wire-level request
log, headers included. ``DEBUG`` is the package at DEBUG, other libraries at INFO; ``INFO``,
``WARN``, ``ERROR`` apply to everything. Every record goes through
:mod:`cleanroomsml_tf.output.redaction` (credentials, session tokens and signatures removed).
Python warnings are routed to the ``py.warnings`` logger (so to stderr, never stdout).
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
_TRACE = ("TRACE", "JSON")
_HCLOG_NAMES = {"WARNING": "WARN", "CRITICAL": "ERROR"}
PACKAGE = "cleanroomsml_tf"


def _setting(environ: dict[str, str] | None) -> str:
    environ = dict(os.environ) if environ is None else environ
    return (environ.get("TF_LOG_PROVIDER") or environ.get("TF_LOG") or "").strip().upper()


def level_from_env(environ: dict[str, str] | None = None) -> int | None:
    """The log level TF_LOG_PROVIDER / TF_LOG ask for; ``None`` when logging is off."""
    value = _setting(environ)
    if not value or value == "OFF":
        return None
    return _LEVELS.get(value, logging.DEBUG)


def third_party_level(environ: dict[str, str] | None = None) -> int | None:
    """The level for other libraries' loggers (botocore, urllib3...): DEBUG only at TRACE."""
    value = _setting(environ)
    level = level_from_env(environ)
    if level is None:
        return None
    if value in _TRACE or value not in _LEVELS:
        return logging.DEBUG  # an unknown value means "verbose", like Terraform
    return max(level, logging.INFO)


class HclogFormatter(logging.Formatter):
    """``[LEVEL] logger: message`` with hclog's level names; other libraries' DEBUG records are
    ``[TRACE]``; each continuation line repeats the prefix (Terraform files stderr line by
    line). Redacted (see :mod:`cleanroomsml_tf.output.redaction`)."""

    def format(self, record: logging.LogRecord) -> str:
        from cleanroomsml_tf.output.redaction import redact

        name = _HCLOG_NAMES.get(record.levelname, record.levelname)
        if record.levelno <= logging.DEBUG and not record.name.startswith(PACKAGE):
            name = "TRACE"
        prefix = f"[{name}] "
        text = redact(super().format(record))
        return prefix + text.replace("\n", "\n" + prefix + "  ")


def configure(environ: dict[str, str] | None = None) -> None:
    """Send logs to stderr, redacted: at the TF_LOG level, or only warnings and errors of other
    libraries (and Python warnings) when TF_LOG is unset; the package is silent then."""
    from cleanroomsml_tf.output import redaction

    logging.captureWarnings(True)
    package = logging.getLogger(PACKAGE)
    level = level_from_env(environ)
    package.handlers.clear()
    # One handler, on the root logger: the package's records and every library's (botocore,
    # urllib3, py.warnings) go through the same redaction and format.
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_cleanroomsml_plugin", False):
            root.removeHandler(old)
    handler = redaction.redacting_handler(sys.stderr, HclogFormatter("%(name)s: %(message)s"))
    handler._cleanroomsml_plugin = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if level is None:
        package.propagate = False
        package.addHandler(logging.NullHandler())
        package.setLevel(logging.CRITICAL + 1)
        root.setLevel(logging.WARNING)
        return
    redaction.enable()  # also redact the credentials each client signs with
    package.propagate = True
    package.setLevel(level)
    root.setLevel(third_party_level(environ) or level)
