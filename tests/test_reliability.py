"""Reliability under injected faults (issue #6), for each front end: the in-process Resolver, the
CLI process and Terraform (every version of the matrix), all over real HTTP to the local endpoint.

* 30% throttling + 5% server errors: a 1,000-entry drift check and a 20-lookup
  ``terraform apply`` succeed with nothing lost, and the endpoint proves the faults happened;
* 100% throttling: each lookup fails after exactly the configured attempts, clearly;
* a hung endpoint fails within the configured timeout (plus start-up, measured in the test);
* a refused port fails fast, after one attempt.

Time bounds are "the configured timeout + the same front end's start-up, measured in the same test
against a healthy endpoint" with room for noise (:data:`SLACK`, :data:`START_UP_FACTOR`); the
emulator's request count proves how many attempts were made.
"""

from __future__ import annotations

import copy
import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.emulator import Emulator
from cleanroomsml_tf.lockfile import model as lockfile_model
from cleanroomsml_tf.lockfile import store as lockfile_store
from cleanroomsml_tf.lockfile import synth as lockfile_synth
from cleanroomsml_tf.model import record
from cleanroomsml_tf.model.errors import (
    EndpointUnreachableError,
    RequestTimeoutError,
    ServiceError,
    ThrottledError,
)
from cleanroomsml_tf.model.identifiers import ModelRef
from tests.support.emulator import run_cli
from tests.support.example_ids import ARN_PREFIX, CHURN, COLLABORATION
from tests.support.terraform import REQUIRED_PROVIDERS, TerraformRunner

