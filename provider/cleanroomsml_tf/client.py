"""Client settings and the shared, thread-safe Clean Rooms ML client.

One client per distinct :class:`ClientSettings`, built once under a lock and reused by every
thread (botocore clients are thread-safe; sessions are not, so sessions never leave this module).

Where requests go (first match wins):

1. an explicit endpoint (``--endpoint-url``, the provider's ``endpoint``);
2. ``AWS_ENDPOINT_URL_CLEANROOMSML``, then ``AWS_ENDPOINT_URL`` (the standard variables), then an
   ``endpoint_url`` in the selected profile (botocore reads it);
3. AWS itself when a region is configured (argument, ``AWS_REGION``/``AWS_DEFAULT_REGION`` or
   the profile);
4. otherwise the local endpoint at :data:`DEFAULT_LOCAL_ENDPOINT`, so an unconfigured machine
   (a new clone, CI) talks to ``cleanroomsml-tf emulator --port 8790`` rather than failing with
   "no region".

A loopback endpoint never walks the credential chain (which could probe the EC2 metadata
service): it uses the ``AWS_ACCESS_KEY_ID`` pair when set, or fixed local credentials.
"""

from __future__ import annotations

import ipaddress
import math
import os
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cleanroomsml_tf import __version__
from cleanroomsml_tf.errors import ConfigurationError

