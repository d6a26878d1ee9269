"""``terraform plan``: 96 lookups against an endpoint 300 ms away, ``-parallelism`` 16 and 64.

Terraform reads up to ``-parallelism`` data sources at once, each one RPC to the provider that
holds a gRPC worker for the whole request. A provider that caps its own workers below that number
makes the extra parallelism useless: 96 reads at 300 ms take 6 waves (1.8 s of waiting) at 16 and
should take 2 waves (0.6 s) at 64.

Two working directories with the same 96 ``cleanroomsml_collaboration_trained_model`` data
sources (one output each): one against an endpoint that answers at once, one against an endpoint
holding every response 300 ms (``cleanroomsml-tf emulator --latency-ms 300``, its own process).
``terraform init`` once each (not timed); then four variants, round-robin after an untimed
warm-up round: each directory planned with ``-parallelism=16`` and with ``=64``.

``x96 +300 ms, -parallelism=16`` is the baseline of ``x96 +300 ms, -parallelism=64``. The
``waiting at -parallelism=N`` rows are, per round, the plan time against the slow endpoint minus
the plan time against the fast one at the same parallelism: the time spent waiting on the
endpoint, without what the plan costs anyway (launches, validation, CPU), which also grows with
the parallelism. **Target:** waiting at 64 at most 0.5x waiting at 16 (ideal: a third, 2 waves
of 300 ms against 6). The newest Terraform found is used.

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
    label = {(speed, n): f"x{lookups} {speed}, -parallelism={n}"
             for speed in ("at once", f"+{latency_ms} ms") for n in (16, 64)}
    with tempfile.TemporaryDirectory(prefix="bench-parallelism-") as tmp, \
            EndpointProcess(models) as fast, EndpointProcess(models, latency_ms) as remote:
        root = Path(tmp)
        home = terraform_home(root)
        env = terraform_env(home)
        variants: dict[str, Callable[[], float]] = {}
        for speed, endpoint in (("at once", fast), (f"+{latency_ms} ms", remote)):
            workdir = root / ("fast" if endpoint is fast else "slow")
            prepare(terraform, workdir, data_config(models, endpoint.url), env)
            for n in (16, 64):
                variants[label[speed, n]] = functools.partial(
                    harness.time_command, [*plan, f"-parallelism={n}"], env=env, cwd=workdir)
        samples = harness.interleaved(variants, rounds, warmup=1)
    version = f"terraform {terraform.version}"
    rows = {key: Row(NAME, name, samples[name], note=f"{version}, " + (
        "endpoint answers at once" if key[0] == "at once" else
        f"every response held {latency_ms} ms")) for key, name in label.items()}
    slow = f"+{latency_ms} ms"
    harness.compare([rows[slow, 64]], rows[slow, 16])
    waiting = {n: Row(NAME, f"waiting at -parallelism={n}",
                      [s - f for s, f in zip(samples[label[slow, n]], samples[label["at once", n]],
                                             strict=True)],
                      note="per round: slow endpoint minus fast one, same parallelism")
               for n in (16, 64)}
    harness.compare([waiting[64]], waiting[16])
    # Waiting that does not show above the noise (<= 0) proves nothing: MISSED, not OK.
    measurable = all((row.median or 0) > 0 for row in waiting.values())
    harness.check_target(waiting[64], f"<= {TARGET_RATIO}x at 16 (ideal 1/3)",
                         measurable and (waiting[64].ratio or 1) <= TARGET_RATIO)
    return [*rows.values(), waiting[16], waiting[64]]


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
