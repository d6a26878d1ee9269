"""botocore's exceptions -> the package's typed errors; transport and TLS failures classified.

:func:`translate_error` is the one place a boto3/botocore exception becomes a
:class:`~cleanroomsml_tf.model.errors.RequestError` naming the model, the endpoint and the
request id. The ``is_*`` predicates look through botocore's wrappers for the real cause (a
refused connection, a rejected certificate); the retry handler uses them to stop retrying what
no retry can mend.
"""

from __future__ import annotations

from typing import Any

from cleanroomsml_tf.aws.responses import CUT_SHORT_CODE
from cleanroomsml_tf.aws.settings import DEFAULT_LOCAL_ENDPOINT, DEFAULT_LOCAL_PORT
from cleanroomsml_tf.model.errors import (
    AccessDeniedError,
    CredentialsNotFoundError,
    EndpointUnreachableError,
    MalformedDataError,
    MalformedResponseError,
    ModelContext,
    ModelNotFoundError,
    RequestError,
    RequestTimeoutError,
    ServiceError,
    ServiceValidationError,
    ThrottledError,
    TlsVerificationError,
    shown,
)
from cleanroomsml_tf.output.redaction import redact_urls


class DeadlineExceeded(Exception):
    """Raised inside botocore's send path when a retry would start after the deadline."""


_ERROR_CODES: dict[str, type[RequestError]] = {
    CUT_SHORT_CODE: MalformedResponseError,
    "ResourceNotFoundException": ModelNotFoundError,
    "AccessDeniedException": AccessDeniedError,
    "ValidationException": ServiceValidationError,
    "ThrottlingException": ThrottledError,
    "TooManyRequestsException": ThrottledError,
}


def translate_error(error: Exception, context: ModelContext, endpoint: str) -> Exception:
    """Map a boto3/botocore exception to the package's typed errors (others pass through).

    The endpoint and any URL in the message are shown without user-info or tokens."""
    translated = _translate(error, context, redact_urls(endpoint))
    if isinstance(translated, RequestError) and translated.service_message:
        # botocore's messages repeat the request URL (its user-info and tokens too)
        clean = redact_urls(translated.service_message)
        if clean != translated.service_message:
            translated = type(translated)(context, clean, request_id=translated.request_id,
                                          endpoint=translated.endpoint)
    return translated


NO_CREDENTIALS_MESSAGE = (
    "no AWS credentials found: set AWS_PROFILE (or --profile / the provider's profile) to a "
    "profile of the shared config files, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "
    "where a role provides them (SSO login, ECS task, EC2 instance profile; the instance "
    "metadata service is not asked when AWS_EC2_METADATA_DISABLED=true)"
)


def _translate(error: Exception, context: ModelContext, endpoint: str) -> Exception:
    from botocore import exceptions as bx
    from botocore.parsers import ResponseParserError

    if isinstance(error, MalformedDataError):
        return MalformedResponseError(
            context, error.problem, request_id=error.request_id, endpoint=endpoint
        )
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
    if isinstance(error, bx.NoCredentialsError):
        return CredentialsNotFoundError(NO_CREDENTIALS_MESSAGE)
    if isinstance(error, bx.PartialCredentialsError | bx.NoRegionError):
        return ServiceError(context, str(error), endpoint=endpoint)
    if isinstance(error, bx.BotoCoreError):
        return ServiceError(context, str(error), endpoint=endpoint)
    return error


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
        return (f"{error}; is the local endpoint running? start it with "
                f"`cleanroomsml-tf emulator --port {DEFAULT_LOCAL_PORT}`")
    return str(error)


def is_hopeless(error: BaseException | None) -> bool:
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


X509_V_ERR_HOSTNAME_MISMATCH = 62
"""OpenSSL's verification result for a certificate issued to another host name."""


def is_host_name_rejected(error: BaseException) -> bool:
    """True when the certificate was rejected for naming another host (urllib3's check, or
    ``ssl``'s, whose ``verify_code`` says so)."""
    import ssl

    from urllib3.util.ssl_match_hostname import CertificateError

    if _wraps(error, CertificateError):
        return True
    found = _wrapped(error, ssl.SSLCertVerificationError)
    return getattr(found, "verify_code", None) == X509_V_ERR_HOSTNAME_MISMATCH


def _wraps(
    error: BaseException, kind: type[BaseException] | tuple[type[BaseException], ...]
) -> bool:
    return _wrapped(error, kind) is not None


def _wrapped(
    error: BaseException, kind: type[BaseException] | tuple[type[BaseException], ...]
) -> BaseException | None:
    """``error`` or the first exception it wraps that is a ``kind`` (None when none is)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        wrapped: Any = getattr(current, "kwargs", {}).get("error")  # botocore keeps the cause here
        current = wrapped if isinstance(wrapped, BaseException) else (
            current.__cause__ or current.__context__)
    return None
