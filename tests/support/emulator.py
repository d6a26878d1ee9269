"""Emulator fixtures and CLI helpers for every test.

* ``emulator``: one session-wide :class:`Emulator` serving the example data. Shared: do not
  change its data or faults (use ``make_emulator``), and compare ``request_count`` before/after
  rather than against 0.
* ``make_emulator(models=None, **options)``: a fresh, started emulator, stopped at teardown.
* ``example_data``: the example models (a deep copy, safe to edit).
* ``emulator_env``: ``AWS_ENDPOINT_URL_CLEANROOMSML`` pointed at the session emulator.
* :func:`run_cli`: run ``cleanroomsml-tf`` as a real subprocess.
* :func:`emulator_process`: the ``cleanroomsml-tf emulator`` subprocess, with its URL.
"""

from __future__ import annotations

import contextlib
import copy
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from cleanroomsml_tf.emulator import Emulator, example_models

CLI = (sys.executable, "-m", "cleanroomsml_tf")


def _cli_env(env: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(os.environ)
    merged.update(env or {})
    return merged


def run_cli(
    *args: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
    input: str | None = None,  # noqa: A002 - mirrors subprocess.run
    cwd: str | os.PathLike[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``cleanroomsml-tf ARGS`` in a subprocess; text stdout/stderr captured.

    ``env`` is added to (not substituted for) the current environment.
    """
    return subprocess.run(
        [*CLI, *args], env=_cli_env(env), timeout=timeout, input=input, cwd=cwd,
        capture_output=True, text=True, check=False,
    )


@contextlib.contextmanager
def emulator_process(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 30
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start ``cleanroomsml-tf emulator ARGS`` (port 0 unless given); yield (process, url).

    The process is terminated at exit if still running. Its stderr goes to a pipe read only
    after exit, so keep ``--log`` off for long runs.
    """
    if "--port" not in args:
        args = (*args, "--port", "0")
    process = subprocess.Popen(
        [*CLI, "emulator", *args], env=_cli_env(env), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        url = _first_line(process, timeout)
        yield process, url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    stdout = process.stdout
    assert stdout is not None
    lines: list[str] = []
    # readline() has no timeout: read in a thread so a silent process fails the test, not hangs it.
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    line = lines[0].strip() if lines else ""
    if not line.startswith(("http://", "https://")):
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"emulator did not print its URL (got {line!r}); stderr: {err}")
    return line


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """The session-wide emulator with the example data, started."""
    with Emulator() as em:
        yield em


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., Emulator]]:
    """Factory: ``make_emulator(models=None, **options)`` -> a started Emulator (stopped after
    the test). ``options`` are Emulator's keyword arguments (faults, seed, access_denied...)."""
    started: list[Emulator] = []

    def make(models: Any = None, **options: Any) -> Emulator:
        em = Emulator(models, **options).start()
        started.append(em)
        return em

    yield make
    for em in started:
        em.stop()


@pytest.fixture
def example_data() -> list[dict[str, Any]]:
    """The built-in example models, deep-copied (edit freely)."""
    return copy.deepcopy(example_models())


@pytest.fixture
def emulator_env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """Point ``AWS_ENDPOINT_URL_CLEANROOMSML`` at the session emulator; returns it."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLEANROOMSML", emulator.url)
    return emulator
