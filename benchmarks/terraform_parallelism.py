"""``terraform plan``: 96 lookups against an endpoint 300 ms away, ``-parallelism`` 16 and 64.

Terraform reads up to ``-parallelism`` data sources at once, each one RPC to the provider that
holds a gRPC worker for the whole request. A provider that caps its own workers below that number
makes the extra parallelism useless: 96 reads at 300 ms take 6 waves (1.8 s of waiting) at 16 and
should take 2 waves (0.6 s) at 64.

Three working directories with the same 96 ``cleanroomsml_collaboration_trained_model`` data
sources (one output each), ``terraform init`` once each (not timed), then round-robin:

* ``x96 at once, -parallelism=64``: against an endpoint that answers at once -- what the plan
  costs without waiting (launches, schema, 96 reads' CPU; the floor);
* ``x96 +300 ms, -parallelism=16`` (baseline) and ``x96 +300 ms, -parallelism=64``: against an
  endpoint holding every response 300 ms (``cleanroomsml-tf emulator --latency-ms 300``, its
  own process).

The derived rows ``waiting at -parallelism=N`` are, per round, the plan time minus the floor of
that round: the time spent waiting on the endpoint. **Target:** waiting at 64 at most 0.5x
waiting at 16 (ideal: a third, 2 waves against 6). The newest Terraform found is used.

    python benchmarks/terraform_parallelism.py [--quick] [--rounds 5] [--latency-ms 300]
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
from collections.abc import Callable, Sequence
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


def run(quick: bool = False, rounds: int | None = None, latency_ms: int = LATENCY_MS,
        lookups: int = LOOKUPS) -> list[Row]:
    """Median plan time per variant and the waiting time at 64 against 16."""
    terraform = newest_terraform()
    if terraform is None:
        raise BenchmarkError("no terraform found (PATH, $TERRAFORM_1_0, .venv/opt)")
    rounds = rounds or (3 if quick else 5)
    models = many_models(lookups)
    plan = [terraform.path, "plan", "-refresh=true", "-input=false", "-lock=false", "-no-color"]
    floor = f"x{lookups} at once, -parallelism=64"
    slow = {n: f"x{lookups} +{latency_ms} ms, -parallelism={n}" for n in (16, 64)}
    with tempfile.TemporaryDirectory(prefix="bench-parallelism-") as tmp, \
            EndpointProcess(models) as fast, EndpointProcess(models, latency_ms) as remote:
        root = Path(tmp)
        home = terraform_home(root)
        env = terraform_env(home)
        variants: dict[str, Callable[[], float]] = {}
        for variant, url, parallelism in ((floor, fast.url, 64), (slow[16], remote.url, 16),
                                          (slow[64], remote.url, 64)):
            workdir = root / f"work{len(variants)}"
            prepare(terraform, workdir, data_config(models, url), env)
            variants[variant] = functools.partial(
                harness.time_command, [*plan, f"-parallelism={parallelism}"], env=env,
                cwd=workdir)
        samples = harness.interleaved(variants, rounds, warmup=1)
    version = f"terraform {terraform.version}"
    rows = [Row(NAME, floor, samples[floor], note=f"{version}, endpoint answers at once")]
    base = Row(NAME, slow[16], samples[slow[16]], note=f"{version}, every response held "
                                                        f"{latency_ms} ms")
    wide = Row(NAME, slow[64], samples[slow[64]], note=f"{version}, same endpoint")
    harness.compare([wide], base)
    waiting = {n: Row(NAME, f"waiting at -parallelism={n}",
                      [s - f for s, f in zip(samples[slow[n]], samples[floor], strict=True)],
                      note="per round: plan time minus the floor's")
               for n in (16, 64)}
    harness.compare([waiting[64]], waiting[16])
    # Waiting that does not show above the floor's noise (<= 0) proves nothing: MISSED.
    measurable = all((row.median or 0) > 0 for row in waiting.values())
    harness.check_target(waiting[64], f"<= {TARGET_RATIO}x at 16 (ideal 1/3)",
                         measurable and (waiting[64].ratio or 1) <= TARGET_RATIO)
    return [*rows, base, wide, waiting[16], waiting[64]]


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
