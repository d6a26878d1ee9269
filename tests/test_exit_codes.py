"""Exit codes CI can trust: ``drift`` exits 2 only when it found drift; every usage error of
every command (argparse's included) exits 1, like any failure. Run as the installed console
script, the way a CI step runs it."""

from __future__ import annotations

import pytest

from cleanroomsml_tf.cli import exit_codes
from cleanroomsml_tf.drift import check as drift_check
from tests.support.console import run_console
from tests.support.example_ids import CHURN, COLLABORATION

DRIFT_USAGE_ERRORS = {
    "unknown flag": ["--no-such-flag"],
    "unknown field": ["--fields", "instance_type"],
    "empty fields": ["--fields", ","],
    "bad format": ["--format", "yaml"],
    "bad report": ["--report", "xml=out.xml"],
    "report without file": ["--report", "json"],
    "bad shard": ["--shard", "0/3"],
    "shard not a fraction": ["--shard", "two"],
    "bad concurrency": ["--concurrency", "0"],
    "bad timeout": ["--timeout", "-1"],
    "bad max attempts": ["--max-attempts", "x"],
    "bad retry mode": ["--retry-mode", "eager"],
    "missing value": ["--lock-file"],
    "stray argument": ["extra"],
}


@pytest.mark.parametrize("argv", DRIFT_USAGE_ERRORS.values(), ids=DRIFT_USAGE_ERRORS.keys())
def test_every_drift_usage_error_exits_1(argv, tmp_path):
    result = run_console("drift", *argv, cwd=tmp_path)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("usage: cleanroomsml-tf drift"), result.stderr
    assert "cleanroomsml-tf drift: error: " in result.stderr
    assert "Traceback" not in result.stderr


OTHER_USAGE_ERRORS = {
    "no command": [],
    "unknown command": ["lint"],
    "lock without action": ["lock"],
    "lock unknown flag": ["lock", "show", "--verbose"],
    "lock add without model": ["lock", "add", "--collaboration-identifier", COLLABORATION],
    "lock add all and arn": ["lock", "add", "--all", "--collaboration-identifier",
                             COLLABORATION, "--trained-model-arn", CHURN],
    "lock remove nothing": ["lock", "remove"],
    "describe bad format": ["describe", "--trained-model-arn", CHURN,
                            "--collaboration-identifier", COLLABORATION, "--format", "yaml"],
    "emulator bad rate": ["emulator", "--throttle-rate", "2"],
    "emulator key without cert": ["emulator", "--tls-key", "k.pem"],
    "install unknown flag": ["install", "--no-such-flag"],
}


@pytest.mark.parametrize("argv", OTHER_USAGE_ERRORS.values(), ids=OTHER_USAGE_ERRORS.keys())
def test_usage_errors_of_every_command_exit_1(argv, tmp_path):
    result = run_console(*argv, cwd=tmp_path)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "error: " in result.stderr and "Traceback" not in result.stderr


def test_help_and_version_exit_0(tmp_path):
    for argv in (["--help"], ["drift", "--help"], ["lock", "refresh", "--help"], ["--version"]):
        result = run_console(*argv, cwd=tmp_path)
        assert result.returncode == 0, (argv, result.stderr)


def test_a_missing_lock_file_is_a_failure_not_drift(tmp_path):
    result = run_console("drift", "--lock-file", str(tmp_path / "none.json"), cwd=tmp_path)
    assert result.returncode == 1
    assert "does not exist" in result.stderr


def test_one_table_for_every_command():
    codes = [code for code, _ in exit_codes.TABLE]
    assert codes == sorted(set(codes)) == [0, 1, 2, 130]
    assert (drift_check.EXIT_CLEAN, drift_check.EXIT_FAILED, drift_check.EXIT_DRIFT) == (
        exit_codes.OK, exit_codes.FAILED, exit_codes.DRIFT)
