"""Run every benchmark, print one table with the machine description, and write it as JSON.

    python benchmarks/run_all.py [--quick] [--only NAME[,NAME]] [--json PATH] [--strict]

Each figure is a median of several runs; each comparison is a ratio against a baseline measured
in the same run (see benchmarks/README.md). Targets missed show as MISSED; the exit status is 0
unless a benchmark could not run (1), or ``--strict`` and a target was missed (1). Not part of
the test suite's pass/fail.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import describe_process
import drift_latency
import drift_throughput
import harness
import lookup_overhead
import plugin_memory
import plugin_startup
import synth_lookups
import terraform_parallelism
import terraform_plan
import wire_grpc
import wire_protobuf
from harness import ERROR, MISSED, OK, Row

# Cheap and in-process ones first; synth last, because it leaves a jsii (node) runtime behind.
BENCHMARKS: dict[str, Callable[..., list[Row]]] = {
    plugin_startup.NAME: plugin_startup.run,
    wire_protobuf.NAME: wire_protobuf.run,
    wire_grpc.NAME: wire_grpc.run,
    lookup_overhead.NAME: lookup_overhead.run,
    describe_process.NAME: describe_process.run,
    drift_throughput.NAME: drift_throughput.run,
    drift_latency.NAME: drift_latency.run,
    terraform_plan.NAME: terraform_plan.run,
    terraform_parallelism.NAME: terraform_parallelism.run,
    plugin_memory.NAME: plugin_memory.run,
    synth_lookups.NAME: synth_lookups.run,
}


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return names


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The runner's options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions (about 1 minute instead of 2.5 on a 2-core VM)")
    parser.add_argument("--only", type=_names, action="extend", metavar="NAME[,NAME]",
                        help=f"run only these ({', '.join(BENCHMARKS)}); repeatable")
    parser.add_argument("--json", type=Path, default=harness.DEFAULT_JSON, metavar="PATH",
                        help="where to write the results (default: benchmarks/results/latest.json)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a target is missed, too")
    return parser.parse_args(argv)


def run_one(name: str, quick: bool) -> tuple[list[Row], str | None]:
    """One benchmark's rows, or an ERROR row and the error when it could not run."""
    try:
        return BENCHMARKS[name](quick=quick), None
    except Exception as error:  # noqa: BLE001 - one broken benchmark must not hide the others
        message = f"{type(error).__name__}: {error}"
        if not isinstance(error, harness.BenchmarkError):
            traceback.print_exc()  # an unexpected failure: keep the detail on stderr
        return [Row(name, "-", verdict=ERROR, note=message[:200])], f"{name}: {message}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmarks, print the table, write the JSON, return the exit status."""
    args = parse_args(argv)
    # Quiet and deterministic children: no jsii banner, no inherited Terraform logging.
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    for name in ("TF_LOG", "TF_LOG_PROVIDER"):
        os.environ.pop(name, None)
    selected = args.only or list(BENCHMARKS)
    started = time.perf_counter()
    machine = harness.describe_machine()
    rows: list[Row] = []
    errors: list[str] = []
    for index, name in enumerate(selected, 1):
        print(f"[{index}/{len(selected)}] {name}...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        new_rows, error = run_one(name, args.quick)
        rows += new_rows
        errors += [error] if error else []
        print(f"[{index}/{len(selected)}] {name}: {time.perf_counter() - began:.1f} s",
              file=sys.stderr, flush=True)
    duration = time.perf_counter() - started
    machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    command = ["python", "benchmarks/run_all.py", *(argv if argv is not None else sys.argv[1:])]
    harness.write_json(args.json, harness.result_document(
        rows, machine, command=command, quick=args.quick, duration_s=duration, errors=errors))

    print(f"$ {' '.join(command)}")
    print(harness.render_machine(machine))
    print()
    print(harness.render_table(rows))
    print()
    verdicts = [row.verdict for row in rows]
    print(f"targets: {verdicts.count(OK)} OK, {verdicts.count(MISSED)} MISSED; "
          f"benchmarks that could not run: {len(errors)}; "
          f"{'quick run, ' if args.quick else ''}took {duration:.0f} s; JSON: {args.json}")
    return harness.exit_status(rows, strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
