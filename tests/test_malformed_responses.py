"""Malformed responses (issue #6): real boto3, real HTTP, a server that answers with canned bytes.

Every case either normalizes (the forward-compatible ones: enum values newer than botocore,
members newer than the table) or fails with one line naming what was wrong, the model, the
endpoint and the request id when there is one. Never a traceback, never a guessed value.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.emulator import example_models
from cleanroomsml_tf.model import record
from cleanroomsml_tf.model.errors import (
    CleanroomsmlTfError,
    EndpointUnreachableError,
    MalformedResponseError,
    RequestError,
    ServiceError,
    ThrottledError,
)
from cleanroomsml_tf.model.identifiers import ModelRef
from tests.support.emulator import run_cli
from tests.support.example_ids import CHURN, CHURN_V2, COLLABORATION
from tests.support.raw_server import RawRequest, RawServer, Reply, raw_server  # noqa: F401

HTML = {"Content-Type": "text/html", "x-amzn-RequestId": None}
"""What a proxy's error page looks like: HTML, no AWS request id."""


def _good() -> dict[str, Any]:
    """churn-predictor v2 exactly as the service sends it (newer API shape, every member)."""
    return copy.deepcopy(next(m for m in example_models()
                              if m.get("versionIdentifier") == CHURN_V2))


def _with(**members: Any) -> dict[str, Any]:
    body = _good()
    body.update(members)
    return body


def _without(*names: str) -> dict[str, Any]:
    body = _good()
    for name in names:
        body.pop(name)
    return body


def _nested(member: str, **changes: Any) -> dict[str, Any]:
    body = _good()
    body[member] = {**body[member], **changes}
    for name, value in changes.items():
        if value is _DROP:
            del body[member][name]
    return body


_DROP = object()


def _get(server: RawServer, attempts: int = 1) -> dict[str, Any]:
    resolver = Resolver(ClientSettings(endpoint_url=server.url, max_attempts=attempts))
    return resolver.get_trained_model(ModelRef(CHURN, COLLABORATION))


def _list(server: RawServer, attempts: int = 1) -> list[dict[str, Any]]:
    resolver = Resolver(ClientSettings(endpoint_url=server.url, max_attempts=attempts))
    return resolver.list_trained_models(COLLABORATION)


def _assert_one_line(error: CleanroomsmlTfError, server: RawServer, *needles: str) -> str:
    message = str(error)
    assert "\n" not in message and "Traceback" not in message
    assert server.url in message, message
    assert COLLABORATION in message, message
    for needle in needles:
        assert needle in message, message
    return message


# --- forward-compatible: these normalize ----------------------------------------------------


def test_unknown_enum_values_pass_through_as_strings(raw_server):  # noqa: F811
    body = _with(status="QUANTUM_PENDING", trainingInputMode="Stream",
                 metricsStatus="PUBLISH_DEFERRED", logsStatus="PUBLISH_PARTIAL")
    body["resourceConfig"]["instanceType"] = "ml.z9.mega"
    got = _get(raw_server(Reply(body)))
    assert (got["status"], got["training_input_mode"]) == ("QUANTUM_PENDING", "Stream")
    assert (got["metrics_status"], got["logs_status"]) == ("PUBLISH_DEFERRED", "PUBLISH_PARTIAL")
    assert got["resource_config"] == {
        "instance_count": 2, "instance_type": "ml.z9.mega", "volume_size_in_gb": 100}


def test_unknown_members_are_dropped_everywhere(raw_server):  # noqa: F811
    body = _with(brandNewMember={"nested": [1, 2]}, anotherOne="x")
    body["resourceConfig"]["acceleratorCount"] = 8
    body["statusDetails"] = {"statusCode": "OK", "message": "done", "hint": "new"}
    body["incrementalTrainingDataChannels"] = [
        {"channelName": "c", "modelName": "m", "channelVersion": 3}]
    got = _get(raw_server(Reply(body)))
    expected = record.normalize(_good())
    expected["status_details"] = {"status_code": "OK", "message": "done"}
    expected["incremental_training_data_channels"] = [
        {"channel_name": "c", "version_identifier": None, "model_name": "m"}]
    assert got == expected


