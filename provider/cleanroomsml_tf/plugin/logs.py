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

Importing ``logging`` costs a launch ~15 ms, and two of every plan's three launches log nothing
unless TF_LOG is set. So with TF_LOG unset, :func:`configure` only notes that the package is
silent: the plugin's loggers (:func:`get_logger`) then drop their records without importing
``logging``, and :func:`configure_libraries` sets up the handler for other libraries' warnings
just before the first of them that logs (botocore, when the provider is configured) is imported.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import logging
    from typing import Any

# TF_LOG values -> logging levels (numbers: logging is not imported to name them).
_DEBUG, _INFO, _WARNING, _ERROR, _CRITICAL = 10, 20, 30, 40, 50
_LEVELS = {
    "TRACE": _DEBUG,
    "DEBUG": _DEBUG,
    "INFO": _INFO,
    "WARN": _WARNING,
    "ERROR": _ERROR,
    "JSON": _DEBUG,
}
_TRACE = ("TRACE", "JSON")
_HCLOG_NAMES = {"WARNING": "WARN", "CRITICAL": "ERROR"}
PACKAGE = "cleanroomsml_tf"

_active: bool | None = None
"""``False``: TF_LOG is unset, the package's records are dropped unformatted; ``True``: logging
is configured; ``None``: :func:`configure` was not called (library use, tests): records go to
``logging`` as usual."""
_libraries_configured = False


def _setting(environ: dict[str, str] | None) -> str:
    environ = dict(os.environ) if environ is None else environ
    return (environ.get("TF_LOG_PROVIDER") or environ.get("TF_LOG") or "").strip().upper()


def level_from_env(environ: dict[str, str] | None = None) -> int | None:
    """The log level TF_LOG_PROVIDER / TF_LOG ask for; ``None`` when logging is off."""
    value = _setting(environ)
    if not value or value == "OFF":
        return None
    return _LEVELS.get(value, _DEBUG)


def third_party_level(environ: dict[str, str] | None = None) -> int | None:
    """The level for other libraries' loggers (botocore, urllib3...): DEBUG only at TRACE."""
    value = _setting(environ)
    level = level_from_env(environ)
    if level is None:
        return None
    if value in _TRACE or value not in _LEVELS:
        return _DEBUG  # an unknown value means "verbose", like Terraform
    return max(level, _INFO)


class Logger:
    """The part of :class:`logging.Logger` the plugin uses, importing ``logging`` only when a
    record may be emitted (never while TF_LOG is unset: the package is silent then)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _target(self) -> logging.Logger | None:
        if _active is False:
            return None
        import logging

        return logging.getLogger(self.name)

    def debug(self, message: str, *args: Any, **kwargs: Any) -> None:
        if (target := self._target()) is not None:
            target.debug(message, *args, **kwargs)

    def error(self, message: str, *args: Any, **kwargs: Any) -> None:
        if (target := self._target()) is not None:
            target.error(message, *args, **kwargs)


def get_logger(name: str) -> Logger:
    """A logger of the package (``name`` under ``cleanroomsml_tf``)."""
    return Logger(name)


def _formatter() -> logging.Formatter:
    import logging

    from cleanroomsml_tf.output.redaction import redact

    class HclogFormatter(logging.Formatter):
        """``[LEVEL] logger: message`` with hclog's level names; other libraries' DEBUG records
        are ``[TRACE]``; each continuation line repeats the prefix (Terraform files stderr line
        by line). Redacted (see :mod:`cleanroomsml_tf.output.redaction`)."""

        def format(self, record: logging.LogRecord) -> str:
            name = _HCLOG_NAMES.get(record.levelname, record.levelname)
            if record.levelno <= logging.DEBUG and not record.name.startswith(PACKAGE):
                name = "TRACE"
            prefix = f"[{name}] "
            text = redact(super().format(record))
            return prefix + text.replace("\n", "\n" + prefix + "  ")

    return HclogFormatter("%(name)s: %(message)s")


def configure(environ: dict[str, str] | None = None) -> None:
    """Send logs to stderr, redacted: at the TF_LOG level, or only warnings and errors of other
    libraries (and Python warnings) when TF_LOG is unset; the package is silent then (and the
    handler for the other libraries is set up by :func:`configure_libraries`)."""
    global _active, _libraries_configured
    level = level_from_env(environ)
    if level is None:
        _active = False
        _libraries_configured = False
        if "logging" in sys.modules:  # already loaded by someone: set it up now
            configure_libraries()
        return
    _active = True
    _libraries_configured = True
    root, package = _install_handler()
    from cleanroomsml_tf.output import redaction

    redaction.enable()  # also redact the credentials each client signs with
    package.propagate = True
    package.setLevel(level)
    root.setLevel(third_party_level(environ) or level)


def configure_libraries() -> None:
    """With TF_LOG unset: other libraries' warnings and errors (and Python warnings) to stderr,
    redacted; the package silent. Call before importing a library that logs (botocore).
    Nothing to do when TF_LOG is set (:func:`configure` did it) or when done already."""
    global _libraries_configured
    if _active is not False or _libraries_configured:
        return
    _libraries_configured = True
    import logging

    root, package = _install_handler()
    package.propagate = False
    package.addHandler(logging.NullHandler())
    package.setLevel(logging.CRITICAL + 1)
    root.setLevel(logging.WARNING)


def _install_handler() -> tuple[logging.Logger, logging.Logger]:
    """One handler, on the root logger: the package's records and every library's (botocore,
    urllib3, py.warnings) go through the same redaction and format. (root, package)."""
    import logging

    from cleanroomsml_tf.output import redaction

    logging.captureWarnings(True)
    package = logging.getLogger(PACKAGE)
    package.handlers.clear()
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_cleanroomsml_plugin", False):
            root.removeHandler(old)
    handler = redaction.redacting_handler(sys.stderr, _formatter())
    handler._cleanroomsml_plugin = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return root, package
