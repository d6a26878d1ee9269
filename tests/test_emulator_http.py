"""The emulator's fast request parsing, response writing and served bodies change nothing on the
wire: each is checked against the standard library's own code (``http.server``'s parser and
writer, ``email``'s header parser, ``uuid``, ``email.utils.formatdate``) and the general route.
"""

from __future__ import annotations

import email.utils
import http.client
import io
import os
import re
import socket
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from cleanroomsml_tf.emulator import Emulator, example_models, http1, protocol, server
from cleanroomsml_tf.emulator.data import DataSet
from tests.support.example_ids import CHURN, CHURN_V1, CHURN_V2, COLLABORATION, FRAUD, LTV


class _StdlibHandler(server._Handler):
    """The emulator's handler with http.server's own request parser and response writer."""

    parse_request = BaseHTTPRequestHandler.parse_request
    date_time_string = BaseHTTPRequestHandler.date_time_string

    def _send(
        self, status: int, body: bytes, request_id: str, code: str | None, *, send_body: bool,
        close: bool = False,
    ) -> None:
        self.send_response(status)
        if close:
            self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", request_id)
        if code is not None:
            self.send_header("x-amzn-ErrorType", code)
        if status == 405:
            self.send_header("Allow", "GET")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def _reference(monkeypatch: pytest.MonkeyPatch, models: Any, **options: Any) -> Emulator:
    """An emulator with http.server's parser and writer and no precomputed bodies (every
    request routed and checked)."""
    with monkeypatch.context() as patch:
        patch.setattr(server, "_Handler", _StdlibHandler)
        patch.setattr(DataSet, "_served", lambda self: {})
        return Emulator(models, **options).start()


def _target(arn: str = CHURN, query: str = "", collaboration: str = COLLABORATION) -> str:
    return (f"/collaborations/{collaboration}/trained-models/"
            f"{urllib.parse.quote(arn, safe='')}{query}")


