"""The restJson1 wire protocol of the two operations: routes, input checks, errors, tokens.

What botocore expects (``botocore/parsers.py``, ``RestJSONParser``): the error code in the
``x-amzn-ErrorType`` header, the message in the body's ``message``, the request id in
``x-amzn-RequestId``. Inputs are checked like the service does, against the installed service
model's patterns and lengths, and rejected with 400 ValidationException.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import urllib.parse
from dataclasses import dataclass, field

from cleanroomsml_tf.model.errors import InvalidInputError
from cleanroomsml_tf.model.identifiers import validate_field

GET = "GetCollaborationTrainedModel"
LIST = "ListCollaborationTrainedModels"
DEFAULT_PAGE_SIZE = 100


class ServiceException(Exception):
    """An error response: HTTP status, ``x-amzn-ErrorType`` code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def validation_error(message: str) -> ServiceException:
    """400 ValidationException."""
    return ServiceException(400, "ValidationException", message)


def not_found(message: str) -> ServiceException:
    """404 ResourceNotFoundException."""
    return ServiceException(404, "ResourceNotFoundException", message)


def access_denied(message: str) -> ServiceException:
    """403 AccessDeniedException."""
    return ServiceException(403, "AccessDeniedException", message)


def throttled() -> ServiceException:
    """429 ThrottlingException (botocore retries it)."""
    return ServiceException(429, "ThrottlingException", "Rate exceeded")


def internal_error(message: str = "Internal server error") -> ServiceException:
    """500 InternalServerException (botocore retries it)."""
    return ServiceException(500, "InternalServerException", message)


def unknown_operation(method: str, path: str) -> ServiceException:
    """404 for a path no operation serves."""
    return ServiceException(
        404, "UnknownOperationException", f"No operation matches {method} {path}"
    )


def method_not_allowed(method: str, operation: str) -> ServiceException:
    """405 for a known path with the wrong method."""
    return ServiceException(
        405, "UnknownOperationException", f"{operation} only accepts GET, not {method}"
    )


def bad_request(message: str) -> ServiceException:
    """400 for a request the HTTP layer cannot read (a Content-Length that is not a number)."""
    return ServiceException(400, "BadRequestException", message)


def payload_too_large(message: str) -> ServiceException:
    """413 for a body above the emulator's bound."""
    return ServiceException(413, "PayloadTooLargeException", message)


def error_body(error: ServiceException) -> bytes:
    """The JSON body of an error response."""
    return json.dumps({"message": error.message}).encode("utf-8")


@dataclass(frozen=True)
class Request:
    """A routed request: which operation and its decoded inputs."""

    operation: str
    collaboration: str
    arn: str | None = None
    query: dict[str, str] = field(default_factory=dict)


def route(raw_target: str) -> Request | None:
    """Match a raw request target (path and query, still percent-encoded) to an operation.

    The ARN is one path segment with its ``/`` and ``:`` percent-encoded, so the raw path is split
    on ``/`` *before* unquoting each segment. ``None`` when no operation serves the path.
    """
    raw_path, _, raw_query = raw_target.partition("?")
    segments = raw_path.split("/")
    if len(segments) not in (4, 5) or segments[0] != "" or segments[1] != "collaborations":
        return None
    if segments[3] != "trained-models" or not segments[2]:
        return None
    query = _query(raw_query)
    collaboration = urllib.parse.unquote(segments[2])
    if len(segments) == 4:
        return Request(LIST, collaboration, query=query)
    if not segments[4]:
        return None
    return Request(GET, collaboration, urllib.parse.unquote(segments[4]), query)


def get_target(collaboration: str, arn: str, version: str | None = None) -> str:
    """The request target botocore sends for GetCollaborationTrainedModel (path labels and the
    query value percent-encoded with only ``-._~`` and alphanumerics left as they are).
    :func:`route` reads it back as ``Request(GET, collaboration, arn, {...})``."""
    target = (f"/collaborations/{urllib.parse.quote(collaboration, safe='')}/trained-models/"
              f"{urllib.parse.quote(arn, safe='')}")
    if version is None:
        return target
    return f"{target}?versionIdentifier={urllib.parse.quote(version, safe='')}"


def _query(raw_query: str) -> dict[str, str]:
    # The first value wins for a repeated parameter; blanks are kept so that
    # ``versionIdentifier=`` is rejected as too short instead of being ignored.
    out: dict[str, str] = {}
    for name, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True):
        out.setdefault(name, value)
    return out


def check(field_name: str, member: str, value: str) -> str:
    """Validate an input like the service: 400 ValidationException naming the member."""
    try:
        return validate_field(field_name, value)
    except InvalidInputError as error:
        raise validation_error(
            f"1 validation error detected: Value {value!r} at '{member}' failed to satisfy "
            f"constraint: Member must be {error.expected}"
        ) from None


@functools.cache
def max_results_range() -> tuple[int, int]:
    """(min, max) of ``maxResults`` from the service model."""
    from cleanroomsml_tf.model.service_model import LIST_OPERATION, operation

    meta = operation(LIST_OPERATION).input_shape.members["maxResults"].metadata
    return int(meta.get("min", 1)), int(meta.get("max", DEFAULT_PAGE_SIZE))


def page_size(value: str | None) -> int:
    """The ``maxResults`` query parameter as an int in the model's range (400 otherwise)."""
    low, high = max_results_range()
    if value is None:
        return min(DEFAULT_PAGE_SIZE, high)
    try:
        size = int(value)
    except ValueError:
        size = None
    if size is None or not low <= size <= high:
        raise validation_error(
            f"1 validation error detected: Value {value!r} at 'maxResults' failed to satisfy "
            f"constraint: Member must be an integer from {low} to {high}"
        )
    return size


def encode_token(collaboration: str, offset: int) -> str:
    """An opaque pagination token: where the next page starts, bound to the collaboration."""
    raw = json.dumps({"c": collaboration, "o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_token(token: str, collaboration: str) -> int:
    """The offset a token encodes; 400 ValidationException for anything we did not issue."""
    check("next_token", "nextToken", token)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        offset = data["o"]
        valid = data["c"] == collaboration and isinstance(offset, int) and offset >= 0
    except (binascii.Error, ValueError, TypeError, KeyError):
        valid = False
    if not valid:
        raise validation_error(f"Invalid nextToken {token!r}: not issued for this request")
    return offset