def test_optional_members_absent_or_null_normalize_to_null(raw_server):  # noqa: F811
    body = _without("versionIdentifier", "trainingInputMode", "statusDetails")
    body.update(description=None, incrementalTrainingDataChannels=None)
    body["resourceConfig"].pop("instanceCount")
    got = _get(raw_server(Reply(body)))
    assert got["version_identifier"] is None and got["training_input_mode"] is None
    assert got["status_details"] is None and got["description"] is None
    assert got["incremental_training_data_channels"] is None
    assert got["resource_config"] == {
        "instance_count": None, "instance_type": "ml.m5.2xlarge", "volume_size_in_gb": 100}
    assert got["name"] == "churn-predictor" and got["trained_model_arn"] == CHURN


# --- members that do not fit the API's shape: the member path, the value, the expected form ---

MEMBER_CASES = {
    "required missing": (_without("status"), "required member status is missing"),
    "required null": (_with(name=None), "required member name is null"),
    "nested required missing": (
        _nested("resourceConfig", volumeSizeInGB=_DROP),
        "required member resourceConfig.volumeSizeInGB is missing"),
    "list item required missing": (
        _with(incrementalTrainingDataChannels=[{"channelName": "c"}]),
        "required member incrementalTrainingDataChannels[0].modelName is missing"),
    "string is a number": (_with(name=42), "member name is 42, expected a string"),
    "string is an object": (
        _with(description={"text": "hi"}),
        "member description is {'text': 'hi'}, expected a string"),
    "enum is a list": (_with(status=["ACTIVE"]), "member status is ['ACTIVE'], expected a string"),
    "integer is a word": (
        _nested("resourceConfig", instanceCount="two"),
        "member resourceConfig.instanceCount is 'two', expected an integer"),
    "integer is a numeric string": (
        _nested("resourceConfig", instanceCount="2"),
        "member resourceConfig.instanceCount is '2', expected an integer"),
    "integer is a fraction": (
        _nested("resourceConfig", volumeSizeInGB=2.5),
        "member resourceConfig.volumeSizeInGB is 2.5, expected an integer"),
    "integer is a boolean": (
        _nested("stoppingCondition", maxRuntimeInSeconds=True),
        "member stoppingCondition.maxRuntimeInSeconds is True, expected an integer"),
    "object is a string": (
        _with(resourceConfig="ml.m5.xlarge"),
        "member resourceConfig is 'ml.m5.xlarge', expected an object"),
    "object is a list": (
        _with(statusDetails=[]), "member statusDetails is [], expected an object"),
    "list is an object": (
        _with(incrementalTrainingDataChannels={"channelName": "c", "modelName": "m"}),
        "member incrementalTrainingDataChannels is {'channelName': 'c', 'modelName': 'm'}, "
        "expected a list of objects"),
    "list item is null": (
        _with(incrementalTrainingDataChannels=[None]),
        "member incrementalTrainingDataChannels[0] is null, expected an object"),
    "list item is a string": (
        _with(incrementalTrainingDataChannels=["incremental"]),
        "member incrementalTrainingDataChannels[0] is 'incremental', expected an object"),
    "timestamp is a word": (
        _with(createTime="yesterday"),
        "member createTime is 'yesterday', expected an ISO-8601 timestamp"),
    "timestamp is epoch seconds": (
        _with(updateTime=1767225600),
        "member updateTime is 1767225600, expected an ISO-8601 timestamp"),
    "timestamp is a boolean": (
        _with(createTime=True), "member createTime is True, expected an ISO-8601 timestamp"),
}


@pytest.mark.parametrize(("body", "expected"), MEMBER_CASES.values(), ids=MEMBER_CASES.keys())
def test_member_that_does_not_fit_fails_naming_it(raw_server, body, expected):  # noqa: F811
    server = raw_server(Reply(body))
    with pytest.raises(MalformedResponseError) as caught:
        _get(server)
    message = _assert_one_line(caught.value, server, "malformed response", CHURN,
                               "(latest version)", expected, "[request id raw-1]")
    assert caught.value.request_id == "raw-1"
    assert message.count(expected) == 1


