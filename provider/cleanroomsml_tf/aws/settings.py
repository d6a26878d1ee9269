"""Client settings: what decides how the client connects, their defaults and their validation.

:class:`ClientSettings` is what every front end builds (the CLI from its options, the plugin
and the CDKTF binding from the provider configuration, see ``plugin/config.py``); ``None``
means "the standard AWS environment and config files decide". :meth:`ClientSettings.check`
refuses settings that cannot work with one line naming the setting, before any request.
"""

from __future__ import annotations

import ipaddress
import math
import re
import string
import urllib.parse
from dataclasses import dataclass, field

from cleanroomsml_tf.model.errors import ConfigurationError

DEFAULT_LOCAL_PORT = 8790
DEFAULT_LOCAL_ENDPOINT = f"http://127.0.0.1:{DEFAULT_LOCAL_PORT}"
DEFAULT_REGION_LOCAL = "us-east-1"
RETRY_MODES = ("standard", "adaptive", "legacy")
DEFAULT_POOL_CONNECTIONS = 64
DEFAULT_MAX_ATTEMPTS = 10
"""Tries per call when none is configured. Enough to ride out heavy throttling (30% throttled and
5% failing requests lose nothing over 1,000 lookups), like Terraform's AWS provider (25 retries);
:data:`DEFAULT_TIMEOUT` still bounds the whole call."""
DEFAULT_TIMEOUT = 120.0
"""Seconds one call may take, retries and back-off included, when no timeout is configured."""
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0
DEFAULT_CONCURRENCY = 64
"""Lookups in flight at once through one shared client (drift, lock add/refresh): fits the
connection pool (:data:`DEFAULT_POOL_CONNECTIONS`), so workers never queue for a socket.

Each lookup costs ~2 ms of client CPU (botocore; the GIL serializes it) and one round trip of
waiting. With 16 in flight, 1,000 lookups against an endpoint 50 ms away could not finish in
less than 1,000 x 50 ms / 16 = 3.1 s of waiting, over the ~2 s of CPU; with 64 the waiting
(0.8 s) hides behind the CPU (``benchmarks/drift_latency.py``)."""


@dataclass(frozen=True)
class AssumeRole:
    """An IAM role to assume (STS AssumeRole) on top of the base credentials."""

    role_arn: str
    session_name: str | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class ClientSettings:
    """Everything that decides how the client connects. Hashable: it keys the client cache.

    ``None`` means "fall back to the standard AWS environment and config files" (or the
    ``DEFAULT_*`` values). ``max_attempts`` counts tries, not retries (1 = no retry).
    ``deadline`` bounds one whole call, retries included, in seconds. ``verify_tls=False`` turns
    TLS certificate verification off (a CA bundle is chosen with ``AWS_CA_BUNDLE`` instead);
    front ends warn with :func:`insecure_warning` when it is off.
    """

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    shared_config_files: tuple[str, ...] | None = None
    shared_credentials_files: tuple[str, ...] | None = None
    retry_mode: str | None = None
    max_attempts: int | None = None
    connect_timeout: float | None = None
    read_timeout: float | None = None
    deadline: float | None = None
    assume_role: AssumeRole | None = None
    verify_tls: bool = True
    max_pool_connections: int = field(default=DEFAULT_POOL_CONNECTIONS)

    def check(self) -> ClientSettings:
        """Raise :class:`ConfigurationError` for settings that cannot work; return self."""
        if self.retry_mode is not None and self.retry_mode not in RETRY_MODES:
            raise ConfigurationError(
                f"invalid retry_mode {self.retry_mode!r}: expected one of {', '.join(RETRY_MODES)}"
            )
        if self.max_attempts is not None and self.max_attempts < 1:
            raise ConfigurationError(
                f"invalid max_attempts {self.max_attempts!r}: expected an integer >= 1"
            )
        for name in ("connect_timeout", "read_timeout", "deadline"):
            value = getattr(self, name)
            if value is not None and not (value > 0 and math.isfinite(value)):
                raise ConfigurationError(f"invalid {name} {value!r}: expected seconds > 0")
        if self.endpoint_url is not None:
            check_endpoint("endpoint", self.endpoint_url)
        if self.region:
            check_region("region", self.region)
        for name in ("shared_config_files", "shared_credentials_files"):
            files = getattr(self, name)
            if files is not None and len(files) > 1:
                raise ConfigurationError(
                    f"invalid {name} {list(files)!r}: botocore reads one file; give exactly one"
                )
        return self


