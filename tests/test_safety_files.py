"""Files the CLI writes and reads (issue 11, "Files"): symlinks, devices, FIFOs, stale
temporary files, hostile lock files. Real processes, real files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.support.emulator import CLI, _cli_env, run_cli
from tests.support.example_ids import CHURN, COLLABORATION, FRAUD

TEMP_SUFFIX = ".cleanroomsml-tmp"
"""Every temporary file of ours ends so: one ``*.cleanroomsml-tmp`` line in .gitignore."""


def _add(emulator, lock: Path, arn: str = CHURN) -> subprocess.CompletedProcess[str]:
    return run_cli("lock", "add", "--trained-model-arn", arn, "--collaboration-identifier",
                   COLLABORATION, "--lock-file", str(lock), "--endpoint-url", emulator.url)


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


# --------------------------------------------------------------------------- symlinks


def test_a_lock_file_that_is_a_symlink_stays_one_and_its_target_is_updated(emulator, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "models.lock.json"
    project = tmp_path / "project"
    project.mkdir()
    link = project / "cleanroomsml.lock.json"
    link.symlink_to(Path("..") / "shared" / "models.lock.json")  # relative, like a repo's link
    assert _add(emulator, link).returncode == 0
    assert _add(emulator, link, FRAUD).returncode == 0
    assert link.is_symlink() and os.readlink(link) == os.path.join("..", "shared",
                                                                   "models.lock.json")
    entries = json.loads(target.read_text())["entries"]
    assert len(entries) == 2
    leftovers = [p.name for p in (*project.iterdir(), *shared.iterdir())
                 if p.name.endswith(TEMP_SUFFIX)]
    assert leftovers == []


def test_a_chain_of_symlinks_to_a_report_is_followed(emulator, tmp_path):
    lock = tmp_path / "cleanroomsml.lock.json"
    assert _add(emulator, lock).returncode == 0
    real = tmp_path / "reports" / "drift.json"
    real.parent.mkdir()
    real.write_text("old")
    (tmp_path / "hop").symlink_to(real)
    (tmp_path / "report.json").symlink_to(tmp_path / "hop")
    result = run_cli("drift", "--lock-file", str(lock), "--format", "json", "--output",
                     str(tmp_path / "report.json"), "--endpoint-url", emulator.url)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.json").is_symlink() and (tmp_path / "hop").is_symlink()
    assert json.loads(real.read_text())["exit_code"] == 0


# --------------------------------------------------------------------------- devices and FIFOs


def test_drift_output_to_dev_stdout_writes_the_stream_and_leaves_the_link(emulator, tmp_path):
    """``/dev/stdout`` is a symlink to ``/proc/self/fd/1``; run as root, an atomic rename would
    replace the system's. The test uses a link of its own, the same thing in its own directory
    (so a regression cannot break the machine's /dev)."""
    lock = tmp_path / "cleanroomsml.lock.json"
    assert _add(emulator, lock).returncode == 0
    stdout = tmp_path / "dev" / "stdout"
    stdout.parent.mkdir()
    stdout.symlink_to("/proc/self/fd/1")
    result = run_cli("drift", "--lock-file", str(lock), "--format", "json", "--output",
                     str(stdout), "--endpoint-url", emulator.url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["exit_code"] == 0
    assert stdout.is_symlink() and os.readlink(stdout) == "/proc/self/fd/1"
    assert list(stdout.parent.iterdir()) == [stdout]


def test_drift_output_to_a_fifo_is_a_plain_stream(emulator, tmp_path):
    lock = tmp_path / "cleanroomsml.lock.json"
    assert _add(emulator, lock).returncode == 0
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as reader:
            received.append(reader.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    result = run_cli("drift", "--lock-file", str(lock), "--format", "markdown", "--output",
                     str(fifo), "--endpoint-url", emulator.url, timeout=60)
    thread.join(10)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and b"Clean Rooms ML drift" in received[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(TEMP_SUFFIX)] == []


def _null_device(directory: Path) -> Path:
    """A character device like /dev/null in ``directory``: made with mknod as root (as CI runs
    here), else a symlink to /dev/null (which a non-root process cannot replace)."""
    path = directory / "null"
    if os.geteuid() == 0:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        path.symlink_to("/dev/null")
    return path


def test_drift_report_to_a_character_device_does_not_replace_it(emulator, tmp_path):
    lock = tmp_path / "cleanroomsml.lock.json"
    assert _add(emulator, lock).returncode == 0
    (tmp_path / "dev").mkdir()
    device = _null_device(tmp_path / "dev")
    result = run_cli("drift", "--lock-file", str(lock), "--report", f"json={device}",
                     "--endpoint-url", emulator.url)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert os.stat(device).st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in device.parent.iterdir()) == ["null"]


# --------------------------------------------------------------------------- stale temporary files


def test_a_write_killed_midway_leaves_a_temp_file_the_next_write_removes(emulator, tmp_path):
    lock = tmp_path / "cleanroomsml.lock.json"
    assert _add(emulator, lock).returncode == 0
    # What a killed writer leaves: its temporary file, named as ours are, from a dead process.
    code = (
        "import os, sys\n"
        "from cleanroomsml_tf.output import atomic\n"
        "real = os.replace\n"
        "def die(*a, **k):\n"
        "    os._exit(9)\n"
        "atomic.os.replace = die\n"
        "atomic.atomic_write_text(sys.argv[1], 'partial')\n"
    )
    killed = subprocess.run([CLI[0], "-c", code, str(lock)], env=_cli_env(None),
                            capture_output=True, text=True, timeout=60, check=False)
    assert killed.returncode == 9, killed.stderr
    stale = [p for p in tmp_path.iterdir() if p.name.endswith(TEMP_SUFFIX)]
    assert len(stale) == 1 and stale[0].name.startswith(".cleanroomsml.lock.json.")
    old = time.time() - 3600
    os.utime(stale[0], (old, old))
    assert _add(emulator, lock, FRAUD).returncode == 0
    assert [p for p in tmp_path.iterdir() if p.name.endswith(TEMP_SUFFIX)] == []
    assert len(json.loads(lock.read_text())["entries"]) == 2


def test_the_gitignore_line_for_temporary_files_is_in_the_repository():
    root = Path(__file__).resolve().parents[1]
    lines = (root / ".gitignore").read_text().splitlines()
    assert f"*{TEMP_SUFFIX}" in lines


# --------------------------------------------------------------------------- hostile lock files


def _hostile(kind: str) -> str:
    if kind == "5,000-digit integer":
        return '{"format_version": ' + "9" * 5000 + ', "entries": {}}'
    if kind == "100,000-deep nesting":
        return '{"format_version": 1, "entries": ' + "[" * 100_000 + "]" * 100_000 + "}"
    if kind == "lone surrogate":
        return '{"format_version": 1, "entries": {"\\ud800": {}}}'
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["5,000-digit integer", "100,000-deep nesting", "lone surrogate"])
@pytest.mark.parametrize("command", ["lock show", "drift", "lock refresh", "lock add"])
def test_a_hostile_lock_file_is_one_line_naming_it(kind, command, emulator, tmp_path):
    lock = tmp_path / "cleanroomsml.lock.json"
    lock.write_text(_hostile(kind))
    before = lock.read_bytes()
    args = {
        "lock show": ["lock", "show"],
        "drift": ["drift", "--endpoint-url", emulator.url],
        "lock refresh": ["lock", "refresh", "--endpoint-url", emulator.url],
        "lock add": ["lock", "add", "--trained-model-arn", CHURN, "--collaboration-identifier",
                     COLLABORATION, "--endpoint-url", emulator.url],
    }[command]
    result = run_cli(*args, "--lock-file", str(lock))
    assert result.returncode == 1
    line = _one_line(result.stderr)
    assert str(lock) in line
    expected = {"5,000-digit integer": "digits", "100,000-deep nesting": "nested",
                "lone surrogate": "surrogate"}[kind]
    assert expected in line, line
    assert lock.read_bytes() == before


@pytest.mark.parametrize("command", [["lock", "show"], ["drift"]])
def test_a_fifo_as_lock_file_is_refused_in_one_line_not_read_forever(command, tmp_path):
    """Opening a FIFO with no writer blocks: a lock file that is one is refused by its type."""
    fifo = tmp_path / "cleanroomsml.lock.json"
    os.mkfifo(fifo)
    done = subprocess.run([*CLI, *command, "--lock-file", str(fifo)], env=_cli_env(None),
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "is not a regular file" in done.stderr and str(fifo) in done.stderr