def test_long_values_are_cut_in_the_message(raw_server):  # noqa: F811
    server = raw_server(Reply(_with(description=["y" * 500])))
    with pytest.raises(MalformedResponseError) as caught:
        _get(server)
    message = _assert_one_line(caught.value, server, "member description is ['yyyy")
    assert "y" * 100 not in message and "...," in message


# --- bodies that are not the API's JSON at all ------------------------------------------------

BODY_CASES = {
    "not JSON": (
        Reply(b"OK", headers={"Content-Type": "text/plain"}),
        "HTTP 200: the body is not JSON (text/plain): 'OK'"),
    "empty": (Reply(b""), "HTTP 200: the body is empty"),
    "a JSON list": (Reply(b"[1, 2]"), "HTTP 200: the body is [1, 2], expected a JSON object"),
    "a JSON string": (Reply(b'"ACTIVE"'), "HTTP 200: the body is 'ACTIVE', expected a JSON object"),
    "HTML with 200 (a proxy's login page)": (
        Reply(b"<html><head><title>Sign in</title></head>\n<body><form>Corporate proxy"
              b"</form></body></html>", headers={"Content-Type": "text/html; charset=utf-8"}),
        "HTTP 200: the body is not JSON (text/html; charset=utf-8): 'Sign in Corporate proxy'"),
    "not UTF-8": (
        Reply(b"\xff\xfe{\x00}", headers={"Content-Type": "application/octet-stream"}),
        "the body is not JSON (application/octet-stream): b'\\xff\\xfe{\\x00}'"),
}


@pytest.mark.parametrize(("reply", "expected"), BODY_CASES.values(), ids=BODY_CASES.keys())
def test_body_that_is_not_a_json_object_fails(raw_server, reply, expected):  # noqa: F811
    server = raw_server(reply)
    with pytest.raises(MalformedResponseError) as caught:
        _get(server, attempts=3)
    _assert_one_line(caught.value, server, "malformed response", CHURN, expected,
                     "[request id raw-1]")
    assert server.request_count == 1  # a malformed answer is not retried


CUT_SHORT = Reply(json.dumps(_good()).encode()[:100], declared_length=len(json.dumps(_good())))


def test_body_cut_short_is_retried_then_reported(raw_server):  # noqa: F811
    # botocore reads bodies with urllib3's enforce_content_length off: without the response
    # check, the first 100 bytes would be parsed as {} and every member would be None.
    server = raw_server(CUT_SHORT)
    with pytest.raises(MalformedResponseError) as caught:
        _get(server, attempts=2)
    _assert_one_line(
        caught.value, server, "malformed response", CHURN,
        f"HTTP 200: the body was cut short, the connection closed after 100 of "
        f"{len(json.dumps(_good()))} bytes (gave up after 2 attempts)", "[request id raw-2]")
    assert server.request_count == 2


def test_body_cut_short_once_is_retried_into_the_record(raw_server):  # noqa: F811
    server = raw_server([CUT_SHORT, Reply(_good())])
    assert _get(server, attempts=2) == record.normalize(_good())
    assert server.request_count == 2


def test_chunked_body_cut_short_is_retried_then_reported(raw_server):  # noqa: F811
    # botocore reads chunked bodies itself: a missing last chunk is ConnectionClosedError,
    # retried like any dropped connection.
    server = raw_server(Reply(json.dumps(_good()).encode()[:100], chunked=True, cut=True))
    with pytest.raises(EndpointUnreachableError) as caught:
        _get(server, attempts=2)
    _assert_one_line(caught.value, server, CHURN, "Connection was closed")
    assert server.request_count == 2


# --- error statuses whose body is not the API's JSON error (proxies, load balancers) ----------

NGINX_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
             b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
             b"</body>\r\n</html>\r\n")
ALB_503 = (b"<!DOCTYPE html>\n<html><head><style>body{font:12px}</style><script>var a='<b>';"
           b"</script></head>\n<body><p>503 Service Temporarily Unavailable</p></body></html>")

