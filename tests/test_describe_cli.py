"""``cleanroomsml-tf describe`` as a user runs it: a real process against the local endpoint."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from cleanroomsml_tf.cli import build_parser
from cleanroomsml_tf.model import record
from tests.support.example_ids import ARN_PREFIX, CHURN, CHURN_V1, COLLABORATION


def describe(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleanroomsml_tf", "describe", *args],
        capture_output=True, text=True, timeout=timeout, env=dict(os.environ),
    )


def _args(url: str, arn: str = CHURN, *extra: str) -> list[str]:
    return ["--trained-model-arn", arn, "--collaboration-identifier", COLLABORATION,
            "--endpoint-url", url, *extra]


def _assert_clean_failure(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_json_is_exactly_the_normalized_record(emulator, example_data):
    result = describe(*_args(emulator.url))
    assert result.returncode == 0, result.stderr
    latest = max((m for m in example_data if m["trainedModelArn"] == CHURN),
                 key=lambda m: m["createTime"])
    assert json.loads(result.stdout) == record.normalize(latest)


def test_specific_version_in_text_format(emulator):
    result = describe(*_args(emulator.url, CHURN, "--version-identifier", CHURN_V1,
                             "--format", "text"))
    assert result.returncode == 0, result.stderr
    rows = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert rows["resource_config.instance_type"] == "ml.m5.xlarge"
    assert rows["version_identifier"] == CHURN_V1
    assert rows["incremental_training_data_channels"] == "-"


def test_not_found(emulator):
    missing = ARN_PREFIX + "gone"
    _assert_clean_failure(describe(*_args(emulator.url, missing)), "not found", missing,
                          COLLABORATION, "request id")


def test_access_denied(make_emulator):
    server = make_emulator(access_denied=(CHURN,))
    _assert_clean_failure(describe(*_args(server.url)), "access denied", CHURN)


def test_bad_input_is_refused_before_any_request(emulator):
    before = emulator.request_count
    _assert_clean_failure(describe(*_args(emulator.url, "arn:nope")), "trained_model_arn",
                          "'arn:nope'", "expected arn:aws:cleanrooms-ml:")
    assert emulator.request_count == before


def test_unreachable_endpoint():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    _assert_clean_failure(describe(*_args(url, CHURN, "--max-attempts", "1")),
                          "endpoint unreachable", url)


def test_hung_endpoint_gives_up_within_the_timeout(make_emulator):
    server = make_emulator(latency_ms=60_000)
    started = time.monotonic()
    result = describe(*_args(server.url, CHURN, "--timeout", "2"))
    elapsed = time.monotonic() - started
    _assert_clean_failure(result, "timed out", CHURN)
    # The endpoint would hang for 60 s: ending within the 2 s timeout plus the process's start-up
    # (seconds on a loaded 2-core machine) shows the deadline works. The exact deadline
    # accounting is checked in-process by tests/test_reliability.py.
    assert elapsed < 2 + 10, elapsed


@pytest.mark.parametrize(
    "argv",
    [
        ["describe"],
        ["describe", "--collaboration-identifier", COLLABORATION],
        ["describe", "--trained-model-arn", CHURN, "--collaboration-identifier", COLLABORATION,
         "--format", "yaml"],
        ["describe", "--trained-model-arn", CHURN, "--collaboration-identifier", COLLABORATION,
         "--timeout", "-1"],
    ],
)
def test_usage_errors_exit_1(argv, capsys):
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(argv)
    assert caught.value.code == 1
    assert "usage:" in capsys.readouterr().err


def test_file_system_errors_are_one_line_without_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = subprocess.run(
        [sys.executable, "-m", "cleanroomsml_tf", "install", "--plugin-dir", str(blocker / "x")],
        capture_output=True, text=True, timeout=60,
    )
    _assert_clean_failure(result, "cleanroomsml-tf install:", str(blocker))
