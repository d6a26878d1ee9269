"""Raw response checks: what botocore's lenient parser would let through, caught on the bytes.

Registered on every client :func:`cleanroomsml_tf.aws.connection.connect` builds. A success
body must be a JSON object fitting the API's shape (the strict rules of
:func:`cleanroomsml_tf.model.record.normalize`), a body cut short is an error, and an error
body that is not the API's JSON (a proxy's HTML page) is replaced by one whose message gives
the status and a sanitized snippet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cleanroomsml_tf.model import record as record_table
from cleanroomsml_tf.model.errors import MalformedDataError, shown

CUT_SHORT_CODE = "CleanroomsmlTfBodyCutShort"
"""The error code :func:`_check_response` gives a response whose body was cut short."""


def register(client: Any) -> None:
    """Have ``client`` check every raw response before botocore parses it.

    botocore's parser is lenient where a wrong value could slip through (``int(2.5)``, ``True``
    as an epoch timestamp, a non-JSON 200 body read as ``{}``, a body cut short accepted as is),
    and it fails with bare ``ValueError``/``AttributeError`` elsewhere. :func:`_check_response`
    sees the bytes first.
    """
    events = client.meta.events
    events.register("before-parse.cleanroomsml", _check_response)
    events.register_first("needs-retry.cleanroomsml", _sync_status)


def _sync_status(response: Any = None, **_: Any) -> None:
    """botocore's ``needs-retry`` hook: the HTTP status :func:`_check_response` gave a response
    becomes its real one, so retries and the final error follow it (as botocore does for S3)."""
    if response is None:
        return
    http_response, parsed = response
    meta = parsed.get("ResponseMetadata") if isinstance(parsed, Mapping) else None
    status = meta.get("HTTPStatusCode") if isinstance(meta, Mapping) else None
    if status and status != http_response.status_code:
        http_response.status_code = status


_CHECKED_OPERATIONS: dict[str, Callable[[Any], Any]] = {
    "GetCollaborationTrainedModel": record_table.normalize,
    "ListCollaborationTrainedModels": record_table.normalize_page,
}


def _check_response(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
    """botocore's ``before-parse`` hook: raw response checks, by HTTP status.

    * a body shorter than its Content-Length (botocore reads with ``enforce_content_length``
      off) becomes a 502 with error code :data:`CUT_SHORT_CODE`: retried like a dropped
      connection, then reported as a :class:`MalformedResponseError`;
    * success with a body that is not a JSON object, or whose members do not fit the API's
      shape (the same strict rules as :func:`cleanroomsml_tf.model.record.normalize`):
      :class:`MalformedDataError`, naming the member path;
    * an error status whose body is not the API's JSON error (a proxy's HTML page, an empty
      body): the body is replaced by a JSON error whose message gives the status and a short,
      sanitized snippet, so botocore's retries and error codes work as for any error.
    """
    status = response_dict.get("status_code") or 0
    headers = response_dict.get("headers") or {}
    body = response_dict.get("body")
    if not isinstance(body, bytes):
        return  # a streamed body: nothing to check here
    request_id = headers.get("x-amzn-requestid") or None
    declared = str(headers.get("content-length") or "")
    if declared.isdigit() and int(declared) > len(body):
        message = (f"HTTP {status}: the body was cut short, the connection closed after "
                   f"{len(body)} of {declared} bytes")
        response_dict["status_code"] = 502
        response_dict["body"] = _error_body(message, CUT_SHORT_CODE)
        return
    document, problem = _json_object(body, headers)
    if status >= 300:
        if problem is None and not _is_error_document(document):
            problem = f"the body is not an error in the API's JSON form: {_snippet(body)}"
        if problem is not None:
            import http.client

            reason = http.client.responses.get(status, "")
            message = f"HTTP {status} {reason}".rstrip() + f"; {problem}"
            response_dict["body"] = _error_body(message)
        return
    if problem is not None:
        raise MalformedDataError(f"HTTP {status}: {problem}", request_id=request_id)
    check = _CHECKED_OPERATIONS.get(getattr(operation_model, "name", ""))
    if check is not None:
        try:
            check(document)
        except MalformedDataError as error:
            error.request_id = error.request_id or request_id
            raise


def _error_body(message: str, code: str | None = None) -> bytes:
    """A JSON error body as botocore reads it (``__type`` the code, ``message`` the message)."""
    import json

    document = {"message": message} if code is None else {"__type": code, "message": message}
    return json.dumps(document).encode("utf-8")


def _json_object(body: bytes, headers: Mapping[str, Any]) -> tuple[Any, str | None]:
    """The decoded JSON object in ``body``, or ``(None, what is wrong with it)``."""
    import json

    if not body.strip():
        return None, "the body is empty"
    try:
        document = json.loads(body.decode("utf-8"))
    except ValueError:  # not UTF-8, or not JSON
        content_type = headers.get("content-type") or "no Content-Type"
        return None, f"the body is not JSON ({content_type}): {_snippet(body)}"
    if not isinstance(document, dict):
        return None, f"the body is {shown(document)}, expected a JSON object"
    return document, None


def _is_error_document(document: Mapping[str, Any]) -> bool:
    """True when botocore can read ``document`` as an error: its code and message are strings."""
    return all(
        isinstance(document.get(key), str | None)
        for key in ("__type", "code", "Code", "message", "Message")
    )


def _snippet(body: bytes, limit: int = 80) -> str:
    """A short, one-line, quoted sample of a body: an HTML page's text, not its markup."""
    import html
    import re

    try:
        text = body.decode("utf-8")[: 16 * 1024]
    except UnicodeDecodeError:
        return shown(body[:limit], limit)  # binary: the bytes, escaped
    if re.search(r"<[a-zA-Z!/]", text):
        text = re.sub(r"(?is)<(script|style)\b.*?(</\1\s*>|$)", " ", text)
        text = html.unescape(re.sub(r"(?s)<[^>]*>?", " ", text))
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return shown(text, limit)
