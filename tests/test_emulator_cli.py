"""``cleanroomsml-tf emulator`` as a real subprocess: URL line, signals, data errors."""

from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cleanroomsml_tf.emulator import example_models
from tests.support.emulator import emulator_process, run_cli
from tests.support.example_ids import COLLABORATION as COLLAB


def _list(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/collaborations/{COLLAB}/trained-models", timeout=10) as r:
        return json.load(r)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_first_line_is_url_and_signals_stop_cleanly(signum: int) -> None:
    with emulator_process() as (process, url):
        assert url.startswith("http://127.0.0.1:")
        assert _list(url)["collaborationTrainedModels"]
        process.send_signal(signum)
        assert process.wait(timeout=10) == 0
        assert process.stdout.read() == ""  # nothing after the URL line
        assert "Traceback" not in process.stderr.read()


def test_data_file_and_logging(tmp_path: Path) -> None:
    data = tmp_path / "models.json"
    data.write_text(json.dumps({"trainedModels": example_models()[:1]}))
    with emulator_process("--data", str(data), "--log") as (process, url):
        assert len(_list(url)["collaborationTrainedModels"]) == 1
        process.terminate()
        assert process.wait(timeout=10) == 0
        assert "GET /collaborations/" in process.stderr.read()


def test_bad_data_file_is_one_line_exit_1(tmp_path: Path) -> None:
    models = example_models()
    del models[2]["status"]
    data = tmp_path / "models.json"
    data.write_text(json.dumps({"trainedModels": models}))
    result = run_cli("emulator", "--data", str(data), timeout=30)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "trainedModels[2]" in lines[0] and "field 'status'" in lines[0]


def test_port_in_use_is_one_line_exit_1(emulator) -> None:
    port = emulator.url.rsplit(":", 1)[1]
    result = run_cli("emulator", "--port", port, timeout=30)
    assert result.returncode == 1
    assert "cannot listen on 127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args", [("--throttle-rate", "2"), ("--error-rate", "x"), ("--latency-ms", "-1"),
             ("--port", "70000")]
)
def test_bad_options_are_usage_errors(args: tuple[str, ...]) -> None:
    result = run_cli("emulator", *args, timeout=30)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_faults_from_the_command_line() -> None:
    with emulator_process("--throttle-rate", "1", "--seed", "3") as (_, url), \
            pytest.raises(urllib.error.HTTPError) as info:
        _list(url)
    assert info.value.code == 429
    assert info.value.headers["x-amzn-ErrorType"] == "ThrottlingException"
