"""``drift`` and ``lock add --all`` over 1,000 models against an endpoint 50 ms away.

The local endpoint answers at once; AWS answers after a network round trip. Two endpoint
processes serve the same 1,000 models, one answering at once and one after ``--latency-ms 50``
(every response held 50 ms, without CPU). Interleaved, as fresh CLI processes with their default
concurrency:

* ``drift`` over a lock file of the 1,000 models (locked once, not timed);
* ``lock add --all`` of the collaboration into a lock file that already holds them (it lists
  the collaboration, resolves every model and writes nothing that did not change).

**Baseline:** the same command against the endpoint that answers at once. **Target:** at most
1.3x: the round trips must overlap, so latency costs little next to the client's own work.

    python benchmarks/drift_latency.py [--quick] [--models 1000] [--latency-ms 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import harness
from describe_process import describe_command
from drift_throughput import lock_all
from harness import Row
from local_endpoint import EndpointProcess, many_models

NAME = "drift_latency"
TARGET_RATIO = 1.3
MODELS = 1000
LATENCY_MS = 50


def run(quick: bool = False, models: int = MODELS, latency_ms: int = LATENCY_MS,
        rounds: int | None = None) -> list[Row]:
    """Median CLI wall time per command, latency against none."""
    rounds = rounds or (3 if quick else 5)
    data = many_models(models)
    collaboration = data[0]["collaborationIdentifier"]
    cli = describe_command()
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp, \
            EndpointProcess(data) as fast, EndpointProcess(data, latency_ms) as slow:
        root = Path(tmp)
        lock = root / "drift.lock.json"
        lock_all(data, fast.url, lock)
        variants: dict[str, Callable[[], float]] = {}
        for label, endpoint in (("at once", fast), (f"+{latency_ms} ms", slow)):
            drift = [*cli, "drift", "--lock-file", str(lock), "--endpoint-url", endpoint.url,
                     "--format", "json"]
            variants[f"drift x{models}, {label}"] = functools.partial(
                harness.time_command, drift)
            target = root / f"add-{len(variants)}.lock.json"
            shutil.copy(lock, target)
            add = [*cli, "lock", "add", "--all", "--collaboration-identifier", collaboration,
                   "--lock-file", str(target), "--endpoint-url", endpoint.url]
            variants[f"lock add --all x{models}, {label}"] = functools.partial(
                harness.time_command, add)
        samples = harness.interleaved(variants, rounds, warmup=0 if quick else 1)
    rows: list[Row] = []
    for command in (f"drift x{models}", f"lock add --all x{models}"):
        base = Row(NAME, f"{command}, at once", samples[f"{command}, at once"],
                   note="fresh CLI process, default concurrency")
        slow = f"{command}, +{latency_ms} ms"
        slow_row = Row(NAME, slow, samples[slow],
                       note=f"every response held {latency_ms} ms by the endpoint")
        harness.compare([slow_row], base)
        if latency_ms == LATENCY_MS and models == MODELS:
            harness.check_target(slow_row, f"<= {TARGET_RATIO}x at once",
                                 (slow_row.ratio or 0) <= TARGET_RATIO)
        rows += [base, slow_row]
    return rows


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", type=int, default=MODELS, help="models served and locked")
    parser.add_argument("--latency-ms", type=int, default=LATENCY_MS,
                        help="delay of the slow endpoint's every response")
    parser.add_argument("--rounds", type=int, help="runs per variant (default 5, quick 3)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