SEED = 6
THROTTLE_RATE = 0.3
ERROR_RATE = 0.05
HUNG_MS = 60_000
"""Latency of a "hung" endpoint: far beyond every timeout used here."""
SLACK = 0.5
"""Seconds of scheduling noise allowed on top of a measured in-process bound (noisy 2-core VM)."""
START_UP_FACTOR = 2
"""A new process's start-up (the interpreter; terraform + the plugin) varies by up to its own
length between runs on a loaded 2-core VM (a healthy ``terraform plan``: 1.4 to 3.5 s), so bounds
allow the measured start-up twice (plus :data:`SLACK`). The exact request count proves there was
no second attempt; a retried refused connection would add ~10 s of back-off."""
FORBIDDEN = ("Traceback", "Exception calling application", "plugin crashed")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, read, closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def many_models(template: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """``count`` distinct one-version models derived from ``template``."""
    models = []
    for i in range(count):
        model = copy.deepcopy(template)
        model["trainedModelArn"] = f"{ARN_PREFIX}rel-{i:04d}"
        model["name"] = f"rel-{i:04d}"
        model["versionIdentifier"] = f"a1b2c3d4-{i:04d}-4e5f-8a9b-0c1d2e3f4a01"
        models.append(model)
    return models


def ref_of(model: dict[str, Any]) -> ModelRef:
    return ModelRef(model["trainedModelArn"], model["collaborationIdentifier"])


def lock_models(models: list[dict[str, Any]], server: Emulator, path: Path) -> set[str]:
    """Resolve every model through ``server`` (faults off) and write the lock file; its keys."""
    assert server.faults.settings.throttle_rate == server.faults.settings.error_rate == 0
    refs = [ref_of(m) for m in models]
    resolver = Resolver(ClientSettings(endpoint_url=server.url))
    records = lockfile_synth.resolve_many(refs, resolver, path, concurrency=32)
    lock = lockfile_model.LockFile(path)
    for ref in refs:
        lock.put(lockfile_model.new_entry(ref, records[ref.key]))
    lockfile_store.write(lock)
    return set(lock.entries)


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def one_line(text: str) -> str:
    """The single line of ``text`` (asserting there is exactly one)."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def assert_names_everything(message: str, server_url: str, *, request_id: bool = True) -> None:
    """A lookup error names the model, the collaboration, the endpoint (and a request id)."""
    assert CHURN in message and COLLABORATION in message, message
    assert server_url in message, message
    if request_id:
        assert re.search(r"\[request id [0-9a-f-]{36}\]", message), message
    for text in FORBIDDEN:
        assert text not in message


# ============================================================================ Resolver (in-process)


def test_resolver_throttled_every_time_gives_up_after_max_attempts(make_emulator):
    server = make_emulator(throttle_rate=1.0, seed=SEED)
    resolver = Resolver(ClientSettings(endpoint_url=server.url, max_attempts=3))
    with pytest.raises(ThrottledError) as caught:
        resolver.get_trained_model(ModelRef(CHURN, COLLABORATION))
    message = str(caught.value)
    assert message.startswith("throttled after all retries: ") and "gave up after 3 attempts" \
        in message
    assert_names_everything(message, server.url)
    assert server.request_count == 3  # max_attempts counts tries
    assert server.injected_faults.throttled == 3


def test_resolver_server_errors_are_retried_then_reported(make_emulator):
    server = make_emulator(error_rate=1.0, seed=SEED)
    resolver = Resolver(ClientSettings(endpoint_url=server.url, max_attempts=2))
    with pytest.raises(ServiceError) as caught:
        resolver.get_trained_model(ModelRef(CHURN, COLLABORATION))
    message = str(caught.value)
    assert "Internal server error" in message and "gave up after 2 attempts" in message
    assert_names_everything(message, server.url)
    assert server.request_count == server.injected_faults.failed == 2


def test_resolver_throttled_calls_end_within_the_deadline(make_emulator):
    """Back-off counts against the deadline: no sleep that would end past it (botocore's would,
    by up to 20 s); the call ends at once with its last real error."""
    deadline = 1.5
    server = make_emulator(throttle_rate=1.0, seed=SEED)
    resolver = Resolver(ClientSettings(endpoint_url=server.url, deadline=deadline))
    _ = resolver.connection  # built before the clock starts
    for _attempt in range(3):  # back-off is random: three calls, each must stay in time
        started = time.monotonic()
        with pytest.raises((ThrottledError, RequestTimeoutError)) as caught:
            resolver.get_trained_model(ModelRef(CHURN, COLLABORATION))
        elapsed = time.monotonic() - started
        assert elapsed < deadline + SLACK, elapsed
        assert_names_everything(str(caught.value), server.url,
                                request_id=isinstance(caught.value, ThrottledError))
    assert server.request_count == server.injected_faults.throttled >= 3 * 2


def test_resolver_hung_endpoint_fails_within_the_deadline(make_emulator):
    deadline = 1.0
    healthy, hung = make_emulator(), make_emulator(latency_ms=HUNG_MS)
    # Start-up: a fresh client (service model loaded) and one lookup, against a healthy endpoint.
    fresh = Resolver(ClientSettings(endpoint_url=healthy.url, deadline=deadline))
    _, overhead = timed(lambda: fresh.get_trained_model(ModelRef(CHURN, COLLABORATION)))
    resolver = Resolver(ClientSettings(endpoint_url=hung.url, deadline=deadline))
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError) as caught:
        resolver.get_trained_model(ModelRef(CHURN, COLLABORATION))
    elapsed = time.monotonic() - started
    print(f"resolver hung: {elapsed:.2f} s (deadline {deadline:g} s, start-up {overhead:.2f} s)")
    assert elapsed < deadline + overhead + SLACK, (elapsed, overhead)
    assert str(caught.value).startswith("timed out: ")
    assert_names_everything(str(caught.value), hung.url, request_id=False)
    assert hung.request_count == 1  # no retry started after the deadline


def test_resolver_refused_port_fails_fast_after_one_attempt():
    url = f"http://127.0.0.1:{closed_port()}"
    resolver = Resolver(ClientSettings(endpoint_url=url))  # default attempts: 10
    sent: list[object] = []
    resolver.connection.client.meta.events.register(
        "before-send.cleanroomsml", lambda **_: sent.append(1))
    started = time.monotonic()
    with pytest.raises(EndpointUnreachableError) as caught:
        resolver.get_trained_model(ModelRef(CHURN, COLLABORATION))
    elapsed = time.monotonic() - started
    print(f"resolver refused: {elapsed:.3f} s")
    assert elapsed < 0.5, elapsed
    assert len(sent) == 1  # a refused connection is never retried
    assert str(caught.value).startswith("endpoint unreachable: ")
    assert_names_everything(str(caught.value), url, request_id=False)


# ============================================================================ CLI process


def test_cli_drift_of_1000_entries_under_throttling_and_errors_loses_nothing(
    make_emulator, example_data, tmp_path
):
    models = many_models(example_data[0], 1000)
    server = make_emulator(models=models, seed=SEED)
    path = tmp_path / "cleanroomsml.lock.json"
    keys = lock_models(models, server, path)
    assert len(keys) == 1000

    server.set_faults(throttle_rate=THROTTLE_RATE, error_rate=ERROR_RATE)
    server.reset_request_count()
    result, elapsed = timed(lambda: run_cli(
        "drift", "--lock-file", str(path), "--endpoint-url", server.url, "--format", "json",
        "--concurrency", "64", timeout=240))
    requests, faults = server.request_count, server.injected_faults
    print(f"drift of 1000 entries: {elapsed:.1f} s, {requests} requests, "
          f"{faults.throttled} throttled, {faults.failed} failed")

    assert result.stdout.startswith("{"), result.stderr
    report = json.loads(result.stdout)
    lost = [e["error"] or e["findings"] for e in report["entries"] if e["outcome"] != "clean"]
    assert result.returncode == 0, (report["summary"], lost[:3], result.stderr)
    assert result.stderr == ""
    assert report["summary"] == {"entries_in_lock_file": 1000, "checked": 1000, "drifted": 0,
                                 "unchecked": 0, "clean": 1000, "new_models": 0}
    reported = [entry["key"] for entry in report["entries"]]
    assert len(reported) == 1000 and set(reported) == keys  # each entry exactly once
    assert all(e["outcome"] == "clean" and e["error"] is None and e["findings"] == []
               for e in report["entries"])
    # Every entry succeeded exactly once; every other request was an injected fault.
    assert requests == 1000 + faults.total
    assert faults.throttled > 200 and faults.failed > 20
    assert 0.25 < faults.throttled / requests < 0.35
    assert 0.02 < faults.failed / requests < 0.05


def test_cli_describe_throttled_every_time_says_after_how_many_attempts(make_emulator):
    server = make_emulator(throttle_rate=1.0, seed=SEED)
    result = run_cli("describe", "--endpoint-url", server.url, "--max-attempts", "3",
                     "--trained-model-arn", CHURN, "--collaboration-identifier", COLLABORATION)
    assert result.returncode == 1 and result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith("cleanroomsml-tf describe: throttled after all retries: ")
    assert "gave up after 3 attempts" in line
    assert_names_everything(line, server.url)
    assert server.request_count == server.injected_faults.throttled == 3


def test_cli_drift_throttled_every_time_reports_every_entry(make_emulator, example_data, tmp_path):
    models = many_models(example_data[0], 4)
    server = make_emulator(models=models, seed=SEED)
    path = tmp_path / "cleanroomsml.lock.json"
    keys = lock_models(models, server, path)
    server.set_faults(throttle_rate=1.0)
    server.reset_request_count()
    result = run_cli("drift", "--lock-file", str(path), "--endpoint-url", server.url,
                     "--max-attempts", "2", "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["unchecked"] == 4 and report["summary"]["checked"] == 4
    assert {e["key"] for e in report["entries"]} == keys
    for entry in report["entries"]:
        assert entry["outcome"] == "unchecked"
        assert entry["error"]["kind"] == "Throttled"
        message = entry["error"]["message"]
        assert "throttled after all retries" in message and "gave up after 2 attempts" in message
        assert entry["trained_model_arn"] in message and server.url in message
    assert server.request_count == server.injected_faults.throttled == 2 * 4


def test_cli_hung_endpoint_fails_within_the_timeout(make_emulator):
    timeout = 2.0
    healthy, hung = make_emulator(), make_emulator(latency_ms=HUNG_MS)

    def describe(url: str) -> Any:
        return run_cli("describe", "--endpoint-url", url, "--timeout", f"{timeout:g}",
                       "--trained-model-arn", CHURN, "--collaboration-identifier", COLLABORATION)

    ok, overhead = timed(lambda: describe(healthy.url))  # interpreter, imports, client, 1 lookup
    assert ok.returncode == 0, ok.stderr
    result, elapsed = timed(lambda: describe(hung.url))
    assert result.returncode == 1
    print(f"cli hung: {elapsed:.2f} s (timeout {timeout:g} s, start-up {overhead:.2f} s)")
    assert elapsed < timeout + START_UP_FACTOR * overhead + SLACK, (elapsed, overhead)
    line = one_line(result.stderr)
    assert line.startswith("cleanroomsml-tf describe: timed out: ")
    assert_names_everything(line, hung.url, request_id=False)
    assert hung.request_count == 1


def test_cli_refused_port_fails_fast(make_emulator, example_data, tmp_path):
    healthy = make_emulator()
    url = f"http://127.0.0.1:{closed_port()}"

    def describe(endpoint: str) -> Any:  # default attempts (10) and timeout
        return run_cli("describe", "--endpoint-url", endpoint,
                       "--trained-model-arn", CHURN, "--collaboration-identifier", COLLABORATION)

    ok, overhead = timed(lambda: describe(healthy.url))
    assert ok.returncode == 0, ok.stderr
    result, elapsed = timed(lambda: describe(url))
    assert result.returncode == 1
    print(f"cli refused: {elapsed:.2f} s (start-up {overhead:.2f} s)")
    assert elapsed < START_UP_FACTOR * overhead + SLACK, (elapsed, overhead)
    line = one_line(result.stderr)
    assert line.startswith("cleanroomsml-tf describe: endpoint unreachable: ")
    assert_names_everything(line, url, request_id=False)

    models = many_models(example_data[0], 3)  # drift: every entry unchecked, as fast
    path = tmp_path / "cleanroomsml.lock.json"
    source = make_emulator(models=models)
    lock_models(models, source, path)

    def drift(endpoint: str) -> Any:
        return run_cli("drift", "--lock-file", str(path), "--endpoint-url", endpoint,
                       "--format", "json")

    ok, overhead = timed(lambda: drift(source.url))
    assert ok.returncode == 0, ok.stderr
    result, elapsed = timed(lambda: drift(url))
    assert result.returncode == 1 and result.stderr == ""
    print(f"cli drift refused: {elapsed:.2f} s (start-up {overhead:.2f} s)")
    assert elapsed < START_UP_FACTOR * overhead + SLACK, (elapsed, overhead)
    report = json.loads(result.stdout)
    assert [e["error"]["kind"] for e in report["entries"]] == ["Endpoint unreachable"] * 3


# ============================================================================ Terraform

TERRAFORM_CONFIG = REQUIRED_PROVIDERS + """

variable "endpoint" { type = string }
variable "max_attempts" {
  type    = number
  default = null
}
variable "timeout" {
  type    = number
  default = null
}
variable "arns" { type = list(string) }

provider "cleanroomsml" {
  endpoint     = var.endpoint
  max_attempts = var.max_attempts
  timeout      = var.timeout
}

data "cleanroomsml_collaboration_trained_model" "m" {
  count                    = length(var.arns)
  trained_model_arn        = var.arns[count.index]
  collaboration_identifier = "COLLABORATION"
}

output "records" {
  value = data.cleanroomsml_collaboration_trained_model.m
}
""".replace("COLLABORATION", COLLABORATION)


@pytest.fixture
def terraform(terraform_binary, make_terraform) -> Iterator[TerraformRunner]:
    """An initialized working directory with :data:`TERRAFORM_CONFIG` (endpoint, arns... given
    with ``-var``)."""
    tf = make_terraform(terraform_binary, files={"main.tf": TERRAFORM_CONFIG})
    tf.init()
    yield tf


def tf_vars(endpoint: str, arns: list[str], **settings: float) -> list[str]:
    """``-var`` arguments for :data:`TERRAFORM_CONFIG`."""
    args = ["-input=false", f"-var=endpoint={endpoint}", f"-var=arns={json.dumps(arns)}"]
    return args + [f"-var={name}={value:g}" for name, value in settings.items()]


def tf_output(result: Any) -> str:
    """stdout + stderr with Terraform's line wrapping undone."""
    text = " ".join((result.stdout + result.stderr).split())
    for forbidden in FORBIDDEN:
        assert forbidden not in text
    return text


@pytest.mark.terraform
def test_terraform_apply_of_20_lookups_under_throttling_and_errors(
    terraform, make_emulator, example_data
):
    models = many_models(example_data[0], 20)
    server = make_emulator(models=models, seed=SEED,
                           throttle_rate=THROTTLE_RATE, error_rate=ERROR_RATE)
    arns = [m["trainedModelArn"] for m in models]
    result = terraform.run("apply", "-auto-approve", *tf_vars(server.url, arns))
    tf_output(result)
    requests, faults = server.request_count, server.injected_faults
    print(f"terraform apply of 20 lookups: {requests} requests, {faults.throttled} throttled, "
          f"{faults.failed} failed")
    records = terraform.outputs()["records"]
    assert len(records) == 20
    for model, got in zip(models, records, strict=True):
        expected = record.normalize(model)
        for attribute in record.TRAINED_MODEL:
            assert got[attribute.name] == expected[attribute.name], (model["name"], attribute)
    assert faults.throttled > 0
    assert requests == 20 + faults.total  # each data source read once, every fault retried


@pytest.mark.terraform
def test_terraform_throttled_every_time_fails_each_data_source(terraform, make_emulator):
    server = make_emulator(throttle_rate=1.0, seed=SEED)
    arns = [CHURN] * 3
    result = terraform.run("plan", *tf_vars(server.url, arns, max_attempts=2), check=False)
    assert result.returncode == 1
    output = tf_output(result)
    assert output.count("Error: Throttled") == 3, output
    assert output.count("gave up after 2 attempts") == 3
    for index in range(3):
        assert f"data.cleanroomsml_collaboration_trained_model.m[{index}]" in output
    assert_names_everything(output, server.url)
    assert server.request_count == server.injected_faults.throttled == 2 * 3


@pytest.mark.terraform
def test_terraform_hung_endpoint_times_out_and_refused_port_fails_fast(terraform, make_emulator):
    """One test, so both bounds share one measured start-up (terraform + plugin + one lookup)."""
    timeout = 2.0
    healthy, hung = make_emulator(), make_emulator(latency_ms=HUNG_MS)
    refused = f"http://127.0.0.1:{closed_port()}"
    _, overhead = timed(lambda: terraform.run(
        "plan", *tf_vars(healthy.url, [CHURN], timeout=timeout)))

    result, elapsed = timed(lambda: terraform.run(
        "plan", *tf_vars(hung.url, [CHURN], timeout=timeout), check=False))
    assert result.returncode == 1
    print(f"terraform hung: {elapsed:.2f} s (timeout {timeout:g} s, start-up {overhead:.2f} s)")
    assert elapsed < timeout + START_UP_FACTOR * overhead + SLACK, (elapsed, overhead)
    output = tf_output(result)
    assert "Error: Request timed out" in output and "timed out: trained model" in output
    assert_names_everything(output, hung.url, request_id=False)
    assert hung.request_count == 1

    # Default attempts (10) and timeout: a refused connection is still tried once.
    result, elapsed = timed(lambda: terraform.run(
        "plan", *tf_vars(refused, [CHURN]), check=False))
    assert result.returncode == 1
    print(f"terraform refused: {elapsed:.2f} s (start-up {overhead:.2f} s)")
    assert elapsed < START_UP_FACTOR * overhead + SLACK, (elapsed, overhead)
    output = tf_output(result)
    assert "Error: Endpoint unreachable" in output
    assert "endpoint unreachable: trained model" in output
    assert_names_everything(output, refused, request_id=False)
