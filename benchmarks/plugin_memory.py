"""Peak memory (RSS) of the provider process in a ``terraform plan`` with 100 lookups.

Terraform launches a provider about three times per plan (schema, validate, plan); the figure
per plan is the largest peak of those launches. To measure a launch exactly (not by sampling
``/proc`` and missing the last milliseconds), the executable in the private HOME's mirror is a
small wrapper that runs the real one as its child with the same stdin/stdout/stderr, then
records the child's peak RSS (``getrusage(RUSAGE_CHILDREN).ru_maxrss``) in a file. The wrapper
is installed before ``terraform init``, so the lock file's hash is the wrapper's.
Plans are not timed here (the wrapper adds an interpreter start per launch).

**Baseline:** the Go ``null`` provider (:mod:`go_provider`) in a plan of the same shape
(100 ``null_data_source`` blocks), measured the same way. **Target:** ours under 100 MiB.

    python benchmarks/plugin_memory.py [--quick] [--rounds 3] [--lookups 100]
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import harness
from go_provider import VERSION as NULL_VERSION
from go_provider import Unavailable, install_null
from harness import BenchmarkError, Row
from local_endpoint import EndpointProcess, many_models
from terraform_plan import data_config, null_config, prepare
from terraform_setup import plan_terraform, terraform_env, terraform_home

NAME = "plugin_memory"
LOOKUPS = 100
TARGET_MIB = 100.0

WRAPPER = """#!{python} -I
# Runs the real provider as a child and records its peak RSS (KiB) for plugin_memory.py.
import os, resource, subprocess, sys
code = subprocess.call([{real!r}, *sys.argv[1:]])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(os.path.join({out!r}, "%d.kib" % os.getpid()), "w") as handle:
    handle.write(str(peak))
sys.exit(code)
"""


def wrap(executable: Path, parked: Path, out: Path) -> None:
    """Move ``executable`` to ``parked`` and put a peak-RSS-recording wrapper in its place."""
    if shlex.quote(sys.executable) != sys.executable:
        raise BenchmarkError(f"cannot write a #! line for {sys.executable!r}")
    parked.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(executable, parked)
    executable.write_text(WRAPPER.format(python=sys.executable, real=str(parked), out=str(out)))
    executable.chmod(0o755)


def plan_peak_mib(command: list[str], env: dict[str, str], workdir: Path, out: Path) -> float:
    """Run one plan; the largest peak RSS of the provider launches it made, in MiB."""
    for old in out.glob("*.kib"):
        old.unlink()
    harness.time_command(command, env=env, cwd=workdir)
    peaks = [int(path.read_text()) for path in out.glob("*.kib")]
    if not peaks:
        raise BenchmarkError(f"no provider launch recorded its memory in {workdir.name}")
    return max(peaks) / 1024


def run(quick: bool = False, rounds: int | None = None, lookups: int = LOOKUPS) -> list[Row]:
    """Peak RSS of our provider, and of the Go provider, in a plan with ``lookups`` reads."""
    from cleanroomsml_tf.plugin.install import executable_path

    terraform = plan_terraform()
    if terraform is None:
        raise BenchmarkError("no terraform found (PATH, $TERRAFORM_1_0, .venv/opt)")
    rounds = rounds or (2 if quick else 3)
    models = many_models(lookups)
    plan = [terraform.path, "plan", "-refresh=true", "-input=false", "-lock=false", "-no-color"]
    samples: dict[str, list[float]] = {}
    missing_go = ""
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp, \
            EndpointProcess(models) as endpoint:
        root = Path(tmp)
        home = terraform_home(root)
        ours_out, go_out = root / "peaks-ours", root / "peaks-go"
        ours_out.mkdir()
        go_out.mkdir()
        wrap(executable_path(home / ".terraform.d" / "plugins"), root / "real" / "ours", ours_out)
        try:
            wrap(install_null(home), root / "real" / "null", go_out)
        except Unavailable as error:
            missing_go = str(error)
        env = terraform_env(home)
        configs = {f"cleanroomsml x{lookups}": (data_config(models, endpoint.url), ours_out)}
        if not missing_go:
            configs[f"go null x{lookups}"] = (null_config(models, NULL_VERSION), go_out)
        for variant, (text, out) in configs.items():
            workdir = root / variant.replace(" ", "-")
            prepare(terraform, workdir, text, env)
            samples[variant] = [plan_peak_mib(plan, env, workdir, out) for _ in range(rounds)]
    note = f"largest of the launches of one plan; terraform {terraform.version}"
    ours = Row(NAME, f"peak RSS, cleanroomsml x{lookups}", samples[f"cleanroomsml x{lookups}"],
               note=note, unit="MiB")
    rows = [ours]
    if missing_go:
        rows.insert(0, harness.skipped(NAME, f"peak RSS, go null x{lookups}", missing_go))
    else:
        go = Row(NAME, f"peak RSS, go null x{lookups}", samples[f"go null x{lookups}"],
                 note=f"{note}, hashicorp/null {NULL_VERSION}", unit="MiB")
        harness.compare([ours], go)
        rows.insert(0, go)
    if lookups == LOOKUPS:
        harness.check_target(ours, f"< {TARGET_MIB:.0f} MiB", (ours.median or 0) < TARGET_MIB)
    return rows


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, help="plans per provider (default 3, quick 2)")
    parser.add_argument("--lookups", type=int, default=LOOKUPS, help="data sources per plan")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
