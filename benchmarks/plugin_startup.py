"""Launch-to-handshake time of terraform-provider-cleanroomsml, the way Terraform launches it.

Terraform starts the provider ~3 times per plan (schema, validate, plan/apply), so every
millisecond before the go-plugin handshake line is paid several times per run. This installs the
launcher into a temporary mirror, starts it with the environment Terraform sets (magic cookie,
protocol versions, client certificate), times spawn -> first stdout line and stops the process.
Baseline: ``python -I -c pass`` with the same interpreter, measured interleaved in the same run.

    python benchmarks/plugin_startup.py [--quick] [-n 30]

Target: median <= 150 ms on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import harness
from harness import BenchmarkError, Row

NAME = "plugin_startup"
TARGET_MEDIAN_S = 0.150


def terraform_env(home: Path) -> dict[str, str]:
    """The variables go-plugin sets when Terraform launches a provider."""
    from cleanroomsml_tf.plugin.server import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE
    from cleanroomsml_tf.plugin.tls import generate

    env = dict(os.environ)
    env.update(
        HOME=str(home),
        PLUGIN_PROTOCOL_VERSIONS="6",
        PLUGIN_MIN_PORT="10000",
        PLUGIN_MAX_PORT="25000",
        # AutoMTLS: the client certificate go-plugin generates for each launch.
        PLUGIN_CLIENT_CERT=generate().cert_pem.decode(),
    )
    env[MAGIC_COOKIE_KEY] = MAGIC_COOKIE_VALUE
    env.pop("TF_LOG", None)
    env.pop("TF_LOG_PROVIDER", None)
    return env


def time_handshake(command: list[str], env: dict[str, str]) -> float:
    """Seconds from spawn to the handshake line on stdout; the process is then stopped."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    line = process.stdout.readline() if process.stdout else ""
    elapsed = time.perf_counter() - started
    process.terminate()
    process.wait(timeout=10)
    if process.stdout:
        process.stdout.close()
    if not line.startswith("1|6|unix|"):
        raise BenchmarkError(f"unexpected handshake from {command[0]}: {line!r}")
    return elapsed


def run(quick: bool = False, n: int | None = None) -> list[Row]:
    """Median launch-to-handshake time against ``python -I -c pass``."""
    from cleanroomsml_tf.plugin.install import install

    rounds = n or (10 if quick else 30)
    with tempfile.TemporaryDirectory(prefix="bench-plugin-") as tmp:
        home = Path(tmp)
        launcher = str(install(home / "plugins", home=home))
        env = terraform_env(home)
        # The warm-up round caches the TLS key pair and writes bytecode, as any second launch.
        samples = harness.interleaved({
            "python -I -c pass": lambda: harness.time_command(
                [sys.executable, "-I", "-c", "pass"], env=env),
            "plugin launcher": lambda: time_handshake([launcher], env),
        }, rounds)
    baseline, plugin = (Row(NAME, variant, values) for variant, values in samples.items())
    harness.compare([baseline, plugin], baseline)
    median = plugin.median or 0.0
    harness.check_target(plugin, f"median <= {TARGET_MEDIAN_S * 1e3:.0f} ms",
                         median <= TARGET_MEDIAN_S)
    plugin.note = "spawn -> handshake line, as Terraform launches it"
    return [baseline, plugin]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", type=int, help="launches per variant (default 30, --quick 10)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
