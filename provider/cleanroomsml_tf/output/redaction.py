"""Keep credentials out of logs: a logging filter and formatter that redact them.

Every log handler this project installs (the CLI's ``--debug``, the plugin's ``TF_LOG``) carries
:class:`RedactingFilter` and :class:`RedactingFormatter`, so botocore's wire-level debug logs
(request headers, canonical requests, signatures, STS responses) can be shown at the most
verbose level without showing a secret. Replaced by :data:`REDACTED`:

* the *values* of ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN`` and ``AWS_SECURITY_TOKEN``
  (read at each record, so a process that changes its environment is still covered);
* every ``aws_secret_access_key`` / ``aws_session_token`` / ``aws_security_token`` in the shared
  credentials and config files (``AWS_SHARED_CREDENTIALS_FILE``, ``AWS_CONFIG_FILE`` or their
  ``~/.aws`` defaults; all profiles; read once per path);
* the secret key and session token a client actually signs with, refreshed ones included
  (:func:`watch_client`, which :mod:`cleanroomsml_tf.aws.connection` calls for every client it
  builds);
* each of those values URL-encoded, too;
* by pattern, whatever the value: ``X-Amz-Security-Token`` header and query values (also in a
  canonical request), the hex of ``Signature=`` / ``X-Amz-Signature=`` and of botocore's
  ``Signature:`` line, and the values of ``SecretAccessKey`` / ``SessionToken`` /
  ``aws_secret_access_key``... members in XML, JSON, dict reprs and INI text;
* in URLs (:func:`redact_urls`, also used on its own wherever a URL is shown: error lines,
  Terraform diagnostics, drift reports): the user-info (``http://<redacted>@host``) and the
  values of credential-looking query parameters (``X-Amz-Security-Token``, ``access_token``,
  ``password``, ``token``, ``client_secret``, ``api_key``, ``...signature...``).

Redaction covers the formatted message (arguments included), exception text and stack info.
Values shorter than :data:`MIN_SECRET_LENGTH` characters are not replaced literally (they would
mangle ordinary words; the local endpoint's placeholder credentials are ``local``).

Cost: nothing when logging is off. The filter runs only for records a handler is about to emit,
and :func:`watch_client` registers its per-request hook only once :func:`enable` has been called
(by the front ends, when they turn logging on). Importing this module imports only the standard
library's ``logging``, ``os``, ``re`` and ``threading``: it is on the plugin's start-up path.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable
from typing import Any

REDACTED = "<redacted>"
MIN_SECRET_LENGTH = 8
ENVIRONMENT_SECRETS = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
_FILE_SECRET_KEYS = ("aws_secret_access_key", "aws_session_token", "aws_security_token")

# Each pattern keeps group 1 (the name and separator) and replaces group 2 (the value). Values
# are 4+ characters outside quotes and delimiters, so an already redacted value (``<...>``, or
# ``b'<...>'`` in a bytes repr) never matches again. Compiled on first use, not at import: this
# module is imported before the plugin's handshake, where every millisecond counts.
_VALUE = r"[^'\"\s,&;}<>\]\)]{4,}"
_PATTERN_SOURCES = (
    # 'X-Amz-Security-Token': b'...'   x-amz-security-token:...   X-Amz-Security-Token=...
    r"(?i)(x-amz-security-token['\"]?\s*[:=]\s*(?:b?['\"])?)(" + _VALUE + ")",
    # Authorization: ... Signature=<hex>   X-Amz-Signature=<hex>   botocore.auth "Signature:\n<hex>"
    r"(?i)(signature['\"]?\s*[:=]\s*(?:b?['\"])?)([0-9a-f]{16,})",
    # STS XML: <SecretAccessKey>...</SecretAccessKey>, <SessionToken>...</SessionToken>
    r"(?i)(<(?:secretaccesskey|sessiontoken|securitytoken)>\s*)([^<\s]+)",
    # JSON / dict reprs / INI: "SecretAccessKey": "...", 'aws_session_token': '...', key = ...
    r"(?i)((?:aws_secret_access_key|aws_session_token|aws_security_token|secret_access_key"
    r"|secretaccesskey|sessiontoken|secret_key|secretkey)['\"]?\s*[:=]\s*(?:b?['\"])?)("
    + _VALUE + ")",
)
_FILE_SECRET_LINE = (
    r"(?im)^\s*(?:" + "|".join(_FILE_SECRET_KEYS) + r")\s*[=:]\s*(\S+)\s*$"
)
_compiled: tuple[re.Pattern[str], ...] = ()


def _patterns() -> tuple[re.Pattern[str], ...]:
    global _compiled
    if not _compiled:
        _compiled = tuple(re.compile(source) for source in _PATTERN_SOURCES)
    return _compiled


_lock = threading.Lock()
_enabled = False
_registered: frozenset[str] = frozenset()
_file_values: dict[str, frozenset[str]] = {}
_cache: tuple[tuple[Any, ...] | None, tuple[str, ...]] = (None, ())  # (key, secrets), swapped whole


def enable() -> None:
    """Turn on :func:`watch_client` (the front ends call this when they turn logging on)."""
    global _enabled
    _enabled = True


def enabled() -> bool:
    """True once :func:`enable` has been called."""
    return _enabled


def register_secret(*values: str | None) -> None:
    """Redact these values from now on (``None`` and short values are ignored)."""
    global _registered
    fresh = {v for v in values if isinstance(v, str) and len(v) >= MIN_SECRET_LENGTH}
    if not fresh or fresh <= _registered:
        return
    with _lock:
        _registered = _registered | fresh


def watch_client(client: Any, credentials: Any = None) -> None:
    """Redact the credentials ``client`` signs with (``credentials``: a botocore
    ``Credentials``, refreshed ones too, read as each request is signed) and any session token
    it sends; a no-op unless :func:`enable` was called, so the request path stays untouched
    when logging is off."""
    if not _enabled:
        return

    def before_sign(**_: Any) -> None:
        if credentials is None:
            return
        try:
            frozen = credentials.get_frozen_credentials()
        except Exception:  # noqa: BLE001 - signing reports its own credential errors
            return
        register_secret(getattr(frozen, "secret_key", None), getattr(frozen, "token", None))

    def before_send(request: Any = None, **_: Any) -> None:
        headers = getattr(request, "headers", None) or {}
        token = headers.get("X-Amz-Security-Token")
        if isinstance(token, bytes):
            token = token.decode("utf-8", "replace")
        register_secret(token)

    events = client.meta.events
    events.register("before-sign", before_sign)
    events.register_first("before-send", before_send)


def _from_files() -> frozenset[str]:
    paths = (
        os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials",
        os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config",
    )
    values: set[str] = set()
    for path in paths:
        found = _file_values.get(path)
        if found is None:
            try:
                with open(os.path.expanduser(path), encoding="utf-8", errors="replace") as file:
                    text = file.read()
            except OSError:
                text = ""
            found = frozenset(re.findall(_FILE_SECRET_LINE, text))
            _file_values[path] = found
        values |= found
    return frozenset(values)


def secrets() -> tuple[str, ...]:
    """Every literal value redacted now, longest first (URL-encoded forms included)."""
    global _cache
    environment = tuple(os.environ.get(name) for name in ENVIRONMENT_SECRETS)
    key = (environment, _from_files(), _registered)
    cached_key, cached = _cache
    if key == cached_key:
        return cached
    import urllib.parse

    values: set[str] = set()
    for value in (*environment, *key[1], *key[2]):
        if value and len(value) >= MIN_SECRET_LENGTH:
            values.add(value)
            values.add(urllib.parse.quote(value, safe=""))
            values.add(urllib.parse.quote_plus(value))
    result = tuple(sorted(values, key=len, reverse=True))
    _cache = (key, result)
    return result


def _keep_name(match: re.Match[str]) -> str:
    return match.group(1) + REDACTED


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with every known secret and credential-shaped value replaced."""
    if not text:
        return text
    for secret in (*extra, *secrets()):
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _patterns():
        text = pattern.sub(_keep_name, text)
    return redact_urls(text)


