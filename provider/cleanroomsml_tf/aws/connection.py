"""The shared, thread-safe Clean Rooms ML client: one per distinct settings and environment.

One client per distinct :class:`~cleanroomsml_tf.aws.settings.ClientSettings` (and the
environment variables that decide where unset settings point), built once under a lock and
reused by every thread (botocore clients are thread-safe; sessions are not, so sessions never
leave :mod:`cleanroomsml_tf.aws`). Where requests go: :mod:`cleanroomsml_tf.aws.endpoints`.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from cleanroomsml_tf import __version__
from cleanroomsml_tf.aws import endpoints, responses, retries
from cleanroomsml_tf.aws.errors import NO_CREDENTIALS_MESSAGE
from cleanroomsml_tf.aws.session import assumed_session, region_of, session
from cleanroomsml_tf.aws.settings import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_REGION_LOCAL,
    DEFAULT_TIMEOUT,
    ClientSettings,
    check_region,
)
from cleanroomsml_tf.model.errors import CredentialsNotFoundError, NoRegionError
from cleanroomsml_tf.output.redaction import redact_urls


class Connection:
    """A ready client plus where it points (for error messages: the URL without user-info or
    tokens), the region it signs for, whether that endpoint was chosen (an endpoint URL) or
    follows the region (AWS), the per-thread deadline its hooks honour and its retry policy.
    Thread-safe to share."""

    def __init__(self, client: Any, endpoint: str, *, region: str | None = None,
                 endpoint_chosen: bool = True) -> None:
        self.client = client
        self.endpoint = redact_urls(endpoint)
        self.region = region
        self.endpoint_chosen = endpoint_chosen
        self.deadline = retries.Deadline()
        self.retry_policy: retries.RetryPolicy | None = None


_lock = threading.Lock()
_connections: dict[tuple[ClientSettings, tuple[str | None, ...]], Connection] = {}

# The environment that decides where unset settings point; part of the cache key, so a process
# that changes AWS_ENDPOINT_URL_CLEANROOMSML (a test, the demo) gets a client for the new place.
_ENVIRONMENT_KEYS = (
    *endpoints.ENDPOINT_VARIABLES, "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE",
    "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ACCESS_KEY_ID", "AWS_CA_BUNDLE",
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


def _build(settings: ClientSettings) -> Connection:
    from botocore.config import Config

    base = session(settings)
    endpoint = (settings.endpoint_url or endpoints.env_endpoint()
                or endpoints.profile_endpoint(base))
    region = region_of(base)
    if region:  # from the environment or a profile: checked here, under that name
        check_region(endpoints.region_source(settings), region)
    if endpoint is None and region is None:
        raise NoRegionError(endpoints.NO_REGION)
    # Credentials are looked for once, before any request (not one error per drift entry);
    # botocore would say "Unable to locate credentials" at the first request.
    remote = endpoint is None or not endpoints.is_loopback(endpoint)
    if remote and base.get_credentials() is None:
        raise CredentialsNotFoundError(NO_CREDENTIALS_MESSAGE)
    # botocore makes one attempt per request; retries.RetryPolicy decides every retry.
    retry_config: dict[str, Any] = {"mode": settings.retry_mode or "standard",
                                    "total_max_attempts": 1}
    deadline = settings.deadline or DEFAULT_TIMEOUT
    config = Config(
        region_name=region or DEFAULT_REGION_LOCAL,
        retries=retry_config,
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
    if endpoint is not None and endpoints.is_loopback(endpoint):
        kwargs["aws_access_key_id"] = os.environ.get("AWS_ACCESS_KEY_ID") or "local"
        kwargs["aws_secret_access_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY") or "local"
        kwargs["aws_session_token"] = os.environ.get("AWS_SESSION_TOKEN")
    elif settings.assume_role is not None:
        base = assumed_session(base, settings.assume_role, region)
    client = base.create_client("cleanroomsml", **kwargs)
    # The credentials the client signs with: those given above, or the session's (the object
    # create_client just resolved, cached by the session; never a second walk of the chain).
    credentials = None if "aws_access_key_id" in kwargs else base.get_credentials()
    connection = Connection(client, client.meta.endpoint_url,
                            region=region or DEFAULT_REGION_LOCAL,
                            endpoint_chosen=endpoint is not None)
    connection.retry_policy = retries.register_retry_policy(
        client, settings.max_attempts or DEFAULT_MAX_ATTEMPTS, connection.deadline)
    retries.refuse_late_sends(client, connection.deadline)
    responses.register(client)  # raw bodies checked before botocore parses them
    if not settings.verify_tls:
        _silence_per_request_tls_warnings()
    from cleanroomsml_tf.output.redaction import watch_client

    watch_client(client, credentials)  # debug logs never show the credentials it signs with
    return connection


def _silence_per_request_tls_warnings() -> None:
    """urllib3 warns on every unverified request; the front ends warn once, by name, instead."""
    import warnings

    from urllib3.exceptions import InsecureRequestWarning

    warnings.filterwarnings("ignore", category=InsecureRequestWarning)