DEFAULT_LOCAL_PORT = 8790
DEFAULT_LOCAL_ENDPOINT = f"http://127.0.0.1:{DEFAULT_LOCAL_PORT}"
DEFAULT_REGION_LOCAL = "us-east-1"
RETRY_MODES = ("standard", "adaptive", "legacy")
DEFAULT_POOL_CONNECTIONS = 32
DEFAULT_MAX_ATTEMPTS = 10
"""Tries per call when none is configured. Enough to ride out heavy throttling (30% throttled and
5% failing requests lose nothing over 1,000 lookups), like Terraform's AWS provider (25 retries);
:data:`DEFAULT_TIMEOUT` still bounds the whole call."""
DEFAULT_TIMEOUT = 120.0
"""Seconds one call may take, retries and back-off included, when no timeout is configured."""
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0
DEFAULT_CONCURRENCY = 16
"""Lookups in flight at once through one shared client (drift, lock add/refresh): fits the
connection pool (:data:`DEFAULT_POOL_CONNECTIONS`), so workers never queue for a socket."""
_ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_CLEANROOMSML", "AWS_ENDPOINT_URL")


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
    it) unless ``url`` is an endpoint the client can be built with."""
    if not _usable_endpoint(url):
        raise ConfigurationError(
            f"invalid {source} {url!r}: expected an http(s) URL such as {DEFAULT_LOCAL_ENDPOINT}"
        )


def check_region(source: str, region: str) -> None:
    """Raise :class:`ConfigurationError` naming ``source`` unless ``region`` is a region name."""
    if not _usable_region(region):
        raise ConfigurationError(
            f"invalid {source} {region!r}: expected an AWS region name such as us-east-1 "
            "(letters, digits and inner hyphens, at most 63 characters)"
        )


def _usable_endpoint(url: str) -> bool:
    """A URL the client can be built with: printable ASCII, http(s), a host botocore accepts,
    a port in range. (botocore and urllib refuse the others only when the client is built or
    the request sent, with a bare ValueError.)"""
    from botocore.utils import is_valid_uri

    if not url.isascii() or any(c.isspace() or not c.isprintable() for c in url):
        return False
    try:
        parsed = urllib.parse.urlsplit(url)
        port = parsed.port  # ValueError when not a number or out of range
    except ValueError:
        return False
    return (parsed.scheme in ("http", "https") and bool(parsed.hostname)
            and (port is None or 0 <= port <= 65535) and bool(is_valid_uri(url)))


def _usable_region(region: str) -> bool:
    """botocore's own region check (it runs only when the client is built), without the
    trailing newline its ``$`` lets through."""
    from botocore.exceptions import InvalidRegionError
    from botocore.utils import validate_region_name

    try:
        validate_region_name(region)
    except InvalidRegionError:
        return False
    return "\n" not in region


def settings_from_provider_config(
    config: Mapping[str, Any] | None, *, unknown: object = None
) -> ClientSettings:
    """The provider's configuration (``region``, ``endpoint``, ``assume_role {...}``..., as in
    Terraform and the CDKTF binding) as :class:`ClientSettings`.

    Unset arguments are ``None``; so are those equal to ``unknown`` (the Terraform plugin passes
    its marker for values not known until apply: they fall back to the AWS defaults too).
    """

    def known(value: Any) -> Any:
        return None if value is unknown else value

    config = config or {}
    role = known(config.get("assume_role"))
    assume_role = None
    if role and known(role.get("role_arn")):
        assume_role = AssumeRole(
            role_arn=role["role_arn"],
            session_name=known(role.get("session_name")),
            external_id=known(role.get("external_id")),
        )

    def strings(name: str) -> tuple[str, ...] | None:
        value = known(config.get(name))
        if value is None:
            return None
        return tuple(item for item in value if item is not None and item is not unknown)

    max_attempts = known(config.get("max_attempts"))
    if isinstance(max_attempts, str):  # cty sends a number float64 cannot hold exactly as text
        try:
            max_attempts = float(max_attempts)
        except ValueError:
            raise ConfigurationError(
                f"invalid max_attempts {max_attempts!r}: expected an integer >= 1") from None
    if isinstance(max_attempts, float):
        if not max_attempts.is_integer():  # Terraform numbers arrive as floats
            raise ConfigurationError(
                f"invalid max_attempts {max_attempts!r}: expected an integer >= 1")
        max_attempts = int(max_attempts)
    timeout = known(config.get("timeout"))
    if timeout is not None:
        timeout = float(timeout)
        if not (timeout > 0 and math.isfinite(timeout)):  # named as the user wrote it
            raise ConfigurationError(f"invalid timeout {timeout:g}: expected seconds > 0")
    return ClientSettings(
        region=known(config.get("region")),
        profile=known(config.get("profile")),
        endpoint_url=known(config.get("endpoint")),
        shared_config_files=strings("shared_config_files"),
        shared_credentials_files=strings("shared_credentials_files"),
        max_attempts=max_attempts,
        retry_mode=known(config.get("retry_mode")),
        assume_role=assume_role,
        connect_timeout=timeout,
        read_timeout=timeout,
        deadline=timeout,
        verify_tls=not known(config.get("insecure")),
    )


def insecure_warning(endpoint: str | None = None) -> str:
    """The warning every front end shows when TLS certificate verification is off."""
    where = f" for {endpoint}" if endpoint else ""
    return (
        f"TLS certificate verification is OFF{where} (insecure / --no-verify-ssl): anyone on "
        "the network path can impersonate the endpoint and forge model records; trust a private "
        "CA with AWS_CA_BUNDLE instead"
    )


def is_loopback(url: str) -> bool:
    """True when the URL's host is localhost or a loopback address."""
    host = urllib.parse.urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Connection:
    """A ready client plus where it points (for error messages). Thread-safe to share."""

    def __init__(self, client: Any, endpoint: str) -> None:
        self.client = client
        self.endpoint = endpoint
        self._deadline = threading.local()

    def set_deadline(self, seconds: float | None) -> None:
        """Bound the calls this thread makes next to ``seconds`` from now (``None``: no bound)."""
        self._deadline.at = None if seconds is None else time.monotonic() + seconds

    def deadline_passed(self, after: float = 0.0) -> bool:
        """True when this thread's deadline is set and has passed (or will have, ``after``
        seconds from now)."""
        at = getattr(self._deadline, "at", None)
        return at is not None and time.monotonic() + after >= at


class DeadlineExceeded(Exception):
    """Raised inside botocore's send path when a retry would start after the deadline."""


_lock = threading.Lock()
_connections: dict[tuple[ClientSettings, tuple[str | None, ...]], Connection] = {}

# The environment that decides where unset settings point; part of the cache key, so a process
# that changes AWS_ENDPOINT_URL_CLEANROOMSML (a test, the demo) gets a client for the new place.
_ENVIRONMENT_KEYS = (
    *_ENDPOINT_VARIABLES, "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_ACCESS_KEY_ID", "AWS_CA_BUNDLE",
)


def connect(settings: ClientSettings) -> Connection:
    """The shared :class:`Connection` for these settings and environment, built on first use."""
    key = (settings, tuple(os.environ.get(name) for name in _ENVIRONMENT_KEYS))
    connection = _connections.get(key)
    if connection is not None:
        return connection
    with _lock:
        connection = _connections.get(key)
        if connection is None:
            connection = _build(settings.check())
            _connections[key] = connection
    return connection


def _env_endpoint() -> str | None:
    """The endpoint the standard variables set, checked under the variable's name."""
    for variable in _ENDPOINT_VARIABLES:
        value = os.environ.get(variable)
        if value:
            check_endpoint(variable, value)
            return value
    return None