def check_endpoint(source: str, url: str) -> None:
    """Raise :class:`ConfigurationError` naming ``source`` (the argument or variable that set
    it) unless ``url`` is an endpoint the client can be built with. The URL is shown without
    its user-info or tokens."""
    if not _usable_endpoint(url):
        from cleanroomsml_tf.output.redaction import redact_urls

        raise ConfigurationError(
            f"invalid {source} {redact_urls(repr(url))}: expected an http(s) URL such as "
            f"{DEFAULT_LOCAL_ENDPOINT}"
        )


REGION_FORM = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")
"""The form of every AWS region name: ``us-east-1``, ``us-gov-west-1``, ``eu-central-2``,
``ap-southeast-5``, ``eusc-de-east-1`` (a two-to-four-letter area, words, a number)."""


def check_region(source: str, region: str) -> None:
    """Raise :class:`ConfigurationError` naming ``source`` unless ``region`` has the form of
    an AWS region name (``us-east1`` and ``US-EAST-1`` do not: botocore would take them and
    send the request to a host that does not exist)."""
    if not is_region_name(region):
        raise ConfigurationError(
            f"invalid {source} {region!r}: expected an AWS region name such as us-east-1 "
            "(lowercase letters, words and a number, joined by hyphens)"
        )


def is_region_name(region: str) -> bool:
    """True when ``region`` has the form of an AWS region name (:data:`REGION_FORM`)."""
    return REGION_FORM.fullmatch(region) is not None and _usable_region(region)


# What validation checks here, botocore checks again when the client is built (is_valid_uri,
# validate_region_name): the same rules, written without importing botocore, because the plugin
# validates the provider configuration in launches that never build a client (``terraform
# validate``, and two of every plan's three launches). tests/test_settings_hosts.py holds them
# to botocore's answers on generated hosts and regions.
_HOST_LABEL_CHARS = frozenset(string.ascii_letters + string.digits + "-")
# An IPv6 zone ID in a URL (RFC 6874): unreserved characters or percent-escapes.
_ZONE_ID = re.compile(r"(?:[A-Za-z0-9._!~-]|%[0-9A-Fa-f]{2})+")


def _is_host_label(text: str, *, digits_only_allowed: bool) -> bool:
    """At most 63 ASCII letters, digits and hyphens, no hyphen at either end (an empty text
    passes: callers decide whether empty is allowed)."""
    return (len(text) <= 63 and not text.startswith("-") and not text.endswith("-")
            and all(c in _HOST_LABEL_CHARS for c in text)
            and (digits_only_allowed or not text.isdigit()))


def _usable_host(hostname: str) -> bool:
    """A DNS name (dot-separated host labels, 255 characters at most, one trailing dot
    allowed) or an IPv6 address (zone ID allowed), as urllib gives it (no brackets)."""
    name = hostname[:-1] if hostname.endswith(".") else hostname
    if len(hostname) <= 255 and all(
            label and _is_host_label(label, digits_only_allowed=True)
            for label in name.split(".")):
        return True
    try:
        ipaddress.IPv6Address(hostname)
    except ValueError:
        return False
    _address, _, zone = hostname.partition("%")
    return not zone or _ZONE_ID.fullmatch(zone) is not None


def _usable_endpoint(url: str) -> bool:
    """A URL the client can be built with: printable ASCII, http(s), a host name or IPv6
    address, a port in range. (botocore and urllib refuse the others only when the client is
    built or the request sent, with a bare ValueError.)"""
    if not url.isascii() or any(c.isspace() or not c.isprintable() for c in url):
        return False
    try:
        parsed = urllib.parse.urlsplit(url)
        port = parsed.port  # ValueError when not a number or out of range
    except ValueError:
        return False
    return (parsed.scheme in ("http", "https") and bool(parsed.hostname)
            and (port is None or 0 <= port <= 65535) and _usable_host(parsed.hostname or ""))


def _usable_region(region: str) -> bool:
    """A region name as botocore checks it: one host label, not all digits (and, unlike
    botocore's ``$``, no trailing newline)."""
    return _is_host_label(region, digits_only_allowed=False)


def insecure_warning(endpoint: str | None = None) -> str:
    """The warning every front end shows when TLS certificate verification is off."""
    from cleanroomsml_tf.output.redaction import redact_urls

    where = f" for {redact_urls(endpoint)}" if endpoint else ""
    return (
        f"TLS certificate verification is OFF{where} (insecure / --no-verify-ssl): anyone on "
        "the network path can impersonate the endpoint and forge model records; trust a private "
        "CA with AWS_CA_BUNDLE instead"
    )
