"""The lookup core over real HTTP: real boto3 against the local endpoint, no stubbing."""

from __future__ import annotations

import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from cleanroomsml_tf.aws.connection import connect
from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_TIMEOUT,
    AssumeRole,
    ClientSettings,
)
from cleanroomsml_tf.model import record
from cleanroomsml_tf.model.errors import (
    AccessDeniedError,
    ConfigurationError,
    ModelContext,
    ModelNotFoundError,
    NoRegionError,
    StatusNotAllowedError,
)
from cleanroomsml_tf.model.identifiers import ModelRef
from cleanroomsml_tf.model.record import check_status
from cleanroomsml_tf.plugin.config import settings_from_provider_config
from tests.support.emulator import run_cli
from tests.support.example_ids import (
    ARN_PREFIX,
    CHURN,
    CHURN_V1,
    CHURN_V2,
    COLLABORATION,
    FRAUD,
)


def _resolver(url: str, **kwargs) -> Resolver:
    return Resolver(ClientSettings(endpoint_url=url, **kwargs))


def test_latest_version_is_the_newest(emulator, example_data):
    got = _resolver(emulator.url).get_trained_model(ModelRef(CHURN, COLLABORATION))
    expected = next(m for m in example_data if m.get("versionIdentifier") == CHURN_V2)
    assert got == record.normalize(expected)
    assert got["version_identifier"] == CHURN_V2


def test_specific_version(emulator):
    got = _resolver(emulator.url).get_trained_model(ModelRef(CHURN, COLLABORATION, CHURN_V1))
    assert got["version_identifier"] == CHURN_V1
    assert got["resource_config"]["instance_type"] == "ml.m5.xlarge"
    assert got["incremental_training_data_channels"] is None


def test_older_api_shape_over_http(emulator):
    got = _resolver(emulator.url).get_trained_model(ModelRef(FRAUD, COLLABORATION))
    assert got["version_identifier"] is None
    assert got["training_input_mode"] is None
    assert got["resource_config"]["volume_size_in_gb"] == 30
    assert got["create_time"] == "2025-06-30T23:59:59Z"


def test_list_reads_every_page(make_emulator, example_data):
    models = []
    for i in range(23):
        item = dict(example_data[2])
        item["trainedModelArn"] = ARN_PREFIX + f"model-{i:03d}"
        item["name"] = f"model-{i:03d}"
        models.append(item)
    server = make_emulator(models=models)
    resolver = _resolver(server.url)
    resolver.connection.client.meta.events.register(
        "before-parameter-build.cleanroomsml.ListCollaborationTrainedModels",
        lambda params, **_: params.setdefault("maxResults", 5),
    )
    before = server.request_count
    summaries = resolver.list_trained_models(COLLABORATION)
    assert sorted(s["name"] for s in summaries) == [f"model-{i:03d}" for i in range(23)]
    assert server.request_count - before == 5  # 23 models, 5 per page
    assert set(summaries[0]) == {a.name for a in record.TRAINED_MODEL_SUMMARY}


def test_not_found_names_model_collaboration_and_request_id(emulator):
    missing = ARN_PREFIX + "does-not-exist"
    with pytest.raises(ModelNotFoundError) as caught:
        _resolver(emulator.url).get_trained_model(ModelRef(missing, COLLABORATION))
    message = str(caught.value)
    assert missing in message and COLLABORATION in message and "latest version" in message
    assert caught.value.request_id and caught.value.request_id in message


def test_unknown_version_is_not_found(emulator):
    version = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(ModelNotFoundError, match=version):
        _resolver(emulator.url).get_trained_model(ModelRef(CHURN, COLLABORATION, version))


def test_access_denied(make_emulator):
    server = make_emulator(access_denied=(COLLABORATION,))
    with pytest.raises(AccessDeniedError) as caught:
        _resolver(server.url).get_trained_model(ModelRef(CHURN, COLLABORATION))
    assert CHURN in str(caught.value) and caught.value.request_id


def test_one_client_shared_by_threads(emulator):
    settings = ClientSettings(endpoint_url=emulator.url)
    clients = set()

    def resolve(_: int) -> str:
        resolver = Resolver(settings)
        clients.add(id(resolver.connection.client))
        return resolver.get_trained_model(ModelRef(CHURN, COLLABORATION))["name"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        names = list(pool.map(resolve, range(64)))
    assert names == ["churn-predictor"] * 64
    assert len(clients) == 1


def test_endpoint_variables_are_honoured(monkeypatch, emulator):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLEANROOMSML", emulator.url)
    connection = connect(ClientSettings(read_timeout=7))  # distinct settings: fresh client
    assert connection.endpoint.rstrip("/") == emulator.url


def test_changing_the_endpoint_variable_gets_a_client_for_the_new_place(monkeypatch, emulator):
    settings = ClientSettings(read_timeout=19)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLEANROOMSML", "http://127.0.0.1:1")
    first = connect(settings)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLEANROOMSML", emulator.url)
    second = connect(settings)
    assert first.endpoint.rstrip("/") == "http://127.0.0.1:1"
    assert second.endpoint.rstrip("/") == emulator.url
    assert connect(settings) is second


def test_no_endpoint_and_no_region_is_an_error_not_the_local_endpoint():
    """The local endpoint is used only when chosen: with neither an endpoint nor a region there
    is nowhere to send a request, and the error says how to set one (no request is sent)."""
    with pytest.raises(NoRegionError, match="no region configured: .*AWS_REGION.*--endpoint-url"):
        connect(ClientSettings(read_timeout=11))
    with pytest.raises(NoRegionError):
        Resolver(ClientSettings(max_attempts=1, read_timeout=23)).get_trained_model(
            ModelRef(CHURN, COLLABORATION))


def _port_is_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_configured_region_targets_aws(monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret-not-used")
    connection = connect(ClientSettings(read_timeout=13))
    assert connection.endpoint == "https://cleanrooms-ml.eu-west-1.amazonaws.com"


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (ClientSettings(retry_mode="eager"), "retry_mode"),
        (ClientSettings(max_attempts=0), "max_attempts"),
        (ClientSettings(endpoint_url="localhost:8790"), "endpoint"),
        (ClientSettings(read_timeout=-1), "read_timeout"),
        (ClientSettings(profile="no-such-profile", region="us-east-1"), "profile"),
    ],
)
def test_bad_settings_name_the_setting(settings, field):
    with pytest.raises(ConfigurationError, match=field):
        connect(settings)