def _region_source(settings: ClientSettings) -> str:
    """Where the session's region came from, as the user would name it."""
    if settings.region:
        return "region"
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(variable):
            return variable
    return "region of the selected profile"


def _session(settings: ClientSettings) -> Any:
    import boto3
    import botocore.exceptions
    import botocore.session

    core = botocore.session.Session()
    if settings.shared_config_files:
        core.set_config_variable("config_file", os.path.expanduser(settings.shared_config_files[0]))
    if settings.shared_credentials_files:
        core.set_config_variable(
            "credentials_file", os.path.expanduser(settings.shared_credentials_files[0])
        )
    # AWS_REGION wins over AWS_DEFAULT_REGION in the other SDKs and in Terraform's AWS provider;
    # botocore only reads the latter.
    region = settings.region or os.environ.get("AWS_REGION") or None
    try:
        return boto3.session.Session(
            botocore_session=core, profile_name=settings.profile, region_name=region
        )
    except botocore.exceptions.ProfileNotFound:
        # botocore's message repeats the name raw (a "\r" in it would break the one line)
        raise ConfigurationError(
            f"invalid profile {settings.profile!r}: expected a profile of the shared AWS config "
            "files; it could not be found"
        ) from None


def _profile_endpoint(session: Any) -> str | None:
    try:
        value = session._session.get_scoped_config().get("endpoint_url")
    except Exception:  # a broken config file surfaces later, with botocore's own message
        return None
    if value:
        check_endpoint("endpoint_url of the selected profile", value)
    return value or None


def _build(settings: ClientSettings) -> Connection:
    from botocore.config import Config

    session = _session(settings)
    endpoint = settings.endpoint_url or _env_endpoint() or _profile_endpoint(session)
    region = session.region_name
    if region:  # from the environment or a profile: checked here, under that name
        check_region(_region_source(settings), region)
    if endpoint is None and region is None:
        endpoint = DEFAULT_LOCAL_ENDPOINT
    retries: dict[str, Any] = {
        "mode": settings.retry_mode or "standard",
        "total_max_attempts": settings.max_attempts or DEFAULT_MAX_ATTEMPTS,
    }
    deadline = settings.deadline or DEFAULT_TIMEOUT
    config = Config(
        region_name=region or DEFAULT_REGION_LOCAL,
        retries=retries,
        # One attempt never outlives the whole call's deadline.
        connect_timeout=settings.connect_timeout or min(DEFAULT_CONNECT_TIMEOUT, deadline),
        read_timeout=settings.read_timeout or min(DEFAULT_READ_TIMEOUT, deadline),
        max_pool_connections=settings.max_pool_connections,
        user_agent_extra=f"cleanroomsml-tf/{__version__}",
    )
    kwargs: dict[str, Any] = {"config": config}
    if not settings.verify_tls:
        kwargs["verify"] = False
    if endpoint is not None:
        kwargs["endpoint_url"] = endpoint
    if endpoint is not None and is_loopback(endpoint):
        kwargs["aws_access_key_id"] = os.environ.get("AWS_ACCESS_KEY_ID") or "local"
        kwargs["aws_secret_access_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY") or "local"
        kwargs["aws_session_token"] = os.environ.get("AWS_SESSION_TOKEN")
    elif settings.assume_role is not None:
        session = _assumed_session(session, settings.assume_role, region)
    client = session.client("cleanroomsml", **kwargs)
    connection = Connection(client, client.meta.endpoint_url)
    _bound_botocore_retries(client, connection)

    def refuse_late_send(**_: Any) -> None:
        # Before every request, the next page of a listing included: the deadline bounds it all.
        if connection.deadline_passed():
            raise DeadlineExceeded()

    client.meta.events.register("before-send.cleanroomsml", refuse_late_send)
    from cleanroomsml_tf import responses

    responses.register(client)  # raw bodies checked before botocore parses them
    if not settings.verify_tls:
        _silence_per_request_tls_warnings()
    from cleanroomsml_tf.redaction import watch_client

    watch_client(client)  # debug logs never show the credentials it signs with
    return connection


def _hopeless(error: BaseException | None) -> bool:
    """A failure no retry can mend: a refused connection (nothing listens there) or a rejected
    certificate (rejected again next time)."""
    return error is not None and (is_connection_refused(error) or is_certificate_rejected(error))


def is_connection_refused(error: BaseException) -> bool:
    """True when ``error`` (or what it wraps) is a refused TCP connection."""
    return _wraps(error, ConnectionRefusedError)