BOTO = "Host: x\r\nAccept-Encoding: identity\r\nUser-Agent: Boto3/1.0 md/Botocore#1.0\r\n"
GET = f"GET {_target()} HTTP/1.1\r\n"
REQUESTS = [
    # what botocore sends: served from the precomputed bodies
    GET + BOTO + "\r\n",
    f"GET {_target(query=f'?versionIdentifier={CHURN_V1}')} HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target(query=f'?versionIdentifier={CHURN_V2}')} HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target(FRAUD)} HTTP/1.1\r\n{BOTO}\r\n",
    f"HEAD {_target()} HTTP/1.1\r\n{BOTO}\r\n",
    # another encoding of the same model, errors of every kind
    f"GET {_target().replace('%3A', ':')} HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target(query='?versionIdentifier=')} HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target(query='?versionIdentifier=0f3a1d2c-8b7e-4c59-9a41-2d6e8f0b1c3a')} "
    f"HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target(CHURN[:-1] + '9')} HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target('not-an-arn')} HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target(collaboration='0f3a1d2c-8b7e-4c59-9a41-2d6e8f0b1c3a')} HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target(LTV)} HTTP/1.1\r\n{BOTO}\r\n",  # access denied (below)
    f"POST {_target()} HTTP/1.1\r\n{BOTO}Content-Length: 2\r\n\r\n{{}}",
    f"DELETE {_target()} HTTP/1.1\r\n{BOTO}\r\n",
    f"GET /collaborations/{COLLABORATION}/trained-models HTTP/1.1\r\n{BOTO}\r\n",
    f"GET /collaborations/{COLLABORATION}/trained-models?maxResults=1 HTTP/1.1\r\n{BOTO}\r\n",
    f"GET /collaborations/{COLLABORATION}/trained-models?maxResults=0 HTTP/1.1\r\n{BOTO}\r\n",
    f"GET /collaborations/{COLLABORATION}/trained-models?nextToken=abc HTTP/1.1\r\n{BOTO}\r\n",
    f"GET /nope HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target()}%zz%C3a%A9 HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target()}\xe9 HTTP/1.1\r\n{BOTO}\r\n",
    # request lines http.server treats specially
    f"GET /{_target()} HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target()} HTTP/1.0\r\n{BOTO}\r\n",
    f"GET {_target()}\r\n",
    f"GET {_target()} HTTP/2.0\r\n{BOTO}\r\n",
    f"GET {_target()} HTTP/1.x\r\n{BOTO}\r\n",
    f"GET  {_target()}  HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target()} HTTP/1.1 extra\r\n{BOTO}\r\n",
    f"get {_target()} HTTP/1.1\r\n{BOTO}\r\n",
    f"BREW {_target()} HTTP/1.1\r\n{BOTO}\r\n",
    f"GET {_target()} HTTP/1.1\r\r\n{BOTO}\r\n",
    "\r\n",
    # headers: bodies, connection handling, bounds, and lines only the email parser reads
    GET + BOTO + "Content-Length: abc\r\n\r\n",
    GET + BOTO + "Content-Length: 99999999\r\n\r\n",
    GET + BOTO + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nx",
    GET + BOTO + "Content-Length:    3   \r\n\r\nxyz",
    GET + BOTO + "Connection: close\r\n\r\n",
    f"GET {_target()} HTTP/1.0\r\n{BOTO}Connection: keep-alive\r\n\r\n",
    GET + BOTO + "Expect: 100-continue\r\n\r\n",
    f"GET {_target()} HTTP/1.0\r\n{BOTO}Expect: 100-continue\r\n\r\n",
    GET + BOTO + "X-Folded: a\r\n b\r\nContent-Length: x\r\n\r\n",
    GET + BOTO + "no colon here\r\nContent-Length: x\r\n\r\n",
    GET + BOTO + "X-Control: a\x0cb\r\nContent-Length: x\r\n\r\n",
    GET + BOTO + "X-Cr: a\rContent-Length: x\r\n\r\n",
    GET + BOTO + "Content-Length : 5\r\n\r\n",
    GET + BOTO + ":empty\r\nContent-Length: x\r\n\r\n",
    GET + BOTO + "Content-Length: \xe9\r\n\r\n",
    GET.replace("\r", "") + BOTO.replace("\r", "") + "Content-Length: x\n\n",
    GET + BOTO + "X-Many: 1\r\n" * 96 + "\r\n",  # 100 lines with the blank one: accepted
    GET + BOTO + "X-Many: 1\r\n" * 97 + "\r\n",  # 101: 431
    GET + BOTO + "X-Long: " + "a" * 65526 + "\r\n\r\n",  # 65536 bytes: accepted
    GET + BOTO + "X-Long: " + "a" * 65527 + "\r\n\r\n",  # 65537: 431
    GET + BOTO + "Content-Length: 0",  # the connection ends inside the headers
]


def _exchange(emulator: Emulator, request: str) -> str:
    """The raw response to one request on its own connection (the client then sends EOF),
    with the Date and request id masked."""
    with socket.create_connection(emulator.address, timeout=10) as connection:
        connection.sendall(request.encode("latin-1"))
        connection.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    text = b"".join(chunks).decode("latin-1")
    text = re.sub(r"\r\nDate: [^\r]+\r\n", "\r\nDate: (date)\r\n", text)
    return re.sub(r"x-amzn-RequestId: [0-9a-f-]{36}\r\n", "x-amzn-RequestId: (id)\r\n", text)


@pytest.mark.parametrize("faults", [{}, {"throttle_rate": 0.3, "error_rate": 0.2, "seed": 11}],
                         ids=["no-faults", "seeded-faults"])