STATUS_CASES = {
    "502 HTML from nginx": (
        Reply(NGINX_502, status=502, headers=HTML), ServiceError,
        "HTTP 502 Bad Gateway; the body is not JSON (text/html): "
        "'502 Bad Gateway 502 Bad Gateway nginx'"),
    "503 HTML with doctype, style and script": (
        Reply(ALB_503, status=503, headers=HTML), ServiceError,
        "HTTP 503 Service Unavailable; the body is not JSON (text/html): "
        "'503 Service Temporarily Unavailable'"),
    "504 empty body": (
        Reply(b"", status=504, headers={"x-amzn-RequestId": None}), ServiceError,
        "HTTP 504 Gateway Timeout; the body is empty"),
    "500 JSON list": (
        Reply(b"[1]", status=500), ServiceError,
        "HTTP 500 Internal Server Error; the body is [1], expected a JSON object"),
    "403 HTML from a filtering proxy": (
        Reply(b"<html><body>Blocked by policy</body></html>", status=403, headers=HTML),
        ServiceError, "HTTP 403 Forbidden; the body is not JSON (text/html): 'Blocked by policy'"),
    "400 JSON error with an object as message": (
        Reply({"message": {"en": "bad"}}, status=400), ServiceError,
        "HTTP 400 Bad Request; the body is not an error in the API's JSON form"),
    "429 HTML": (
        Reply(b"<html><body>Slow down</body></html>", status=429, headers=HTML), ThrottledError,
        "HTTP 429 Too Many Requests; the body is not JSON (text/html): 'Slow down'"),
}


@pytest.mark.parametrize(("reply", "cls", "expected"), STATUS_CASES.values(),
                         ids=STATUS_CASES.keys())
def test_error_status_with_a_foreign_body_names_status_and_snippet(
    raw_server, reply, cls, expected  # noqa: F811
):
    server = raw_server(reply)
    with pytest.raises(RequestError) as caught:
        _get(server, attempts=2)
    assert type(caught.value) is cls
    message = _assert_one_line(caught.value, server, CHURN, expected)
    assert "<" not in message
    retried = reply.status >= 500 or reply.status == 429
    assert server.request_count == (2 if retried else 1)
    if retried:
        assert "gave up after 2 attempts" in message


def test_proxy_page_request_id_is_named_when_there_is_one(raw_server):  # noqa: F811
    server = raw_server(Reply(NGINX_502, status=502, headers={"Content-Type": "text/html"}))
    with pytest.raises(ServiceError) as caught:
        _get(server)
    _assert_one_line(caught.value, server, "HTTP 502 Bad Gateway", "[request id raw-1]")


# --- lists: every page checked, pagination that would never end -------------------------------


def _summary(index: int = 0, **changes: Any) -> dict[str, Any]:
    summary = {a.api_name: _good().get(a.api_name) for a in record.TRAINED_MODEL_SUMMARY}
    summary = {k: v for k, v in summary.items() if v is not None}
    summary["name"] = f"model-{index}"
    summary.update(changes)
    return summary


def _pages(*pages: dict[str, Any]):
    """A responder: page N (1-based) for ``nextToken`` ``tN``, the first page without one."""

    def reply(request: RawRequest) -> Reply:
        token = request.query.get("nextToken", ["t0"])[0]
        return Reply(pages[int(token[1:])])

    return reply


def test_list_with_unknown_enum_and_extra_members_normalizes(raw_server):  # noqa: F811
    server = raw_server(_pages(
        {"collaborationTrainedModels": [_summary(0, status="ARCHIVED", shiny=True)],
         "nextToken": "t1", "newPageMember": 1},
        {"collaborationTrainedModels": [_summary(1)]},
    ))
    got = _list(server)
    assert [(s["name"], s["status"]) for s in got] == [("model-0", "ARCHIVED"),
                                                       ("model-1", "ACTIVE")]
    assert set(got[0]) == {a.name for a in record.TRAINED_MODEL_SUMMARY}
    assert got[1] == record.normalize_summary(_summary(1))
    assert server.request_count == 2


