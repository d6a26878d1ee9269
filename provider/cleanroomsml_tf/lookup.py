"""Resolve trained models: validate, call Clean Rooms ML, normalize, translate errors.

This is the one way every front end (CLI, Terraform plugin, CDKTF synth-time mode, drift)
resolves a model::

    resolver = Resolver(ClientSettings(endpoint_url="http://127.0.0.1:8790"))
    record = resolver.get_trained_model(ModelRef(arn, collaboration))

A :class:`Resolver` is cheap and thread-safe; the botocore client behind it is shared per
settings (see :mod:`cleanroomsml_tf.client`). Every raw response is checked before botocore
parses it (:func:`_check_response`): a malformed one fails with
:class:`~cleanroomsml_tf.errors.MalformedResponseError`, never with a guessed value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from cleanroomsml_tf import record as record_table
from cleanroomsml_tf.client import (
    DEFAULT_LOCAL_ENDPOINT,
    DEFAULT_LOCAL_PORT,
    DEFAULT_TIMEOUT,
    ClientSettings,
    Connection,
    DeadlineExceeded,
    connect,
    is_host_name_rejected,
)
from cleanroomsml_tf.errors import (
    AccessDeniedError,
    EndpointUnreachableError,
    MalformedDataError,
    MalformedResponseError,
    ModelContext,
    ModelNotFoundError,
    RequestError,
    RequestTimeoutError,
    ServiceError,
    ServiceValidationError,
    StatusNotAllowedError,
    ThrottledError,
    TlsVerificationError,
    shown,
)
from cleanroomsml_tf.identifiers import ModelRef, validate_field
from cleanroomsml_tf.responses import CUT_SHORT_CODE

T = TypeVar("T")
R = TypeVar("R")

_ERROR_CODES: dict[str, type[RequestError]] = {
    CUT_SHORT_CODE: MalformedResponseError,
    "ResourceNotFoundException": ModelNotFoundError,
    "AccessDeniedException": AccessDeniedError,
    "ValidationException": ServiceValidationError,
    "ThrottlingException": ThrottledError,
    "TooManyRequestsException": ThrottledError,
}


class Resolver:
    """Resolves trained models with one shared client."""

    def __init__(self, settings: ClientSettings | None = None) -> None:
        self.settings = settings or ClientSettings()
        self._connection: Connection | None = None

    @property
    def connection(self) -> Connection:
        """The shared connection (built on first use, so constructing a Resolver is free)."""
        if self._connection is None:
            self._connection = connect(self.settings)
        return self._connection

    def get_trained_model(self, ref: ModelRef) -> dict[str, Any]:
        """The normalized record of ``ref`` (latest version when it names none)."""
        ref.validate()
        params: dict[str, Any] = {
            "trainedModelArn": ref.trained_model_arn,
            "collaborationIdentifier": ref.collaboration_identifier,
        }
        if ref.version_identifier:
            params["versionIdentifier"] = ref.version_identifier
        context = ModelContext(
            ref.collaboration_identifier, ref.trained_model_arn, ref.version_identifier
        )
        client = self.connection.client
        return self._call(context, lambda: _normalized(
            client.get_collaboration_trained_model(**params), record_table.normalize))

    def list_trained_models(self, collaboration_identifier: str) -> list[dict[str, Any]]:
        """Normalized summaries of every trained model of a collaboration (all pages)."""
        validate_field("collaboration_identifier", collaboration_identifier)
        context = ModelContext(collaboration_identifier)
        paginator = self.connection.client.get_paginator("list_collaboration_trained_models")

        def fetch_all() -> list[dict[str, Any]]:
            summaries: list[dict[str, Any]] = []
            tokens: set[str] = set()  # a token seen before means the listing would never end
            for page in paginator.paginate(collaborationIdentifier=collaboration_identifier):
                items, token = _normalized(page, record_table.normalize_page)
                summaries.extend(items)
                if token is not None and token in tokens:
                    raise MalformedDataError(
                        f"nextToken {shown(token)} came back on page {len(tokens) + 1}: the "
                        "listing would never end", request_id=_request_id(page))
                if token is not None:
                    tokens.add(token)
            return summaries

        return self._call(context, fetch_all)

    def _call(self, context: ModelContext, call: Callable[[], T]) -> T:
        connection = self.connection
        connection.set_deadline(self.settings.deadline or DEFAULT_TIMEOUT)
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - translated, never leaked as a traceback
            raise translate_error(error, context, connection.endpoint) from None
        finally:
            connection.set_deadline(None)


def translate_error(error: Exception, context: ModelContext, endpoint: str) -> Exception:
    """Map a boto3/botocore exception to the package's typed errors (others pass through)."""
    from botocore import exceptions as bx
    from botocore.parsers import ResponseParserError

    if isinstance(error, MalformedDataError):
        return MalformedResponseError(
            context, error.problem, request_id=error.request_id, endpoint=endpoint
        )
    if isinstance(error, bx.PaginationError) and "same next token" in str(error):
        message = "the same nextToken came back twice in a row: the listing would never end"
        return MalformedResponseError(context, message, endpoint=endpoint)
    if isinstance(error, ResponseParserError):
        message = " ".join(str(error).split())
        return MalformedResponseError(context, shown(message, 200), endpoint=endpoint)
    if isinstance(error, bx.ClientError):
        info = error.response.get("Error", {})
        meta = error.response.get("ResponseMetadata", {})
        code = info.get("Code", "")
        status = meta.get("HTTPStatusCode")
        cls = _ERROR_CODES.get(code)
        if cls is None:
            cls = ThrottledError if status == 429 else ServiceError
        message = info.get("Message") or (f"{code} (HTTP {status})" if code else f"HTTP {status}")
        retries = meta.get("RetryAttempts") or 0
        if retries:
            message += f" (gave up after {retries + 1} attempts)"
        return cls(context, message, request_id=meta.get("RequestId") or None, endpoint=endpoint)
    if isinstance(error, bx.SSLError):
        return TlsVerificationError(context, _tls_message(error), endpoint=endpoint)
    if isinstance(error, DeadlineExceeded | bx.ReadTimeoutError | bx.ConnectTimeoutError):
        message = _transport_message(error, endpoint)
        return RequestTimeoutError(context, message, endpoint=endpoint)
    if isinstance(error, bx.EndpointConnectionError | bx.ConnectionClosedError):
        message = _transport_message(error, endpoint)
        return EndpointUnreachableError(context, message, endpoint=endpoint)
    if isinstance(error, bx.NoCredentialsError | bx.PartialCredentialsError | bx.NoRegionError):
        return ServiceError(context, str(error), endpoint=endpoint)
    if isinstance(error, bx.BotoCoreError):
        return ServiceError(context, str(error), endpoint=endpoint)
    return error