def is_certificate_rejected(error: BaseException) -> bool:
    """True when ``error`` (or what it wraps) is a failed TLS certificate verification: an
    untrusted chain (``ssl``) or a certificate for another host name (urllib3 checks those)."""
    import ssl

    from urllib3.util.ssl_match_hostname import CertificateError

    return _wraps(error, (ssl.SSLCertVerificationError, CertificateError))


def is_host_name_rejected(error: BaseException) -> bool:
    """True when the certificate was rejected for naming another host (urllib3's check, or
    ``ssl``'s "Hostname mismatch")."""
    from urllib3.util.ssl_match_hostname import CertificateError

    return _wraps(error, CertificateError) or "Hostname mismatch" in str(error)


def _wraps(
    error: BaseException, kind: type[BaseException] | tuple[type[BaseException], ...]
) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        wrapped = getattr(current, "kwargs", {}).get("error")  # botocore keeps the cause here
        current = wrapped if isinstance(wrapped, BaseException) else (
            current.__cause__ or current.__context__)
    return False


def _silence_per_request_tls_warnings() -> None:
    """urllib3 warns on every unverified request; the front ends warn once, by name, instead."""
    import warnings

    from urllib3.exceptions import InsecureRequestWarning

    warnings.filterwarnings("ignore", category=InsecureRequestWarning)


def _assumed_session(base: Any, role: AssumeRole, region: str | None) -> Any:
    """A session whose credentials come from STS AssumeRole and refresh themselves."""
    import boto3
    from botocore.credentials import DeferredRefreshableCredentials
    from botocore.session import Session as CoreSession

    sts = base.client("sts", region_name=region)

    def fetch() -> dict[str, str]:
        params: dict[str, Any] = {
            "RoleArn": role.role_arn,
            "RoleSessionName": role.session_name or f"cleanroomsml-tf-{int(time.time())}",
        }
        if role.external_id:
            params["ExternalId"] = role.external_id
        creds = sts.assume_role(**params)["Credentials"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    core = CoreSession()
    core._credentials = DeferredRefreshableCredentials(fetch, "assume-role")
    return boto3.session.Session(botocore_session=core, region_name=region)


def _bound_botocore_retries(client: Any, connection: Connection) -> None:
    """Three changes to botocore's own retry handler, for which botocore has no setting.

    * No retry of what no retry can mend (:func:`_hopeless`: a refused connection, a rejected
      certificate), nor once the deadline has passed: the caller gets the error at once.
    * No client-side retry quota. In ``standard`` and ``adaptive`` modes a client shares one
      quota of 500 tokens: each retry takes 5 (throttling) or 14 (other errors), and only a
      success gives some back. Under sustained throttling the 1,000 lookups of a drift check
      through the one shared client drain it, and from then on calls fail at their first error,
      long before ``max_attempts`` (7 to 20 of 1,000 entries lost at 30% throttling and 5%
      errors). Terraform's AWS provider users hit the same wall
      (hashicorp/terraform-provider-aws#34669, #36094). ``max_attempts`` and the deadline bound
      every call instead.
    * No back-off sleep that would end past the deadline: the call ends at once with its last
      real error ("throttled ... gave up after N attempts") instead of sleeping up to 20 s
      beyond the timeout and then timing out.

    The handler is found under the id botocore registers it with; if that ever changes, this
    does nothing and tests/test_reliability.py and tests/test_tls.py fail.
    """
    from botocore.retries.quota import RetryQuota

    events = client.meta.events
    service = client.meta.service_model.service_id.hyphenize()
    event, unique_id = f"needs-retry.{service}", f"retry-config-{service}"
    registered = getattr(getattr(events, "_emitter", None), "_unique_id_handlers", {})
    botocore_retry = (registered.get(unique_id) or {}).get("handler")
    if botocore_retry is None:
        return
    checker = getattr(getattr(botocore_retry, "__self__", None), "_retry_quota", None)
    if checker is not None and hasattr(checker, "_quota"):  # standard.RetryQuotaChecker
        checker._quota = RetryQuota(initial_capacity=2**62)

    def retry_within_deadline(**kwargs: Any) -> Any:
        # False ("do not retry") ends the call with its last real error, before any sleep.
        if _hopeless(kwargs.get("caught_exception")) or connection.deadline_passed():
            return False
        delay = botocore_retry(**kwargs)  # seconds to sleep before retrying; None: no retry
        if delay and connection.deadline_passed(after=delay):
            return False
        return delay

    events.unregister(event, unique_id=unique_id)
    events.register(event, retry_within_deadline, unique_id=unique_id)
