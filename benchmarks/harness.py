"""The shared benchmark harness: timing, medians and percentiles, result rows with ratios and
targets, the machine description, the printed table and the JSON file.

Every benchmark module in this directory exposes ``run(quick=False) -> list[Row]`` (used by
``run_all.py``) and a ``main(argv)`` that runs it alone through :func:`standalone`.

Conventions:

* every figure is a median over several runs (``n``), with the 90th percentile beside it;
* ``ratio`` is always ``median / baseline median``, the baseline being another row of the same
  benchmark measured in the same run (so < 1 means faster than the baseline);
* variants are measured interleaved (round-robin), so a burst of noise on this shared 2-core
  machine hits every variant instead of skewing one.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "latest.json"

OK = "OK"
MISSED = "MISSED"
ERROR = "ERROR"
SKIPPED = "SKIPPED"


# -- timing ------------------------------------------------------------------------------------


def time_call(function: Callable[[], object]) -> float:
    """Seconds one call of ``function`` takes (wall clock, ``perf_counter``)."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def time_command(
    command: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
    timeout: float = 300,
) -> float:
    """Seconds a command takes from spawn to exit; raises :class:`BenchmarkError` on failure
    (a benchmark that times a failing command measures nothing worth printing)."""
    started = time.perf_counter()
    result = subprocess.run(
        list(command), env=dict(env) if env is not None else None, cwd=cwd,
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise BenchmarkError(
            f"{' '.join(command[:3])}... exited {result.returncode}: "
            f"{(result.stderr or result.stdout).strip()[-400:]}"
        )
    return elapsed


def interleaved(
    variants: Mapping[str, Callable[[], float]], rounds: int, *, warmup: int = 1
) -> dict[str, list[float]]:
    """Run each variant ``rounds`` times, round-robin, after ``warmup`` untimed rounds.

    Every other round runs the variants in reverse order (A B, B A, ...), so neither pays more
    often for what the previous one left behind (garbage to collect, cold caches).
    Each callable returns the figure of one run (seconds), so a variant can time only part of
    what it does (e.g. exclude set-up). Returns ``{variant: [seconds, ...]}`` in insertion order.
    """
    for _ in range(warmup):
        for measure in variants.values():
            measure()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    order = list(variants.items())
    for index in range(rounds):
        for name, measure in order if index % 2 == 0 else reversed(order):
            samples[name].append(measure())
    return samples


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1): always one of the samples."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


# -- results -----------------------------------------------------------------------------------


class BenchmarkError(Exception):
    """A benchmark could not run (missing tool, failing command, wrong answer)."""


@dataclass
class Row:
    """One line of the table: a variant's samples, its baseline and its target.

    ``samples`` are seconds (or, when ``unit`` is ``"MiB"``, mebibytes of memory). ``ratio`` is
    ``median / baseline median``; ``target`` is a short text and ``verdict`` is ``OK``/``MISSED``
    when a target applies, ``""`` otherwise (``SKIPPED``/``ERROR`` for rows that could not be
    measured).
    """

    benchmark: str
    variant: str
    samples: list[float] = field(default_factory=list)
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    verdict: str = ""
    note: str = ""
    unit: str = "s"

    @property
    def n(self) -> int:
        """How many runs the median is over."""
        return len(self.samples)

    @property
    def median(self) -> float | None:
        """Median seconds (``None`` for a row without samples)."""
        return statistics.median(self.samples) if self.samples else None

    @property
    def p90(self) -> float | None:
        """90th percentile seconds (nearest rank)."""
        return percentile(self.samples, 0.9) if self.samples else None

    def as_json(self) -> dict[str, Any]:
        """The row with its derived statistics, for the JSON file."""
        data = asdict(self)
        suffix = "s" if self.unit == "s" else self.unit.lower()
        data.update({
            "n": self.n, f"median_{suffix}": self.median, f"p90_{suffix}": self.p90,
            f"min_{suffix}": min(self.samples) if self.samples else None,
            f"max_{suffix}": max(self.samples) if self.samples else None,
        })
        return data


