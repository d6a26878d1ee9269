"""How fast is ``cleanroomsml-tf drift`` over 1,000 lock entries, against one process per model?

Serves N models (default 1,000) from the local endpoint (its own process), locks them all
(set-up, not timed), then times, interleaved:

* ``drift`` as the CLI: a fresh ``cleanroomsml-tf drift`` process (interpreter start, imports
  and lock-file validation included) — the figure the target applies to;
* ``drift`` in-process (``check_drift``: one shared client, bounded thread pool; the client is
  reused between runs, as in a long-lived process);
* the baseline a shell loop around ``aws cleanroomsml get-collaboration-trained-model`` would be:
  one process per model, emulated with ``cleanroomsml-tf describe`` (faster than the AWS CLI,
  so the comparison is conservative) for a SAMPLE of models and EXTRAPOLATED to N (labelled so
  in the table: running 1,000 processes would take minutes).

    python benchmarks/drift_throughput.py [--quick] [--models 1000] [--rounds 7] [--sample 21]

Target, for 1,000 entries: the CLI under 3 s wall, and 100x or more faster than the loop.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import harness
from describe_process import describe_command
from harness import BenchmarkError, Row
from local_endpoint import EndpointProcess, many_models

NAME = "drift_throughput"
TARGET_S = 3.0
TARGET_SPEEDUP = 100
TARGET_MODELS = 1000


def lock_all(models: list[dict[str, Any]], url: str, path: Path) -> None:
    """Resolve every model once and write the lock file (set-up, not timed)."""
    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.aws.settings import ClientSettings
    from cleanroomsml_tf.lockfile.model import LockFile, new_entry
    from cleanroomsml_tf.lockfile.store import write
    from cleanroomsml_tf.lockfile.synth import resolve_many
    from cleanroomsml_tf.model.identifiers import ModelRef

    resolver = Resolver(ClientSettings(endpoint_url=url))
    refs = [ModelRef(m["trainedModelArn"], m["collaborationIdentifier"]) for m in models]
    records = resolve_many(refs, resolver, path)
    lock = LockFile(path)
    for ref in refs:
        lock.put(new_entry(ref, records[ref.key]))
    write(lock)


def time_in_process(path: Path, url: str, concurrency: int) -> float:
    """Seconds to read the lock file and check every entry in this process (no drift allowed:
    a run that finds drift or errors measured the wrong thing)."""
    from cleanroomsml_tf.aws.settings import ClientSettings
    from cleanroomsml_tf.drift.check import check_drift
    from cleanroomsml_tf.lockfile.store import read

    started = time.perf_counter()
    report = check_drift(
        read(path), settings=ClientSettings(endpoint_url=url), concurrency=concurrency
    )
    elapsed = time.perf_counter() - started
    if report.exit_code != 0:
        raise BenchmarkError(f"in-process drift exited {report.exit_code}, expected 0")
    return elapsed


def run(
    quick: bool = False, models: int = TARGET_MODELS, rounds: int | None = None,
    sample: int | None = None, concurrency: int | None = None,
) -> list[Row]:
    """Median drift wall time (CLI and in-process) against one process per model."""
    from cleanroomsml_tf.aws.settings import DEFAULT_CONCURRENCY

    rounds = rounds or (3 if quick else 7)
    sample = sample or (9 if quick else 21)
    concurrency = concurrency or DEFAULT_CONCURRENCY
    data = many_models(models)
    cli_samples: list[float] = []
    in_process: list[float] = []
    per_model: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-drift-") as tmp, \
            EndpointProcess(data) as endpoint:
        path = Path(tmp) / "cleanroomsml.lock.json"
        lock_all(data, endpoint.url, path)
        drift_cli = [*describe_command(), "drift", "--lock-file", str(path), "--endpoint-url",
                     endpoint.url, "--format", "json", "--concurrency", str(concurrency)]

        def describe(index: int) -> float:
            model = data[index % len(data)]
            return harness.time_command(
                [*describe_command(), "describe", "--endpoint-url", endpoint.url,
                 "--trained-model-arn", model["trainedModelArn"],
                 "--collaboration-identifier", model["collaborationIdentifier"]])

        if not quick:
            # Warm-up: page cache, the endpoint's threads. (lock_all already built the shared
            # client in-process, and bytecode exists; --quick relies on the median instead.)
            harness.time_command(drift_cli)
            time_in_process(path, endpoint.url, concurrency)
            describe(0)
        # Round-robin, describe processes spread over the rounds, so noise hits every variant.
        per_round = -(-sample // rounds)
        for _ in range(rounds):
            cli_samples.append(harness.time_command(drift_cli))
            in_process.append(time_in_process(path, endpoint.url, concurrency))
            for _ in range(per_round):
                if len(per_model) < sample:
                    per_model.append(describe(len(per_model)))
    loop = Row(NAME, f"process per model x{models}", [s * models for s in per_model],
               note=f"EXTRAPOLATED from {sample} describe processes")
    cli = Row(NAME, f"drift CLI x{models}", cli_samples,
              note=f"fresh process, concurrency {concurrency}")
    inproc = Row(NAME, f"drift in-process x{models}", in_process,
                 note="check_drift(), client reused")
    harness.compare([loop, cli, inproc], loop)
    if models == TARGET_MODELS:
        harness.check_target(
            cli, f"< {TARGET_S:.0f} s, >= {TARGET_SPEEDUP}x faster",
            (cli.median or 0) < TARGET_S and (cli.ratio or 1) <= 1 / TARGET_SPEEDUP)
    return [loop, cli, inproc]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", type=int, default=TARGET_MODELS, help="lock entries")
    parser.add_argument("--rounds", type=int, help="drift runs per variant (default 7, quick 3)")
    parser.add_argument("--sample", type=int,
                        help="describe processes for the extrapolated loop (default 21, quick 9)")
    parser.add_argument("--concurrency", type=int, help="drift --concurrency (default: the CLI's)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