LIST_CASES = {
    "list member missing": (
        [{"nextToken": None}], "required member collaborationTrainedModels is missing"),
    "list member is an object": (
        [{"collaborationTrainedModels": {"name": "x"}}],
        "member collaborationTrainedModels is {'name': 'x'}, expected a list of objects"),
    "summary is a string": (
        [{"collaborationTrainedModels": ["model-0"]}],
        "member collaborationTrainedModels[0] is 'model-0', expected an object"),
    "summary member of the wrong type on page 2": (
        [{"collaborationTrainedModels": [_summary(0)], "nextToken": "t1"},
         {"collaborationTrainedModels": [_summary(1), _summary(2, createTime="soon")]}],
        "member collaborationTrainedModels[1].createTime is 'soon', expected an ISO-8601 "
        "timestamp"),
    "summary required member missing": (
        [{"collaborationTrainedModels": [
            {k: v for k, v in _summary(0).items() if k != "trainedModelArn"}]}],
        "required member collaborationTrainedModels[0].trainedModelArn is missing"),
    "nextToken is a number": (
        [{"collaborationTrainedModels": [], "nextToken": 2}],
        "member nextToken is 2, expected a string"),
}


@pytest.mark.parametrize(("pages", "expected"), LIST_CASES.values(), ids=LIST_CASES.keys())
def test_list_page_that_does_not_fit_fails_naming_the_member(
    raw_server, pages, expected  # noqa: F811
):
    server = raw_server(_pages(*pages))
    with pytest.raises(MalformedResponseError) as caught:
        _list(server)
    _assert_one_line(caught.value, server, "malformed response",
                     f"trained models of collaboration {COLLABORATION}", expected,
                     f"[request id raw-{len(pages)}]")


def test_list_page_that_is_not_json_fails(raw_server):  # noqa: F811
    server = raw_server(Reply(b"<html>maintenance</html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(MalformedResponseError) as caught:
        _list(server)
    _assert_one_line(caught.value, server, "HTTP 200: the body is not JSON (text/html): "
                     "'maintenance'")


def test_same_next_token_forever_stops_at_once(raw_server):  # noqa: F811
    server = raw_server(Reply({"collaborationTrainedModels": [_summary()], "nextToken": "again"}))
    with pytest.raises(MalformedResponseError) as caught:
        _list(server)
    _assert_one_line(caught.value, server, "nextToken 'again' came back on page 2",
                     "the listing would never end", "[request id raw-2]")
    assert server.request_count == 2


def test_next_tokens_in_a_cycle_stop_too(raw_server):  # noqa: F811
    page = {"collaborationTrainedModels": [_summary()]}
    server = raw_server(_pages({**page, "nextToken": "t1"}, {**page, "nextToken": "t2"},
                               {**page, "nextToken": "t1"}))
    with pytest.raises(MalformedResponseError, match="nextToken 't1' came back on page 3"):
        _list(server)
    assert server.request_count == 3


# --- as users see it: one line from the CLI, a diagnostic in Terraform ------------------------

CLI_CASES = {
    "wrong type": (
        Reply(_nested("resourceConfig", instanceCount="two")),
        "member resourceConfig.instanceCount is 'two', expected an integer"),
    "HTML 502": (Reply(NGINX_502, status=502, headers=HTML), "HTTP 502 Bad Gateway"),
    "cut short": (
        Reply(b'{"name": "churn', declared_length=4096),
        "the body was cut short, the connection closed after 15 of 4096 bytes"),
}


@pytest.mark.parametrize(("reply", "expected"), CLI_CASES.values(), ids=CLI_CASES.keys())
def test_cli_prints_one_line_and_exits_1(raw_server, reply, expected):  # noqa: F811
    server = raw_server(reply)
    result = run_cli(
        "describe", "--trained-model-arn", CHURN, "--collaboration-identifier", COLLABORATION,
        "--endpoint-url", server.url, "--max-attempts", "1",
    )
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cleanroomsml-tf describe: ")
    for needle in (expected, CHURN, COLLABORATION, server.url):
        assert needle in lines[0]


def test_plugin_turns_it_into_a_diagnostic_with_its_own_summary(raw_server):  # noqa: F811
    from cleanroomsml_tf.plugin.diagnostics import Diagnostics, add_exception

    server = raw_server(Reply(_with(createTime="soon")))
    with pytest.raises(MalformedResponseError) as caught:
        _get(server)
    diags = Diagnostics()
    add_exception(diags, caught.value, "reading cleanroomsml_collaboration_trained_model")
    assert diags.has_errors()
    [diagnostic] = diags.diagnostics
    assert diagnostic.summary == "Malformed response from Clean Rooms ML"
    assert "member createTime is 'soon'" in diagnostic.detail and server.url in diagnostic.detail