def test_provider_configuration_maps_onto_settings():
    unknown = object()
    config = {"region": "eu-west-1", "endpoint": unknown, "max_attempts": 4.0,
              "shared_config_files": ["~/c", unknown],
              "assume_role": {"role_arn": "arn:aws:iam::1:role/r", "external_id": None}}
    settings = settings_from_provider_config(config, unknown=unknown)
    assert settings == ClientSettings(
        region="eu-west-1", max_attempts=4, shared_config_files=("~/c",),
        assume_role=AssumeRole("arn:aws:iam::1:role/r"))
    with pytest.raises(ConfigurationError, match="max_attempts 2.5"):
        settings_from_provider_config({"max_attempts": 2.5})


def test_provider_timeout_bounds_every_stage_and_insecure_turns_verification_off():
    settings = settings_from_provider_config({"timeout": 5, "insecure": True})
    assert (settings.connect_timeout, settings.read_timeout, settings.deadline) == (5.0, 5.0, 5.0)
    assert settings.verify_tls is False
    assert settings_from_provider_config({}).verify_tls is True
    assert settings_from_provider_config({"insecure": False}).verify_tls is True
    with pytest.raises(ConfigurationError, match="invalid timeout -1: expected seconds > 0"):
        settings_from_provider_config({"timeout": -1})


def test_client_defaults_come_from_the_named_constants(emulator):
    connection = connect(ClientSettings(endpoint_url=emulator.url))
    client = connection.client
    # botocore makes one attempt per request; the retry policy makes up to max_attempts.
    assert client.meta.config.retries["total_max_attempts"] == 1
    assert connection.retry_policy is not None
    assert connection.retry_policy.max_attempts == DEFAULT_MAX_ATTEMPTS
    assert client.meta.config.read_timeout == min(DEFAULT_TIMEOUT, 60)
    short = connect(ClientSettings(endpoint_url=emulator.url, deadline=3)).client
    assert short.meta.config.read_timeout == 3 and short.meta.config.connect_timeout == 3


def test_status_gate():
    context = ModelContext(COLLABORATION, CHURN)
    check_status({"status": "ACTIVE"}, ("ACTIVE",), context)
    check_status({"status": "CREATE_FAILED"}, None, context)
    with pytest.raises(StatusNotAllowedError, match="CREATE_IN_PROGRESS.*only ACTIVE is allowed"):
        check_status({"status": "CREATE_IN_PROGRESS"}, ("ACTIVE",), context)


def test_concurrent_first_use_builds_one_client(emulator):
    settings = ClientSettings(endpoint_url=emulator.url, read_timeout=17)
    barrier = threading.Barrier(6)
    seen = []

    def build() -> None:
        barrier.wait()
        seen.append(connect(settings))

    threads = [threading.Thread(target=build) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in seen}) == 1


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("AWS_ENDPOINT_URL_CLEANROOMSML", "localhost:8790", "an http(s) URL"),
        ("AWS_ENDPOINT_URL", "http://[::1", "an http(s) URL"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:99999", "an http(s) URL"),
        ("AWS_REGION", "us east 1", "an AWS region name"),
        ("AWS_DEFAULT_REGION", "eu-west-1\n", "an AWS region name"),
    ],
)
def test_bad_endpoint_or_region_from_the_environment_is_named(monkeypatch, variable, value,
                                                              expected):
    """Values from the environment are checked like arguments, under the variable's name
    (botocore would raise a bare ValueError/InvalidRegionError: a traceback in the CLI)."""
    monkeypatch.setenv(variable, value)
    pattern = f"invalid {variable} .*expected {re.escape(expected)}"
    with pytest.raises(ConfigurationError, match=pattern):
        connect(ClientSettings(max_attempts=7))


def test_bad_endpoint_variable_is_one_cli_line():
    result = run_cli(
        "describe", "--trained-model-arn", CHURN, "--collaboration-identifier", COLLABORATION,
        env={"AWS_ENDPOINT_URL_CLEANROOMSML": "localhost:8790"},
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "cleanroomsml-tf describe: invalid AWS_ENDPOINT_URL_CLEANROOMSML 'localhost:8790': "
        "expected an http(s) URL such as http://127.0.0.1:8790"]
