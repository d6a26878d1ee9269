"""Where requests go, and AWS configuration mistakes as one line (issue 11, "Where requests go").

Real processes: the ``cleanroomsml-tf`` console entry point and the ``terraform`` binary. A
recording proxy (:mod:`tests.support.connect_proxy`) shows which AWS endpoint a real boto3
client would have reached, without leaving the machine.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.connect_proxy import ConnectProxy
from tests.support.emulator import run_cli
from tests.support.example_ids import ARN_PREFIX, CHURN, COLLABORATION
from tests.support.terraform import REQUIRED_PROVIDERS

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKE0000",
                    "AWS_SECRET_ACCESS_KEY": "fake-secret-for-routing-tests-only"}


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    assert "Traceback" not in stderr
    return lines[0]


@contextlib.contextmanager
def _listener_on_default_port() -> Iterator[list[socket.socket]]:
    """Listen on 127.0.0.1:8790 (the old silent default) when free; yield accepted sockets."""
    accepted: list[socket.socket] = []
    server = socket.socket()
    try:
        server.bind(("127.0.0.1", 8790))
    except OSError:
        server.close()
        yield accepted  # busy: the message checks still apply
        return
    server.listen(8)
    server.settimeout(0.05)
    import threading

    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield accepted
    finally:
        stop.set()
        thread.join(2)
        for sock in (*accepted, server):
            sock.close()


def _lock_with(emulator_url: str, tmp_path: Path, *refs: tuple[str, str]) -> Path:
    path = tmp_path / "cleanroomsml.lock.json"
    for arn, collaboration in refs:
        result = run_cli("lock", "add", "--trained-model-arn", arn, "--collaboration-identifier",
                         collaboration, "--lock-file", str(path), "--endpoint-url", emulator_url)
        assert result.returncode == 0, result.stderr
    return path


# --------------------------------------------------------------------------- no silent default


@pytest.mark.parametrize("command", ["describe", "lock add", "drift", "lock refresh"])
def test_no_endpoint_and_no_region_is_one_line_and_no_request(command, emulator, tmp_path):
    lock = _lock_with(emulator.url, tmp_path, (CHURN, COLLABORATION))
    args = {
        "describe": ["describe", "--trained-model-arn", CHURN,
                     "--collaboration-identifier", COLLABORATION],
        "lock add": ["lock", "add", "--trained-model-arn", CHURN,
                     "--collaboration-identifier", COLLABORATION, "--lock-file", str(lock)],
        "drift": ["drift", "--lock-file", str(lock)],
        "lock refresh": ["lock", "refresh", "--lock-file", str(lock)],
    }[command]
    before = lock.read_bytes()
    with _listener_on_default_port() as accepted:
        result = run_cli(*args, "--timeout", "5")
    assert result.returncode == 1, result
    line = _one_line(result.stderr)
    assert "no region configured" in line
    for how in ("AWS_REGION", "--region", "--endpoint-url", "AWS_ENDPOINT_URL_CLEANROOMSML"):
        assert how in line, line
    assert accepted == [], "a request went to the local endpoint nobody chose"
    assert result.stdout == ""
    assert lock.read_bytes() == before


def test_the_local_endpoint_chosen_explicitly_still_works(emulator):
    result = run_cli("describe", "--trained-model-arn", CHURN, "--collaboration-identifier",
                     COLLABORATION, env={"AWS_ENDPOINT_URL_CLEANROOMSML": emulator.url})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["trained_model_arn"] == CHURN


# --------------------------------------------------------------------------- region form


@pytest.mark.parametrize("source", ["--region", "AWS_REGION", "AWS_DEFAULT_REGION"])
@pytest.mark.parametrize("region", ["us-east1", "useast-1", "US-EAST-1", "us_east_1"])
def test_a_region_of_the_wrong_form_is_refused_before_any_request(source, region, emulator):
    args = ["describe", "--trained-model-arn", CHURN, "--collaboration-identifier",
            COLLABORATION, "--endpoint-url", emulator.url]
    env: dict[str, str] = {}
    if source == "--region":
        args += ["--region", region]
    else:
        env[source] = region
    before = emulator.request_count
    result = run_cli(*args, env=env)
    assert result.returncode == 1
    line = _one_line(result.stderr)
    assert f"invalid {source.lstrip('-')} {region!r}" in line
    assert "us-east-1" in line  # the expected form, by example
    assert emulator.request_count == before


# --------------------------------------------------------------------------- region from the ARN


def _arn_in(region: str, model_id: str) -> str:
    return ARN_PREFIX.replace(":us-east-1:", f":{region}:") + model_id


def test_describe_goes_to_the_region_the_arn_names_and_says_so_at_debug():
    arn = _arn_in("eu-west-1", "c0ffee00-1111-4a2b-9c3d-000000000001")
    with ConnectProxy() as proxy:
        result = run_cli("--debug", "describe", "--trained-model-arn", arn,
                         "--collaboration-identifier", COLLABORATION, "--max-attempts", "1",
                         "--timeout", "10",
                         env={**proxy.env, **FAKE_CREDENTIALS, "AWS_REGION": "us-east-1"})
    assert result.returncode == 1
    assert proxy.targets and set(proxy.targets) == {"cleanrooms-ml.eu-west-1.amazonaws.com:443"}
    debug = [line for line in result.stderr.splitlines() if "eu-west-1" in line
             and "us-east-1" in line and "[DEBUG] cleanroomsml_tf" in line]
    assert debug, result.stderr[-3000:]


def test_an_explicit_endpoint_is_not_rerouted(emulator):
    arn = _arn_in("eu-west-1", "c0ffee00-1111-4a2b-9c3d-000000000001")
    before = emulator.request_count
    result = run_cli("describe", "--trained-model-arn", arn, "--collaboration-identifier",
                     COLLABORATION, "--endpoint-url", emulator.url, "--region", "us-east-1")
    assert emulator.request_count > before  # it went to the endpoint (not found there is fine)
    assert "cleanrooms-ml.eu-west-1" not in result.stderr


@pytest.mark.parametrize("command", ["drift", "lock refresh"])
def test_drift_and_refresh_follow_each_entry_region(command, make_emulator, example_data,
                                                    tmp_path):
    models = []
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
        model = copy.deepcopy(example_data[2])
        model["trainedModelArn"] = _arn_in(region, "c0ffee00-2222-4a2b-9c3d-000000000002")
        models.append(model)
    server = make_emulator(models=models)
    lock = _lock_with(server.url, tmp_path,
                      *((m["trainedModelArn"], m["collaborationIdentifier"]) for m in models))
    args = ["drift", "--lock-file", str(lock)] if command == "drift" else [
        "lock", "refresh", "--lock-file", str(lock)]
    with ConnectProxy() as proxy:
        result = run_cli(*args, "--max-attempts", "1", "--timeout", "10",
                         env={**proxy.env, **FAKE_CREDENTIALS, "AWS_REGION": "us-east-1"})
    assert result.returncode == 1
    assert set(proxy.targets) == {f"cleanrooms-ml.{r}.amazonaws.com:443"
                                  for r in ("us-east-1", "eu-west-1", "ap-southeast-2")}


def test_one_shared_client_per_region(monkeypatch, example_data, tmp_path, make_emulator):
    """A drift check over 30 entries in 3 regions builds 3 clients, not 30."""
    import botocore.client

    from cleanroomsml_tf.drift.check import check_drift
    from cleanroomsml_tf.lockfile.store import read

    models = []
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
        for index in range(10):
            model = copy.deepcopy(example_data[2])
            model_id = f"c0ffee00-2222-4a2b-9c3d-0000000000{index:02d}"
            model["trainedModelArn"] = _arn_in(region, model_id)
            models.append(model)
    server = make_emulator(models=models)
    path = tmp_path / "cleanroomsml.lock.json"
    result = run_cli("lock", "add", "--all", "--collaboration-identifier", COLLABORATION,
                     "--lock-file", str(path), "--endpoint-url", server.url)
    assert result.returncode == 0, result.stderr

    def clients() -> list[object]:
        gc.collect()
        return [o for o in gc.get_objects() if isinstance(o, botocore.client.BaseClient)
                and o.meta.service_model.service_name == "cleanroomsml"]

    before = {id(c) for c in clients()}
    with ConnectProxy() as proxy:
        for name, value in {**proxy.env, **FAKE_CREDENTIALS, "AWS_REGION": "us-east-1"}.items():
            monkeypatch.setenv(name, value)
        from cleanroomsml_tf.aws.settings import ClientSettings

        # a timeout no other test uses: the client cache cannot answer from earlier tests
        settings = ClientSettings(max_attempts=1, deadline=9.123, connect_timeout=9.123,
                                  read_timeout=9.123)
        report = check_drift(read(path), settings=settings, concurrency=8)
    assert len(report.results) == 30
    new = [c for c in clients() if id(c) not in before]
    assert sorted(c.meta.region_name for c in new) == ["ap-southeast-2", "eu-west-1",
                                                        "us-east-1"]


# --------------------------------------------------------------------------- credentials, profiles


def test_no_credentials_is_said_plainly_before_any_request(tmp_path):
    with ConnectProxy() as proxy:
        result = run_cli("describe", "--trained-model-arn", CHURN, "--collaboration-identifier",
                         COLLABORATION, env={**proxy.env, "AWS_REGION": "us-east-1"})
    assert result.returncode == 1
    line = _one_line(result.stderr)
    assert "no AWS credentials found" in line
    assert "AWS_PROFILE" in line and "AWS_ACCESS_KEY_ID" in line
    assert "Unable to locate credentials" not in line
    assert proxy.targets == []


def _config_files(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "aws-config"
    config.write_text("[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n")
    credentials = tmp_path / "aws-credentials"
    credentials.write_text("[dev]\naws_access_key_id = AKIAFAKE\naws_secret_access_key = x\n")
    return {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}


@pytest.mark.parametrize("command", ["describe", "lock add", "drift", "lock refresh"])
@pytest.mark.parametrize("how", ["AWS_PROFILE", "--profile", "--profile over AWS_PROFILE"])
def test_a_missing_profile_is_one_line_naming_it_and_the_files_read(command, how, emulator,
                                                                    tmp_path):
    files = _config_files(tmp_path)
    lock = _lock_with(emulator.url, tmp_path, (CHURN, COLLABORATION))
    args = {
        "describe": ["describe", "--trained-model-arn", CHURN,
                     "--collaboration-identifier", COLLABORATION],
        "lock add": ["lock", "add", "--trained-model-arn", CHURN,
                     "--collaboration-identifier", COLLABORATION, "--lock-file", str(lock)],
        "drift": ["drift", "--lock-file", str(lock)],
        "lock refresh": ["lock", "refresh", "--lock-file", str(lock)],
    }[command]
    env = dict(files)
    if how == "AWS_PROFILE":
        env["AWS_PROFILE"] = "prod"
    elif how == "--profile":
        args = [*args, "--profile", "prod"]
    else:
        env["AWS_PROFILE"] = "dev"
        args = [*args, "--profile", "prod"]
    result = run_cli(*args, env=env)
    assert result.returncode == 1
    line = _one_line(result.stderr)
    assert "'prod'" in line and "not found" in line
    assert files["AWS_CONFIG_FILE"] in line and files["AWS_SHARED_CREDENTIALS_FILE"] in line


# --------------------------------------------------------------------------- terraform

_TWO_LOOKUPS = """
data "cleanroomsml_collaboration_trained_model" "a" {
  trained_model_arn        = "%(arn)s"
  collaboration_identifier = "%(collaboration)s"
}
data "cleanroomsml_collaboration_trained_models" "all" {
  collaboration_identifier = "%(collaboration)s"
}
output "status" { value = data.cleanroomsml_collaboration_trained_model.a.status }
"""


def _config(provider: str = "") -> str:
    body = _TWO_LOOKUPS % {"arn": CHURN, "collaboration": COLLABORATION}
    return REQUIRED_PROVIDERS + f'provider "cleanroomsml" {{\n{provider}\n}}\n' + body


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error: ")]


def test_terraform_with_no_endpoint_and_no_region_fails_with_one_diagnostic(
        terraform_binary, make_terraform):
    tf = make_terraform(terraform_binary, {"main.tf": _config()})
    tf.init()
    with _listener_on_default_port() as accepted:
        result = tf.run("plan", "-input=false", check=False)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert len(_errors(output)) == 1, output
    assert "no region configured" in output and "AWS_REGION" in output and "endpoint" in output
    assert accepted == []


def test_terraform_validate_checks_the_region_form_offline(terraform_binary, make_terraform):
    tf = make_terraform(terraform_binary, {"main.tf": _config('region = "us-east1"')})
    tf.init()
    result = tf.run("validate", check=False)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "invalid region 'us-east1'" in output and "us-east-1" in output


def test_terraform_validate_checks_allowed_statuses_against_the_status_enum(
        terraform_binary, make_terraform):
    config = REQUIRED_PROVIDERS + f"""
