"""Typed errors. Every message is complete on one line and names what it is about.

Users see ``str(error)``, never a traceback: the CLI prints it, the plugin turns it into a
diagnostic (``summary`` + ``detail``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class CleanroomsmlTfError(Exception):
    """Base class of every error this package raises on purpose."""

    summary = "Clean Rooms ML error"

    @property
    def detail(self) -> str:
        """The full, one-line message (the diagnostic detail in Terraform)."""
        return str(self)


class InvalidInputError(CleanroomsmlTfError, ValueError):
    """An input failed validation before any request was sent."""

    summary = "Invalid input"

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"invalid {field} {value!r}: expected {expected}")


class ConfigurationError(CleanroomsmlTfError):
    """Client settings that cannot work (unknown profile, bad retry mode...)."""

    summary = "Invalid configuration"


class NoRegionError(ConfigurationError):
    """Neither an endpoint nor a region is configured: there is nowhere to send a request."""

    summary = "No region configured"


class ProfileNotFoundError(ConfigurationError):
    """The selected AWS profile is in none of the shared config files."""

    summary = "AWS profile not found"


class CredentialsNotFoundError(ConfigurationError):
    """The AWS credential chain found no credentials."""

    summary = "No AWS credentials"


@dataclass(frozen=True)
class ModelContext:
    """What a request was about; every lookup error carries one."""

    collaboration_identifier: str
    trained_model_arn: str | None = None
    version_identifier: str | None = None

    def describe(self) -> str:
        """``trained model ARN (version V|latest version) in collaboration C``."""
        if self.trained_model_arn is None:
            return f"trained models of collaboration {self.collaboration_identifier}"
        version = (
            f"version {self.version_identifier}" if self.version_identifier else "latest version"
        )
        return (
            f"trained model {self.trained_model_arn} ({version}) "
            f"in collaboration {self.collaboration_identifier}"
        )


class RequestError(CleanroomsmlTfError):
    """A request to Clean Rooms ML failed. Subclasses say how."""

    summary = "Clean Rooms ML request failed"
    reason = "request failed"

    def __init__(
        self,
        context: ModelContext,
        message: str | None = None,
        *,
        request_id: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        self.context = context
        self.service_message = message
        self.request_id = request_id
        self.endpoint = endpoint
        parts = [f"{self.reason}: {context.describe()}"]
        if message:
            parts.append(f": {message}")
        if endpoint:
            parts.append(f" (endpoint {endpoint})")
        if request_id:
            parts.append(f" [request id {request_id}]")
        super().__init__("".join(parts))


class ModelNotFoundError(RequestError):
    """ResourceNotFoundException: no such model, version or collaboration."""

    summary = "Trained model not found"
    reason = "not found"


class ModelNameNotFoundError(ModelNotFoundError):
    """No trained model of the collaboration has the name asked for (lookup by name)."""

    def __init__(self, collaboration_identifier: str, name: str, listed: Sequence[str] = (),
                 *, endpoint: str | None = None) -> None:
        self.name = name
        self.listed = tuple(listed)
        known = ", ".join(shown(n, 40) for n in self.listed[:5])
        more = ", ..." if len(self.listed) > 5 else ""
        names = f": {known}{more}" if self.listed else ""
        super().__init__(ModelContext(collaboration_identifier), endpoint=endpoint)
        self.args = (
            f"no trained model named {shown(name)} in collaboration {collaboration_identifier} "
            f"({len(self.listed)} listed{names})" + (f" (endpoint {endpoint})" if endpoint else ""),
        )


class AmbiguousModelNameError(CleanroomsmlTfError):
    """Several trained models of the collaboration have the name asked for."""

    summary = "Ambiguous trained model name"

    def __init__(self, collaboration_identifier: str, name: str, arns: Sequence[str]) -> None:
        self.collaboration_identifier = collaboration_identifier
        self.name = name
        self.arns = tuple(arns)
        super().__init__(
            f"{len(self.arns)} trained models are named {shown(name)} in collaboration "
            f"{collaboration_identifier}: {', '.join(shown(a, 2100) for a in self.arns)}; "
            "name one by its ARN instead"
        )


class AccessDeniedError(RequestError):
    """AccessDeniedException: the caller may not read the model."""

    summary = "Access denied"
    reason = "access denied"


class ServiceValidationError(RequestError):
    """ValidationException: the service rejected the request."""

    summary = "Request rejected by Clean Rooms ML"
    reason = "rejected as invalid"


class ThrottledError(RequestError):
    """ThrottlingException that outlasted every retry."""

    summary = "Throttled"
    reason = "throttled after all retries"


class EndpointUnreachableError(RequestError):
    """The endpoint refused or dropped the connection, or its host does not resolve."""

    summary = "Endpoint unreachable"
    reason = "endpoint unreachable"


class TlsVerificationError(EndpointUnreachableError):
    """The endpoint's TLS certificate could not be verified (verification is on by default)."""

    summary = "TLS certificate verification failed"
    reason = "TLS certificate verification failed"