def test_responses_are_byte_for_byte_those_of_the_standard_library_path(
    monkeypatch: pytest.MonkeyPatch, faults: dict[str, Any],
) -> None:
    document = {"trainedModels": example_models(), "accessDenied": [LTV]}
    rounds = 3 if faults else 1
    outcomes = []
    for make in (lambda: _reference(monkeypatch, document, log=io.StringIO(), **faults),
                 lambda: Emulator(document, log=io.StringIO(), **faults).start()):
        em = make()
        try:
            responses = [_exchange(em, request) for request in REQUESTS * rounds]
        finally:
            em.stop()
        log = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:(port)", em._log_stream.getvalue())
        outcomes.append((responses, sorted(log.splitlines()), em.request_count,
                         em.injected_faults))
    reference, fast = outcomes
    for request, expected, got in zip(REQUESTS * rounds, reference[0], fast[0], strict=True):
        assert got == expected, request[:120]
    assert fast[1:] == reference[1:]
    statuses = [int(r.split(" ", 2)[1]) for r in fast[0] if r.startswith("HTTP/1.")]
    if faults:
        assert fast[3].throttled > 0 and fast[3].failed > 0
        assert 429 in statuses and 500 in statuses
    else:  # the battery reaches every kind of answer
        assert {200, 400, 403, 404, 405, 413, 431, 501} <= set(statuses)
        assert any(r.startswith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK") for r in fast[0])


def test_precomputed_bodies_follow_replaced_data(make_emulator: Any, example_data: list) -> None:
    em = make_emulator(example_data)
    target = _target()
    before = _json(em, target)
    assert before["versionIdentifier"] == CHURN_V2
    for item in example_data:
        if item["trainedModelArn"] == CHURN:
            item["description"] = "retrained"
    em.replace_models(example_data)
    assert _json(em, target)["description"] == "retrained"
    em.replace_models(example_data, access_denied=[CHURN])
    status, body = _raw(em, target)
    assert status == 403 and "not authorized" in body["message"]
    em.replace_models([m for m in example_data if m["trainedModelArn"] != CHURN])
    assert _raw(em, target)[0] == 404


def _raw(em: Emulator, target: str) -> tuple[int, Any]:
    import json

    connection = http.client.HTTPConnection(*em.address, timeout=10)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def _json(em: Emulator, target: str) -> Any:
    status, body = _raw(em, target)
    assert status == 200, body
    return body


def test_each_served_target_routes_to_its_model() -> None:
    data = DataSet({"trainedModels": example_models(), "accessDenied": [LTV]})
    assert len(data.served_targets) == len(data.served) >= 4
    assert not any(arn == LTV for _, arn, _ in data.served)
    for (collaboration, arn, version), body in data.served.items():
        request = protocol.route(protocol.get_target(collaboration, arn, version))
        assert request is not None and request.operation == protocol.GET
        assert (request.collaboration, request.arn) == (collaboration, arn)
        assert request.query.get("versionIdentifier") == version
        assert data.served_targets[protocol.get_target(collaboration, arn, version)] is body


# -- the pieces, against the standard library ----------------------------------------------------

HEADER_BLOCKS = [
    b"\r\n",
    b"",
    b"Host: x\r\n\r\n",
    b"Host: x\n\n",
    b"A: 1\r\na: 2\r\nB:\r\nC:   \r\nD: \t spaced \t \r\nE:x:y\r\n\r\n",
    b"Content-Length: 1\r\nContent-Length: 2\r\n\r\n",
    b"X-Folded: a\r\n b\r\n\tc\r\nAfter: 1\r\n\r\n",
    b"no colon\r\nAfter: 1\r\n\r\n",
    b"Name : v\r\nAfter: 1\r\n\r\n",
    b":v\r\nAfter: 1\r\n\r\n",
    b"From me\r\nAfter: 1\r\n\r\n",
    b"X: a\x0cb\r\nAfter: 1\r\n\r\n",
    b"X: a\x0bb\x1cc\r\nAfter: 1\r\n\r\n",
    b"X: a\x85b\xa0c\xe9\r\nAfter: 1\r\n\r\n",
    b"X: a\rAfter: 1\r\n\r\n",
    b"X: a\x00b\x7f\r\n\r\n",
    b"X: a\r\r\n\r\n",
    b"Last: no line end",
    b"Host: x\r\nA: 1\r\n",  # the connection ends before the blank line
    b"X\xe9: 1\r\n\r\n",
]


@pytest.mark.parametrize("block", HEADER_BLOCKS)
def test_headers_are_read_like_http_client(block: bytes) -> None:
    expected = http.client.parse_headers(io.BytesIO(block))
    got = http1.read_headers(io.BytesIO(block))
    assert type(got) is http.client.HTTPMessage
    assert got.items() == expected.items()
    assert got.get_all("Content-Length") == expected.get_all("Content-Length")


def test_plain_headers_skip_the_email_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = [b"\r\n", b"", b"Host: x\r\n\r\n", b"Host: x\n\n", HEADER_BLOCKS[4], b"Host: x\r\n",
             BOTO.encode() + b"\r\n"]
    expected = [http.client.parse_headers(io.BytesIO(block)).items() for block in plain]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the email parser was used")

    monkeypatch.setattr(http1.email.parser, "Parser", refuse)
    assert [http1.read_headers(io.BytesIO(block)).items() for block in plain] == expected
    with pytest.raises(AssertionError, match="email parser"):
        http1.read_headers(io.BytesIO(b"X-Folded: a\r\n b\r\n\r\n"))


@pytest.mark.parametrize(("block", "error"), [
    (b"X: 1\r\n" * 100 + b"\r\n", "got more than 100 headers"),
    (b"X: " + b"a" * 65532 + b"\r\n\r\n", "got more than 65536 bytes when reading header line"),
])
def test_header_bounds_are_those_of_http_client(block: bytes, error: str) -> None:
    with pytest.raises(http.client.HTTPException) as expected:
        http.client.parse_headers(io.BytesIO(block))
    with pytest.raises(type(expected.value)) as got:
        http1.read_headers(io.BytesIO(block))
    assert str(got.value) == str(expected.value) == error
    within = block.replace(b"X: 1\r\n", b"", 1).replace(b"a", b"", 1)  # one line or byte less
    assert http1.read_headers(io.BytesIO(within)).items() == http.client.parse_headers(
        io.BytesIO(within)).items()


@pytest.mark.parametrize("line", [
    b"GET /a HTTP/1.1\r\n", b"HEAD /a?b=c HTTP/1.0\n", b"GET //a HTTP/1.1\r\n",
    b"GET /a HTTP/1.2\r\n", b"GET /a\r\n", b"get /a HTTP/1.1\r\n", b"GET  /a HTTP/1.1\r\n",
    b"GET a HTTP/1.1\r\n", b"GET /a\xe9 HTTP/1.1\r\n", b"GET /a HTTP/1.1", b"GET /a HTTP/1.1\r\r\n",
])
def test_only_plain_request_lines_take_the_fast_path(line: bytes) -> None:
    plain = {b"GET /a HTTP/1.1\r\n": ("GET", "/a", "HTTP/1.1"),
             b"HEAD /a?b=c HTTP/1.0\n": ("HEAD", "/a?b=c", "HTTP/1.0")}
    assert http1.simple_request_line(line) == plain.get(line)


def test_request_ids_are_uuid4_text() -> None:
    for raw in (bytes(16), b"\xff" * 16, *(os.urandom(16) for _ in range(200))):
        assert http1.request_id(raw) == str(uuid.UUID(bytes=raw, version=4))
    ids = {http1.request_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(uuid.UUID(i).version == 4 for i in ids)


def test_date_is_formatdate() -> None:
    for timestamp in (0.0, 1.5, 1_700_000_000.999, 4_102_444_800.0):
        assert http1.http_date(timestamp) == email.utils.formatdate(timestamp, usegmt=True)
    import time

    before = email.utils.formatdate(time.time(), usegmt=True)
    now = http1.http_date()
    after = email.utils.formatdate(time.time(), usegmt=True)
    assert now in (before, after)


def test_response_head_is_what_http_server_writes() -> None:
    head = http1.response_head("HTTP/1.1", 404, "Not Found", [("A", "1"), ("b", "x y")])
    assert head == b"HTTP/1.1 404 Not Found\r\nA: 1\r\nb: x y\r\n\r\n"
