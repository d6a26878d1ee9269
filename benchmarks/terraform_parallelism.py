"""``terraform plan``: 96 lookups against an endpoint 300 ms away, ``-parallelism`` 16 and 64.

Terraform reads up to ``-parallelism`` data sources at once, each one RPC to the provider that
holds a gRPC worker for the whole request. A provider that caps its own workers below that number
makes the extra parallelism useless: 96 reads at 300 ms take 6 waves (1.8 s of waiting) at 16 and
should take 2 waves (0.6 s) at 64.

One directory with 96 ``cleanroomsml_collaboration_trained_model`` data sources (one output
each) against an endpoint holding every response 300 ms (``cleanroomsml-tf emulator
--latency-ms 300``, its own process); ``terraform init`` once (not timed); then
``terraform plan -parallelism=16`` and ``=64``, alternating, after an untimed warm-up round.

The figure is the **read phase** of each plan: from Terraform printing the first
``Read complete`` to the last one (timestamps taken as the lines stream from its stdout): the
waves of reads after the first, 5 x 300 ms at 16 and 1 x 300 ms at 64. It leaves out what every
plan pays whatever the parallelism -- three provider launches, schema, validation and the first
wave, which also waits for the one shared client to be built (seconds on a busy 2-core machine,
enough to hide a 1.2 s difference). The whole plan's wall time is shown too. **Baseline:** the
read phase at 16. **Target:** the read phase at 64 at most 0.5x the one at 16 (ideal: a fifth).

    python benchmarks/terraform_parallelism.py [--quick] [--rounds 5] [--latency-ms 300]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import harness
from harness import BenchmarkError, Row
from local_endpoint import EndpointProcess, many_models
from terraform_plan import data_config, prepare
from terraform_setup import newest_terraform, terraform_env, terraform_home

NAME = "terraform_parallelism"
LOOKUPS = 96
LATENCY_MS = 300
TARGET_RATIO = 0.5


def time_plan(command: list[str], env: dict[str, str], cwd: Path,
              lookups: int) -> tuple[float, float]:
    """(whole plan, read phase) in seconds; the read phase runs from the first ``Read complete``
    line to the last one, as they stream from Terraform's stdout."""
    started = time.perf_counter()
    first_done = last_done = None
    done = 0
    with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            now = time.perf_counter()
            if ": Read complete after" in line:
                first_done = first_done or now
                last_done, done = now, done + 1
        stderr = process.stderr.read() if process.stderr else ""
    total = time.perf_counter() - started
    if process.returncode != 0 or first_done is None or last_done is None or done != lookups:
        raise BenchmarkError(f"{' '.join(command[:2])} exited {process.returncode} after "
                             f"{done}/{lookups} reads: {stderr.strip()[-400:]}")
    return total, last_done - first_done


def run(quick: bool = False, rounds: int | None = None, latency_ms: int = LATENCY_MS,
        lookups: int = LOOKUPS) -> list[Row]:
    """Median read phase (and whole plan) at -parallelism 16 and 64."""
    terraform = newest_terraform()
    if terraform is None:
        raise BenchmarkError("no terraform found (PATH, $TERRAFORM_1_0, .venv/opt)")
    rounds = rounds or (3 if quick else 5)
    models = many_models(lookups)
    plan = [terraform.path, "plan", "-refresh=true", "-input=false", "-lock=false", "-no-color"]
    totals: dict[int, list[float]] = {16: [], 64: []}
    reads: dict[int, list[float]] = {16: [], 64: []}
    with tempfile.TemporaryDirectory(prefix="bench-parallelism-") as tmp, \
            EndpointProcess(models, latency_ms) as remote:
        root = Path(tmp)
        env = terraform_env(terraform_home(root))
        workdir = root / "work"
        prepare(terraform, workdir, data_config(models, remote.url), env)
        for index in range(rounds + 1):  # round 0 is the warm-up
            order = (16, 64) if index % 2 == 0 else (64, 16)
            for n in order:
                total, read = time_plan([*plan, f"-parallelism={n}"], env, workdir, lookups)
                if index:
                    totals[n].append(total)
                    reads[n].append(read)
    version = f"terraform {terraform.version}"
    held = f"every response held {latency_ms} ms"
    rows = [Row(NAME, f"plan x{lookups}, -parallelism={n}", totals[n],
                note=f"{version}, {held}, whole plan") for n in (16, 64)]
    base = Row(NAME, f"read phase x{lookups}, -parallelism=16", reads[16],
               note=f"first to last Read complete ({5 * latency_ms} ms of waves at least)")
    wide = Row(NAME, f"read phase x{lookups}, -parallelism=64", reads[64],
               note=f"same ({latency_ms} ms of waves at least)")
    harness.compare([rows[1]], rows[0])
    harness.compare([wide], base)
    harness.check_target(wide, f"<= {TARGET_RATIO}x at 16 (ideal 1/5)",
                         (wide.ratio or 1) <= TARGET_RATIO)
    return [*rows, base, wide]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, help="plans per directory (default 5, quick 3)")
    parser.add_argument("--latency-ms", type=int, default=LATENCY_MS,
                        help="delay of the remote endpoint's every response")
    parser.add_argument("--lookups", type=int, default=LOOKUPS, help="data sources per plan")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
