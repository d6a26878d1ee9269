"""How fast is ``cleanroomsml-tf drift`` over many models, against one process per model?

Builds N models (default 1,000), serves them from a local Emulator, locks them all, then times:

* ``drift`` in-process (``check_drift``: one shared client, bounded thread pool);
* ``drift`` as the CLI (a fresh ``python -m cleanroomsml_tf drift`` process, start-up included);
* the baseline a shell loop around ``aws cleanroomsml get-collaboration-trained-model`` would be:
  one process per model, emulated with ``python -m cleanroomsml_tf describe`` for a SAMPLE of
  models and extrapolated to N (clearly labelled in the table).

Usage::

    python benchmarks/drift_throughput.py [--models 1000] [--sample 20] [--concurrency 16]

The target (1,000 entries in under 3 s wall on a 2-core machine) applies to the CLI row.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cleanroomsml_tf.client import ClientSettings
from cleanroomsml_tf.drift import check_drift
from cleanroomsml_tf.emulator import Emulator, example_models
from cleanroomsml_tf.identifiers import ModelRef
from cleanroomsml_tf.lockfile import LockFile, new_entry, read, write
from cleanroomsml_tf.lookup import Resolver

TARGET_S = 3.0
CLI = (sys.executable, "-m", "cleanroomsml_tf")


def build_models(count: int) -> list[dict[str, Any]]:
    """``count`` distinct models (one version each), derived from the first example model."""
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


def lock_all(models: list[dict[str, Any]], url: str, path: Path) -> LockFile:
    """Resolve every model once and write the lock file (setup, not timed)."""
    from cleanroomsml_tf.lockfile import resolve_many

    resolver = Resolver(ClientSettings(endpoint_url=url))
    refs = [ModelRef(m["trainedModelArn"], m["collaborationIdentifier"]) for m in models]
    records = resolve_many(refs, resolver, path, concurrency=16)
    lock = LockFile(path)
    for ref in refs:
        lock.put(new_entry(ref, records[ref.key]))
    write(lock)
    return lock


def time_in_process(path: Path, url: str, concurrency: int) -> tuple[float, int]:
    """Wall time of reading the lock file and checking every entry in this process."""
    started = time.perf_counter()
    report = check_drift(
        read(path), settings=ClientSettings(endpoint_url=url), concurrency=concurrency
    )
    return time.perf_counter() - started, report.exit_code


def time_cli(path: Path, url: str, concurrency: int) -> tuple[float, int]:
    """Wall time of ``cleanroomsml-tf drift`` as a fresh process (interpreter start included)."""
    started = time.perf_counter()
    result = subprocess.run(
        [*CLI, "drift", "--lock-file", str(path), "--endpoint-url", url, "--format", "json",
         "--concurrency", str(concurrency)],
        capture_output=True, text=True, check=False,
    )
    return time.perf_counter() - started, result.returncode


def time_process_per_model(models: list[dict[str, Any]], url: str, sample: int) -> float:
    """Mean wall time of one ``describe`` process per model, over ``sample`` models."""
    started = time.perf_counter()
    for model in models[:sample]:
        subprocess.run(
            [*CLI, "describe", "--trained-model-arn", model["trainedModelArn"],
             "--collaboration-identifier", model["collaborationIdentifier"],
             "--endpoint-url", url],
            capture_output=True, check=True,
        )
    return (time.perf_counter() - started) / sample


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; exit 1 if the CLI misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)

    models = build_models(args.models)
    with tempfile.TemporaryDirectory() as tmp, Emulator(models) as em:
        path = Path(tmp) / "cleanroomsml.lock.json"
        lock_all(models, em.url, path)
        in_process, code_a = time_in_process(path, em.url, args.concurrency)
        cli, code_b = time_cli(path, em.url, args.concurrency)
        per_model = time_process_per_model(models, em.url, args.sample)
    if code_a != 0 or code_b != 0:
        print(f"unexpected exit codes: in-process {code_a}, CLI {code_b}", file=sys.stderr)
        return 1
    baseline = per_model * args.models
    n = args.models
    rows = [
        (f"drift, in-process ({n} entries)", in_process, "measured"),
        (f"drift, CLI process ({n} entries)", cli, "measured"),
        (f"one process per model x {n}", baseline,
         f"EXTRAPOLATED from {args.sample} describe runs ({per_model * 1000:.0f} ms each)"),
    ]
    print(f"drift throughput: {n} models, concurrency {args.concurrency}, "
          f"{os.cpu_count()} CPUs, local emulator (in the benchmark process)")
    print(f"{'run':<40} {'wall s':>8} {'entries/s':>10} {'vs CLI':>8}  note")
    for label, seconds, note in rows:
        print(f"{label:<40} {seconds:>8.2f} {n / seconds:>10.0f} {seconds / cli:>7.1f}x  {note}")
    verdict = "PASS" if cli < TARGET_S else "FAIL"
    print(f"target: CLI under {TARGET_S:.0f} s for {n} entries -> {verdict}")
    return 0 if cli < TARGET_S or n != 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