def _normalized(response: Any, normalize: Callable[[Any], R]) -> R:
    """``normalize(response)``; a malformed one's error gets the response's request id."""
    try:
        return normalize(response)
    except MalformedDataError as error:
        error.request_id = error.request_id or _request_id(response)
        raise


def _request_id(response: Any) -> str | None:
    meta = response.get("ResponseMetadata") if isinstance(response, Mapping) else None
    return (meta.get("RequestId") or None) if isinstance(meta, Mapping) else None


def _tls_message(error: Exception) -> str:
    text = str(error)
    if is_host_name_rejected(error):
        # Trusting a CA cannot help a certificate issued to another name.
        return (f"{text}; the certificate was issued to another host name: use an endpoint URL "
                "whose host the certificate names (AWS_CA_BUNDLE only helps when it is the "
                "certificate authority that is not trusted)")
    return (
        f"{text}; trust the endpoint's certificate authority with AWS_CA_BUNDLE=/path/to/ca.pem "
        "(turning verification off with insecure = true / --no-verify-ssl is possible, but "
        "lets anyone on the network path forge model records)"
    )


def _transport_message(error: Exception, endpoint: str) -> str:
    if isinstance(error, DeadlineExceeded):
        return "the overall deadline passed before the call could be retried"
    if endpoint.rstrip("/") == DEFAULT_LOCAL_ENDPOINT:
        return (
            f"{error}; no endpoint or AWS region is configured, so the local endpoint is the "
            f"default: start it with `cleanroomsml-tf emulator --port {DEFAULT_LOCAL_PORT}`, or "
            "set AWS_REGION (or --region/--endpoint-url) to reach AWS"
        )
    return str(error)


def check_status(
    record: dict[str, Any], allowed: Iterable[str] | None, context: ModelContext
) -> None:
    """Raise :class:`StatusNotAllowedError` unless the record's status is in ``allowed``.

    ``allowed=None`` disables the gate.
    """
    if allowed is None:
        return
    allowed = tuple(allowed)
    if record.get("status") not in allowed:
        raise StatusNotAllowedError(context, record.get("status"), allowed)