data "cleanroomsml_collaboration_trained_model" "a" {{
  trained_model_arn        = "{CHURN}"
  collaboration_identifier = "{COLLABORATION}"
  allowed_statuses         = ["ACTIVE", "ACTIV"]
}}
"""
    tf = make_terraform(terraform_binary, {"main.tf": config})
    tf.init()
    result = tf.run("validate", check=False)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "'ACTIV'" in output and "CREATE_PENDING" in output and "ACTIVE" in output


def test_terraform_missing_profile(terraform_binary, make_terraform, tmp_path, emulator):
    files = _config_files(tmp_path)
    tf = make_terraform(terraform_binary, {"main.tf": _config('profile = "x"')},
                        env={**files, "AWS_PROFILE": "prod"})
    tf.init()
    validate = tf.run("validate", check=False)  # validate reads no AWS configuration
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "Internal error" not in validate.stdout + validate.stderr
    plan = tf.run("plan", "-input=false", check=False)
    output = plan.stdout + plan.stderr
    assert plan.returncode == 1
    assert "Internal error" not in output
    assert len(_errors(output)) == 1, output
    assert "profile 'x'" in output and "not found" in output
    assert files["AWS_CONFIG_FILE"] in output


def test_terraform_follows_an_aws_data_path_entry_for_cleanrooms_ml(
        terraform_binary, make_terraform, emulator, tmp_path):
    """A user's own botocore endpoints data (``AWS_DATA_PATH``) saying where cleanrooms-ml lives
    decides where the provider's requests go, as it does for botocore: the entry is keyed by
    the service's endpoint prefix, and the provider's reduced copy of the data keeps it."""
    from botocore.loaders import create_loader

    full, _ = create_loader().load_data_with_path("endpoints")
    aws = next(p for p in full["partitions"] if p["partition"] == "aws")
    aws["services"]["cleanrooms-ml"] = {"endpoints": {"us-east-1": {
        "hostname": emulator.url.split("://", 1)[1].rstrip("/"), "protocols": ["http"]}}}
    data_path = tmp_path / "aws-data"
    data_path.mkdir()
    (data_path / "endpoints.json").write_text(json.dumps(full))
    tf = make_terraform(terraform_binary, {"main.tf": _config('region = "us-east-1"')},
                        env={**FAKE_CREDENTIALS, "AWS_DATA_PATH": str(data_path)})
    tf.init()
    for _ in ("cache cold", "cache warm"):
        tf.apply()
        assert tf.outputs() == {"status": "ACTIVE"}