def compare(rows: Sequence[Row], baseline: Row) -> None:
    """Set ``baseline`` and ``ratio`` on every row but the baseline itself."""
    base = baseline.median
    for row in rows:
        if row is baseline or row.median is None or not base:
            continue
        row.baseline = baseline.variant
        row.ratio = row.median / base


def check_target(row: Row, text: str, passed: bool) -> None:
    """Attach a target to a row: its text and OK/MISSED."""
    row.target = text
    row.verdict = OK if passed else MISSED


def skipped(benchmark: str, variant: str, reason: str) -> Row:
    """A row for something that could not be measured here (shown, never silently omitted)."""
    return Row(benchmark, variant, verdict=SKIPPED, note=reason)


# -- rendering ---------------------------------------------------------------------------------


def format_seconds(seconds: float | None) -> str:
    """``1.23 s``, ``123.4 ms`` or ``123 us``: the unit that keeps 3-4 significant digits."""
    if seconds is None:
        return "-"
    if seconds >= 100:
        return f"{seconds:.0f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 10e-3:
        return f"{seconds * 1e3:.1f} ms"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} us"


def format_value(value: float | None, unit: str) -> str:
    """A row's figure in its unit: seconds as :func:`format_seconds`, memory as ``87.3 MiB``."""
    if unit == "s" or value is None:
        return format_seconds(value)
    return f"{value:.1f} {unit}"


def format_ratio(ratio: float | None) -> str:
    """``9.9x`` above 1; ``1/133x`` well below 1 (a speed-up reads better as a fraction)."""
    if ratio is None:
        return "-"
    if ratio >= 0.1:
        return f"{ratio:.2f}x"
    return f"1/{1 / ratio:.0f}x"


COLUMNS = ("benchmark", "variant", "n", "median", "p90", "baseline", "ratio", "target",
           "verdict", "note")


def render_table(rows: Sequence[Row]) -> str:
    """The rows as an aligned plain-text table (one header line, one line per row)."""
    cells = [
        [row.benchmark, row.variant, str(row.n) if row.n else "-",
         format_value(row.median, row.unit), format_value(row.p90, row.unit),
         row.baseline or "-", format_ratio(row.ratio),
         row.target or "-", row.verdict or "-", row.note]
        for row in rows
    ]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(COLUMNS)]
    numeric = {2, 3, 4, 6}

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if i in numeric else v.ljust(w)
                 for i, (v, w) in enumerate(zip(values, widths, strict=True))]
        return "  ".join(parts).rstrip()

    separator = "  ".join("-" * w for w in widths)
    return "\n".join([line(COLUMNS), separator, *(line(c) for c in cells)])


def render_machine(machine: Mapping[str, Any]) -> str:
    """The machine description as ``key: value`` lines."""
    width = max(len(k) for k in machine)
    return "\n".join(f"{key:<{width}}  {value}" for key, value in machine.items())