_exception_formatter = logging.Formatter()


class RedactingFilter(logging.Filter):
    """A handler filter that redacts a record in place: message and arguments (merged into the
    message), exception text and stack info. It never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: let the handler report it
            return True
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _exception_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """A formatter whose output is redacted once more (belt and braces for the filter)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def redacting_handler(stream: Any, formatter: logging.Formatter | None = None) -> logging.Handler:
    """A stream handler with :class:`RedactingFilter` and a (redacting) formatter."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(formatter or RedactingFormatter("[%(levelname)s] %(name)s: %(message)s"))
    return handler


# --------------------------------------------------------------------------- URLs

_URL_SECRET_NAME = (r"[\w.\-]*?(?:token|passw|pwd|secret|signature|credential|api[-_]?key"
                    r"|auth|session)[\w.\-]*")
"""Query parameter names whose values are credentials (``X-Amz-Security-Token``,
``access_token``, ``password``, ``client_secret``, ``api_key``, ``X-Amz-Signature``...)."""
_URL_PATTERN_SOURCES = (
    # scheme://user:password@host -> scheme://<redacted>@host
    r"(?i)(\b[a-z][a-z0-9+.\-]*://)([^/\s@'\"<>?#]+)(?=@)",
    # ?token=... &password=... ;access_token=... (also a canonical query string's first line)
    r"(?im)((?:^|[?&;])" + _URL_SECRET_NAME + r"=)([^&;\s'\"#<>]+)",
)
_url_compiled: tuple[re.Pattern[str], ...] = ()


def _url_patterns() -> tuple[re.Pattern[str], ...]:
    global _url_compiled
    if not _url_compiled:
        _url_compiled = tuple(re.compile(source) for source in _URL_PATTERN_SOURCES)
    return _url_compiled


def redact_urls(text: str) -> str:
    """``text`` with the user-info of every URL in it, and the values of credential-looking
    query parameters, replaced by :data:`REDACTED`: ``http://alice:pw@host/?token=t&x=1`` ->
    ``http://<redacted>@host/?token=<redacted>&x=1``. Host, port, path and other parameters
    stay, so the message still says where."""
    if not text or ("@" not in text and "=" not in text):
        return text
    for pattern in _url_patterns():
        text = pattern.sub(_keep_name, text)
    return text


def redact_url(url: str | None) -> str | None:
    """One URL, shown safely (see :func:`redact_urls`); ``None`` stays ``None``."""
    return None if url is None else redact_urls(url)
