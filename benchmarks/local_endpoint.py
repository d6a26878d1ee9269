"""The local Clean Rooms ML endpoint for benchmarks: many models, served from its own process.

The endpoint runs as ``python -m cleanroomsml_tf emulator`` in a separate process, not as a
thread of the benchmark: a server thread would compete with the measured client for the GIL
and make in-process figures (drift, per-lookup cost) look worse than they are.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness import BenchmarkError

CLI = (sys.executable, "-m", "cleanroomsml_tf")


def many_models(count: int) -> list[dict[str, Any]]:
    """``count`` distinct models (one version each), derived from the first example model."""
    from cleanroomsml_tf.emulator import example_models

    template = example_models()[0]
    prefix = template["trainedModelArn"].rsplit("/", 1)[0]
    models = []
    for i in range(count):
        model = copy.deepcopy(template)
        model["trainedModelArn"] = f"{prefix}/bench-{i:05d}-4a2b-9c3d-000000000000"
        model["versionIdentifier"] = f"a1b2c3d4-{i:04x}-4e5f-8a9b-0c1d2e3f4a01"[:36]
        model["name"] = f"bench-{i:05d}"
        models.append(model)
    return models


class EndpointProcess:
    """``cleanroomsml-tf emulator`` serving ``models`` on a free loopback port, as a context
    manager; :attr:`url` is where it listens. ``latency_ms`` delays every response (the
    emulator's ``--latency-ms``: a remote endpoint's round trip, without its CPU cost)."""

    def __init__(self, models: list[dict[str, Any]], latency_ms: int = 0) -> None:
        self.models = models
        self.latency_ms = latency_ms
        self.url = ""
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> EndpointProcess:
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-endpoint-")
        data = Path(self._tmp.name) / "models.json"
        data.write_text(json.dumps({"trainedModels": self.models}))
        log = Path(self._tmp.name) / "stderr.log"
        with log.open("w") as stderr:
            self._process = subprocess.Popen(
                [*CLI, "emulator", "--port", "0", "--data", str(data),
                 "--latency-ms", str(self.latency_ms)],
                stdout=subprocess.PIPE, stderr=stderr, text=True,
            )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()  # printed once it accepts
        if not self.url.startswith("http://"):
            self.__exit__()
            raise BenchmarkError(f"the local endpoint did not start: {log.read_text()[-400:]}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