# -- machine description -----------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _command_output(command: Sequence[str], cwd: Path | None = None) -> str:
    try:
        result = subprocess.run(list(command), capture_output=True, text=True, timeout=30,
                                cwd=cwd, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def _package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe_machine(tools: Mapping[str, str] | None = None) -> dict[str, str]:
    """CPU, memory, OS, interpreter, library versions, git commit, load (plus ``tools``)."""
    cpuinfo = _read("/proc/cpuinfo")
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    meminfo = _read("/proc/meminfo")
    mem_kb = next((int(line.split()[1]) for line in meminfo.splitlines()
                   if line.startswith("MemTotal:")), 0)
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count() or 0
    commit = _command_output(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT) or "unknown"
    # Other work may be in progress in the tree: say so rather than pretend the commit is exact.
    if _command_output(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT):
        commit += " (working tree has uncommitted changes)"
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    machine = {
        "cpu": f"{model} x {os.cpu_count()} (usable by this process: {usable})",
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB" if mem_kb else "unknown",
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": f"{platform.python_implementation()} {platform.python_version()} "
                  f"({os.path.abspath(sys.executable)})",
        "cleanroomsml-tf": _package_version("cleanroomsml-tf"),
        "boto3 / botocore": f"{_package_version('boto3')} / {_package_version('botocore')}",
        "cdktf / node": f"{_package_version('cdktf')} / "
                        f"{_command_output(['node', '--version']) or 'not found'}",
        "git commit": commit,
        "load average at start": " ".join(f"{x:.2f}" for x in load),
    }
    machine.update(describe_tools())
    machine.update(tools or {})
    return machine


def describe_tools() -> dict[str, str]:
    """The Terraform binaries found (the plan benchmark uses the newest) and the AWS CLI."""
    from terraform_setup import find_terraform

    found = find_terraform()
    terraform = ", ".join(f"{t.version} ({t.path})" for t in found)
    aws = which("aws")
    aws_version = ""
    if aws:
        # AWS CLI v1 prints its version on stderr, v2 on stdout.
        result = subprocess.run([aws, "--version"], capture_output=True, text=True, timeout=60,
                                check=False)
        aws_version = f"{(result.stdout or result.stderr).strip()} ({aws})"
    return {
        "terraform": (f"{terraform}; each benchmark names the one it ran (note column)"
                      if found else "not found"),
        "aws CLI": aws_version or "not installed",
    }


# -- output ------------------------------------------------------------------------------------


def write_json(path: Path, document: Mapping[str, Any]) -> None:
    """Write ``document`` as JSON atomically: a temporary file in the same directory, then
    ``os.replace``, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def result_document(
    rows: Sequence[Row], machine: Mapping[str, str], *, command: Sequence[str], quick: bool,
    duration_s: float, errors: Sequence[str] = (),
) -> dict[str, Any]:
    """Everything a run produced, as one JSON-ready mapping."""
    return {
        "command": list(command),
        "quick": quick,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "duration_s": round(duration_s, 1),
        "machine": dict(machine),
        "rows": [row.as_json() for row in rows],
        "missed": [f"{r.benchmark}: {r.variant}" for r in rows if r.verdict == MISSED],
        "errors": list(errors),
    }


def exit_status(rows: Sequence[Row], *, strict: bool) -> int:
    """1 when a benchmark could not run, or (``strict``) missed its target; else 0."""
    if any(row.verdict == ERROR for row in rows):
        return 1
    if strict and any(row.verdict == MISSED for row in rows):
        return 1
    return 0


def which(name: str) -> str | None:
    """``shutil.which``, seeing through a pyenv shim to the real executable.

    A shim is a shell script that runs ``pyenv exec``: timing it would add pyenv's own start-up
    (tens of ms) to the tool being measured.
    """
    found = shutil.which(name)
    if found and "/.pyenv/shims/" in found:
        real = _command_output(["pyenv", "which", name])
        return real or None  # the shim exists but no pyenv version provides the tool
    return found


# -- running one module alone ------------------------------------------------------------------


def standalone(
    doc: str | None, run: Callable[..., list[Row]], argv: Sequence[str] | None = None,
    add_options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> int:
    """``main()`` of a benchmark module: ``--quick``, ``--json PATH``, ``--strict`` and the
    module's own options (passed to ``run`` as keyword arguments); prints machine and table."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the rows as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    if add_options:
        add_options(parser)
    args = parser.parse_args(argv)
    options = {k: v for k, v in vars(args).items() if k not in ("json", "strict")}
    started = time.perf_counter()
    rows = run(**options)
    machine = describe_machine()
    print(render_machine(machine))
    print()
    print(render_table(rows))
    if args.json:
        write_json(args.json, result_document(
            rows, machine, command=[sys.executable, *sys.argv], quick=args.quick,
            duration_s=time.perf_counter() - started))
    return exit_status(rows, strict=args.strict)