class RequestTimeoutError(RequestError):
    """Connecting or reading timed out, or the overall deadline passed."""

    summary = "Request timed out"
    reason = "timed out"


class ServiceError(RequestError):
    """Any other service or transport failure (5xx after retries, malformed response...)."""

    summary = "Clean Rooms ML error"
    reason = "service error"


class MalformedResponseError(ServiceError):
    """A response that is not what the API promises: a body that is not JSON or is cut short,
    a member of the wrong type or a required one missing, a pagination token sent twice."""

    summary = "Malformed response from Clean Rooms ML"
    reason = "malformed response"


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters (with ``...``): safe in a one-line message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class MalformedDataError(CleanroomsmlTfError, ValueError):
    """Data without the API's shape, found where no request context is known (normalization,
    the response check). :func:`cleanroomsml_tf.aws.resolver.translate_error` turns it into a
    :class:`MalformedResponseError` naming the model, the endpoint and the request id.

    ``problem`` is the one-line description; ``path`` the API member path (``resourceConfig.
    instanceCount``) when a member is at fault; ``request_id`` is filled in when known.
    """

    summary = MalformedResponseError.summary

    def __init__(
        self, problem: str, *, path: str | None = None, request_id: str | None = None
    ) -> None:
        self.problem = problem
        self.path = path
        self.request_id = request_id
        super().__init__(problem)


class MalformedRecordError(MalformedDataError):
    """A member of the wrong type, or a required member missing or null.

    ``member resourceConfig.instanceCount is 'two', expected an integer``;
    ``required member status is missing``; ``required member name is null``.
    Leave ``value`` out (or pass :attr:`ABSENT`) for a member the response does not have.
    """

    ABSENT: object = object()
    """``value`` of a member the response does not have."""

    def __init__(
        self, path: str, value: object = ABSENT, expected: str = "", *,
        required: bool = False, request_id: str | None = None,
    ) -> None:
        self.value = None if value is self.ABSENT else value
        self.expected = expected
        if value is self.ABSENT:
            problem = f"required member {path} is missing"
        elif value is None and required:
            problem = f"required member {path} is null"
        else:
            received = "null" if value is None else shown(value)
            problem = f"member {path} is {received}, expected {expected}"
        super().__init__(problem, path=path, request_id=request_id)


class StatusNotAllowedError(CleanroomsmlTfError):
    """The model's status is not one the caller allows (the deployment gate)."""

    summary = "Trained model status not allowed"

    def __init__(self, context: ModelContext, status: str | None, allowed: tuple[str, ...]):
        self.context = context
        self.status = status
        self.allowed = allowed
        super().__init__(
            f"{context.describe()} has status {status}, "
            f"but only {', '.join(allowed)} {'is' if len(allowed) == 1 else 'are'} allowed"
        )
