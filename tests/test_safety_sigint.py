"""Ctrl-C in ``drift`` (issue 11): queued lookups are cancelled, the command exits 130 at once.
A real process, a real signal, a slow local endpoint."""

from __future__ import annotations

import copy
import json
import signal
import subprocess
import time

from tests.support.emulator import CLI, _cli_env, run_cli
from tests.support.example_ids import ARN_PREFIX, COLLABORATION


def test_drift_stops_promptly_on_sigint_with_exit_130(make_emulator, example_data, tmp_path):
    """64 entries, 1 s per lookup, 4 at once: 16 s of work. Ctrl-C after the first round ends
    the command within about one lookup, not after every queued one."""
    models = []
    for index in range(64):
        model = copy.deepcopy(example_data[2])
        model["trainedModelArn"] = f"{ARN_PREFIX}c0ffee00-2222-4a2b-9c3d-0000000{index:05d}"
        models.append(model)
    fast = make_emulator(models=models)
    lock = tmp_path / "cleanroomsml.lock.json"
    result = run_cli("lock", "add", "--all", "--collaboration-identifier", COLLABORATION,
                     "--lock-file", str(lock), "--endpoint-url", fast.url)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(lock.read_text())["entries"]) == 64
    slow = make_emulator(models=models, latency_ms=1000)
    process = subprocess.Popen(
        [*CLI, "drift", "--lock-file", str(lock), "--concurrency", "4", "--endpoint-url",
         slow.url], env=_cli_env(None), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    deadline = time.monotonic() + 30
    while slow.request_count < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert slow.request_count >= 4, "drift never reached the endpoint"
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    try:
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    elapsed = time.monotonic() - interrupted
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert elapsed < 4.0, f"{elapsed:.1f} s from SIGINT to exit"
    assert slow.request_count < 20, f"{slow.request_count} lookups ran after Ctrl-C"
