"""The emulator over real HTTP: boto3 for what boto3 can send, raw HTTP for what it cannot."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from cleanroomsml_tf.emulator import Emulator, EmulatorDataError
from cleanroomsml_tf.model.record import TRAINED_MODEL_SUMMARY, normalize
from tests.support.example_ids import ARN_PREFIX, CHURN, CHURN_V1, CHURN_V2
from tests.support.example_ids import COLLABORATION as COLLAB
from tests.support.example_ids import FRAUD as LEGACY

OTHER_COLLAB = "00000000-0000-4000-8000-000000000000"
UNKNOWN_UUID = "ffffffff-ffff-4fff-8fff-ffffffffffff"


def client(url: str, attempts: int = 1) -> Any:
    """A plain boto3 client (not ours: these tests check the wire protocol itself)."""
    return boto3.client(
        "cleanroomsml", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
    )


def raw_get(url: str, target: str, method: str = "GET") -> tuple[int, dict[str, str], Any]:
    """(status, lower-cased headers, parsed JSON body) for a raw request."""
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    try:
        conn.request(method, target)
        response = conn.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, json.loads(body) if body else None
    finally:
        conn.close()


def error_of(call: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    return (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"],
            response["Error"]["Message"])


# -- GetCollaborationTrainedModel ----------------------------------------------------------------


def test_latest_version_is_greatest_create_time(emulator: Emulator) -> None:
    response = client(emulator.url).get_collaboration_trained_model(
        trainedModelArn=CHURN, collaborationIdentifier=COLLAB
    )
    assert response["versionIdentifier"] == CHURN_V2
    assert response["createTime"].isoformat() == "2026-10-15T12:00:00.250000+00:00"
    assert response["ResponseMetadata"]["RequestId"]  # from x-amzn-RequestId
    record = normalize(response)
    assert record["create_time"] == "2026-10-15T12:00:00.25Z"
    assert record["incremental_training_data_channels"] == [
        {"channel_name": "incremental", "version_identifier": CHURN_V1,
         "model_name": "churn-predictor"}
    ]
    assert record["training_input_mode"] == "FastFile"
    assert record["resource_config"] == {
        "instance_count": 2, "instance_type": "ml.m5.2xlarge", "volume_size_in_gb": 100
    }


def test_specific_version(emulator: Emulator) -> None:
    response = client(emulator.url).get_collaboration_trained_model(
        trainedModelArn=CHURN, collaborationIdentifier=COLLAB, versionIdentifier=CHURN_V1
    )
    assert response["versionIdentifier"] == CHURN_V1
    assert "incrementalTrainingDataChannels" not in response


def test_older_api_model_normalizes_absent_members_to_null(emulator: Emulator) -> None:
    response = client(emulator.url).get_collaboration_trained_model(
        trainedModelArn=LEGACY, collaborationIdentifier=COLLAB
    )
    record = normalize(response)
    assert record["trained_model_arn"] == LEGACY
    assert record["version_identifier"] is None
    assert record["incremental_training_data_channels"] is None
    assert record["training_input_mode"] is None


def test_request_ids_differ_per_request(emulator: Emulator) -> None:
    ids = {raw_get(emulator.url, f"/collaborations/{COLLAB}/trained-models")[1]["x-amzn-requestid"]
           for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize(
    ("arn", "collaboration", "version", "fragment"),
    [
        (CHURN, COLLAB, UNKNOWN_UUID, f"Version {UNKNOWN_UUID}"),
        (ARN_PREFIX + "nope", COLLAB, None, "not found in collaboration"),
        (CHURN, OTHER_COLLAB, None, f"Collaboration {OTHER_COLLAB} not found"),
    ],
)
def test_unknown_version_model_or_collaboration_is_404(
    emulator: Emulator, arn: str, collaboration: str, version: str | None, fragment: str
) -> None:
    params = {"trainedModelArn": arn, "collaborationIdentifier": collaboration}
    if version:
        params["versionIdentifier"] = version
    code, status, message = error_of(
        lambda: client(emulator.url).get_collaboration_trained_model(**params)
    )
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert fragment in message


def test_arn_is_one_percent_encoded_segment(emulator: Emulator) -> None:
    encoded = urllib.parse.quote(CHURN, safe="")
    target = f"/collaborations/{COLLAB}/trained-models/{encoded}?versionIdentifier={CHURN_V1}"
    status, headers, body = raw_get(emulator.url, target)
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert body["versionIdentifier"] == CHURN_V1
    # Unencoded slashes make it a different (unknown) path, not the same model.
    status, headers, _ = raw_get(emulator.url, f"/collaborations/{COLLAB}/trained-models/{CHURN}")
    assert (status, headers["x-amzn-errortype"]) == (404, "UnknownOperationException")


# -- validation (400): raw HTTP, because our client refuses bad input before sending ----------


@pytest.mark.parametrize(
    ("target", "member"),
    [
        (f"/collaborations/NOT-A-UUID/trained-models/{urllib.parse.quote(CHURN, safe='')}",
         "collaborationIdentifier"),
        (f"/collaborations/{COLLAB}/trained-models/arn%3Aaws%3As3%3A%3A%3Abucket",
         "trainedModelArn"),
        (f"/collaborations/{COLLAB}/trained-models/{urllib.parse.quote(CHURN, safe='')}"
         "?versionIdentifier=v1", "versionIdentifier"),
        (f"/collaborations/{COLLAB}/trained-models/{urllib.parse.quote(CHURN, safe='')}"
         "?versionIdentifier=", "versionIdentifier"),
        ("/collaborations/bad/trained-models", "collaborationIdentifier"),
        (f"/collaborations/{COLLAB}/trained-models?maxResults=0", "maxResults"),
        (f"/collaborations/{COLLAB}/trained-models?maxResults=101", "maxResults"),
        (f"/collaborations/{COLLAB}/trained-models?maxResults=ten", "maxResults"),
        (f"/collaborations/{COLLAB}/trained-models?nextToken=", "nextToken"),
    ],
)
def test_bad_inputs_are_400_validation_exception(
    emulator: Emulator, target: str, member: str
) -> None:
    status, headers, body = raw_get(emulator.url, target)
    assert status == 400
    assert headers["x-amzn-errortype"] == "ValidationException"
    assert f"'{member}'" in body["message"]


@pytest.mark.parametrize("token", ["garbage!", "eyJjIjoieCIsIm8iOjF9", "bm90IGpzb24"])
def test_bad_next_token_is_400(emulator: Emulator, token: str) -> None:
    code, status, message = error_of(
        lambda: client(emulator.url).list_collaboration_trained_models(
            collaborationIdentifier=COLLAB, nextToken=token
        )
    )
    assert (code, status) == ("ValidationException", 400)
    assert "nextToken" in message


def test_token_of_another_collaboration_is_refused(make_emulator: Any, example_data: list) -> None:
    copy = {**example_data[0], "collaborationIdentifier": OTHER_COLLAB}
    em = make_emulator([*example_data, copy])
    first = client(em.url).list_collaboration_trained_models(
        collaborationIdentifier=COLLAB, maxResults=1
    )
    code, status, _ = error_of(lambda: client(em.url).list_collaboration_trained_models(
        collaborationIdentifier=OTHER_COLLAB, nextToken=first["nextToken"]
    ))
    assert (code, status) == ("ValidationException", 400)


# -- unknown paths and methods ------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/", "/collaborations", "/collaborations/x/models",
                                    f"/collaborations/{COLLAB}/trained-models/"])
def test_unknown_path_is_404_unknown_operation(emulator: Emulator, target: str) -> None:
    status, headers, body = raw_get(emulator.url, target)
    assert (status, headers["x-amzn-errortype"]) == (404, "UnknownOperationException")
    assert body["message"]


def test_wrong_method_is_405(emulator: Emulator) -> None:
    status, headers, body = raw_get(
        emulator.url, f"/collaborations/{COLLAB}/trained-models", method="DELETE"
    )
    assert status == 405
    assert headers["allow"] == "GET"
    assert "ListCollaborationTrainedModels" in body["message"]


# -- ListCollaborationTrainedModels -------------------------------------------------------------


def test_list_returns_latest_summary_per_model(emulator: Emulator, example_data: list) -> None:
    response = client(emulator.url).list_collaboration_trained_models(
        collaborationIdentifier=COLLAB
    )
    summaries = response["collaborationTrainedModels"]
    assert "nextToken" not in response
    arns = {m["trainedModelArn"] for m in example_data}
    assert [s["trainedModelArn"] for s in summaries] == sorted(
        arns, key=[m["trainedModelArn"] for m in example_data].index
    )
    churn = next(s for s in summaries if s["trainedModelArn"] == CHURN)
    assert churn["versionIdentifier"] == CHURN_V2
    allowed = {a.api_name for a in TRAINED_MODEL_SUMMARY}
    for summary in summaries:
        assert set(summary) <= allowed
    assert "resourceConfig" not in churn  # Get-only member


def test_list_paginates_with_paginator_and_raw_tokens(emulator: Emulator) -> None:
    c = client(emulator.url)
    everything = c.list_collaboration_trained_models(collaborationIdentifier=COLLAB)
    expected = [s["trainedModelArn"] for s in everything["collaborationTrainedModels"]]
    pages = list(c.get_paginator("list_collaboration_trained_models").paginate(
        collaborationIdentifier=COLLAB, PaginationConfig={"PageSize": 1}
    ))
    assert len(pages) == len(expected)
    assert [p["collaborationTrainedModels"][0]["trainedModelArn"] for p in pages] == expected

    seen, token = [], None
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = c.list_collaboration_trained_models(
            collaborationIdentifier=COLLAB, maxResults=2, **kwargs
        )
        assert len(page["collaborationTrainedModels"]) <= 2
        seen += [s["trainedModelArn"] for s in page["collaborationTrainedModels"]]
        token = page.get("nextToken")
        if token is None:
            break
    assert seen == expected


def test_list_unknown_collaboration_is_404(emulator: Emulator) -> None:
    code, status, _ = error_of(lambda: client(emulator.url).list_collaboration_trained_models(
        collaborationIdentifier=OTHER_COLLAB
    ))
    assert (code, status) == ("ResourceNotFoundException", 404)


# -- access denied, faults -----------------------------------------------------------------------


@pytest.mark.parametrize("denied", [COLLAB, CHURN])
def test_access_denied_is_403(make_emulator: Any, denied: str) -> None:
    em = make_emulator(access_denied=[denied])
    code, status, _ = error_of(lambda: client(em.url).get_collaboration_trained_model(
        trainedModelArn=CHURN, collaborationIdentifier=COLLAB
    ))
    assert (code, status) == ("AccessDeniedException", 403)
    # The other model is readable unless the whole collaboration is denied.
    if denied == CHURN:
        client(em.url).get_collaboration_trained_model(
            trainedModelArn=LEGACY, collaborationIdentifier=COLLAB
        )


def test_access_denied_from_data_document_applies_to_list(
    make_emulator: Any, example_data: list
) -> None:
    em = make_emulator({"trainedModels": example_data, "accessDenied": [COLLAB]})
    code, status, _ = error_of(lambda: client(em.url).list_collaboration_trained_models(
        collaborationIdentifier=COLLAB
    ))
    assert (code, status) == ("AccessDeniedException", 403)


def test_throttling_is_retried_then_raised(make_emulator: Any) -> None:
    em = make_emulator(throttle_rate=1.0, seed=7)
    code, status, _ = error_of(lambda: client(em.url, attempts=2).get_collaboration_trained_model(
        trainedModelArn=CHURN, collaborationIdentifier=COLLAB
    ))
    assert (code, status) == ("ThrottlingException", 429)
    assert em.request_count == 2  # botocore retried once


def test_injected_server_error_is_500(make_emulator: Any) -> None:
    em = make_emulator(error_rate=1.0, seed=1)
    code, status, _ = error_of(lambda: client(em.url, attempts=2).list_collaboration_trained_models(
        collaborationIdentifier=COLLAB
    ))
    assert (code, status) == ("InternalServerException", 500)
    assert em.request_count == 2


def test_seeded_faults_are_reproducible(make_emulator: Any) -> None:
    def statuses(em: Emulator) -> list[int]:
        return [raw_get(em.url, f"/collaborations/{COLLAB}/trained-models")[0] for _ in range(30)]

    first = statuses(make_emulator(throttle_rate=0.3, error_rate=0.3, seed=42))
    second = statuses(make_emulator(throttle_rate=0.3, error_rate=0.3, seed=42))
    assert first == second
    assert {200, 429, 500} <= set(first)


def test_set_faults_at_runtime(make_emulator: Any) -> None:
    em = make_emulator()
    target = f"/collaborations/{COLLAB}/trained-models"
    assert raw_get(em.url, target)[0] == 200
    em.set_faults(throttle_rate=1.0)
    assert raw_get(em.url, target)[0] == 429
    em.set_faults(throttle_rate=0.0)
    assert raw_get(em.url, target)[0] == 200
    with pytest.raises(ValueError, match="throttle_rate"):
        em.set_faults(throttle_rate=2)


def test_latency_delays_and_stop_releases_held_requests(make_emulator: Any) -> None:
    import threading
    import time

    em = make_emulator(latency_ms=60_000)
    url = em.url
    outcome: list[object] = []

    def call() -> None:
        try:
            outcome.append(raw_get(url, f"/collaborations/{COLLAB}/trained-models")[0])
        except OSError as error:
            outcome.append(error)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    time.sleep(0.2)
    assert not outcome  # held
    started = time.monotonic()
    em.stop()
    thread.join(5)
    assert time.monotonic() - started < 3
    assert outcome


# -- data swaps and counting ---------------------------------------------------------------------


def test_replace_models_and_request_count(make_emulator: Any, example_data: list) -> None:
    em = make_emulator(example_data)
    assert em.request_count == 0
    changed = [dict(m) for m in example_data]
    for item in changed:
        if item["trainedModelArn"] == CHURN:
            item["status"] = "DELETE_PENDING"
    em.replace_models(changed)
    response = client(em.url).get_collaboration_trained_model(
        trainedModelArn=CHURN, collaborationIdentifier=COLLAB
    )
    assert response["status"] == "DELETE_PENDING"  # a value newer botocore may not know is fine
    assert em.request_count == 1
    with pytest.raises(EmulatorDataError):
        em.replace_models([{"name": "broken"}])
    # The old data stays after a refused swap.
    assert client(em.url).get_collaboration_trained_model(
        trainedModelArn=CHURN, collaborationIdentifier=COLLAB
    )["status"] == "DELETE_PENDING"


def test_concurrent_clients(emulator: Emulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    c = client(emulator.url)
    before = emulator.request_count

    def lookup(_: int) -> str:
        return c.get_collaboration_trained_model(
            trainedModelArn=CHURN, collaborationIdentifier=COLLAB
        )["versionIdentifier"]

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lookup, range(400)))
    assert set(results) == {CHURN_V2}
    assert emulator.request_count - before == 400


def test_keep_alive_requests_are_fast(emulator: Emulator) -> None:
    """A functional check against the ~40 ms Nagle/delayed-ACK stall, not a benchmark."""
    import statistics
    import time

    parsed = urllib.parse.urlparse(emulator.url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    target = f"/collaborations/{COLLAB}/trained-models/{urllib.parse.quote(CHURN, safe='')}"
    durations = []
    try:
        for _ in range(200):
            started = time.perf_counter()
            conn.request("GET", target)
            response = conn.getresponse()
            response.read()
            durations.append(time.perf_counter() - started)
            assert response.status == 200
    finally:
        conn.close()
    assert statistics.median(durations) < 0.010


def test_stopped_emulator_closes_keep_alive_connections(make_emulator: Any) -> None:
    from botocore.exceptions import ConnectionClosedError, EndpointConnectionError

    em = make_emulator()
    c = client(em.url)
    c.list_collaboration_trained_models(collaborationIdentifier=COLLAB)  # pooled connection
    em.stop()
    with pytest.raises((EndpointConnectionError, ConnectionClosedError)):
        c.list_collaboration_trained_models(collaborationIdentifier=COLLAB)
