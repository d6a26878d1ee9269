"""``terraform plan`` wall time with 1, 10 and 100 trained-model lookups, against Terraform's floor.

For each N, two working directories with the same N outputs:

* ``data sources xN``: N ``cleanroomsml_collaboration_trained_model`` data sources read from the
  local endpoint (its own process) through our provider, installed in a private HOME's mirror;
* ``locals xN`` (the baseline): the same outputs from ``locals`` holding the same values as
  literals, no provider at all — what Terraform itself costs for a configuration of that size.

``terraform init`` runs once per directory, outside the timing; then
``terraform plan -refresh=true -input=false -lock=false`` is timed, all directories
round-robin, after one untimed warm-up round. The newest Terraform found is used (named in the
table's note).

    python benchmarks/terraform_plan.py [--quick] [--rounds 7] [--sizes 1,10,100]
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import harness
from harness import BenchmarkError, Row
from local_endpoint import EndpointProcess, many_models
from terraform_setup import Terraform, newest_terraform, terraform_env, terraform_home

NAME = "terraform_plan"
SIZES = (1, 10, 100)
DATA = "cleanroomsml_collaboration_trained_model"
PROVIDER = """terraform {
  required_providers {
    cleanroomsml = { source = "cleanroomsml-tf/cleanroomsml" }
  }
}

provider "cleanroomsml" {
  endpoint = %s
}
"""


def _hcl(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid HCL string literal


def output_block(name: str, prefix: str) -> str:
    """One output using four attributes of ``prefix`` (a data source or a local)."""
    return (
        f'output "{name}" {{\n  value = {{\n'
        f"    digest        = {prefix}.training_container_image_digest\n"
        f"    instance_type = {prefix}.resource_config.instance_type\n"
        f"    status        = {prefix}.status\n"
        f"    version       = {prefix}.version_identifier\n"
        "  }\n}\n"
    )


def data_config(models: list[dict[str, Any]], url: str) -> str:
    """N data sources read through the provider, one output each."""
    parts = [PROVIDER % _hcl(url)]
    for i, model in enumerate(models):
        parts.append(
            f'data "{DATA}" "m{i}" {{\n'
            f"  trained_model_arn        = {_hcl(model['trainedModelArn'])}\n"
            f"  collaboration_identifier = {_hcl(model['collaborationIdentifier'])}\n"
            "}\n"
        )
        parts.append(output_block(f"m{i}", f"data.{DATA}.m{i}"))
    return "\n".join(parts)


def locals_config(models: list[dict[str, Any]]) -> str:
    """The same outputs from literal locals: no provider, Terraform's own floor."""
    parts = []
    for i, model in enumerate(models):
        parts.append(
            f"locals {{\n  m{i} = {{\n"
            f"    training_container_image_digest = "
            f"{_hcl(model['trainingContainerImageDigest'])}\n"
            f"    resource_config = {{ instance_type = "
            f"{_hcl(model['resourceConfig']['instanceType'])} }}\n"
            f"    status             = {_hcl(model['status'])}\n"
            f"    version_identifier = {_hcl(model['versionIdentifier'])}\n"
            "  }\n}\n"
        )
        parts.append(output_block(f"m{i}", f"local.m{i}"))
    return "\n".join(parts)


def prepare(terraform: Terraform, workdir: Path, text: str, env: dict[str, str]) -> None:
    """Write ``main.tf`` and run ``terraform init`` (not timed)."""
    workdir.mkdir(parents=True)
    (workdir / "main.tf").write_text(text)
    harness.time_command([terraform.path, "init", "-input=false", "-no-color"], env=env,
                         cwd=workdir)


def run(quick: bool = False, rounds: int | None = None,
        sizes: Sequence[int] = SIZES) -> list[Row]:
    """Median ``terraform plan`` time per N, data sources against literal locals."""
    terraform = newest_terraform()
    if terraform is None:
        raise BenchmarkError("no terraform found (PATH, $TERRAFORM_1_0, .venv/opt)")
    rounds = rounds or (3 if quick else 7)
    models = many_models(max(sizes))
    plan = [terraform.path, "plan", "-refresh=true", "-input=false", "-lock=false", "-no-color"]
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp, \
            EndpointProcess(models) as endpoint:
        root = Path(tmp)
        env = terraform_env(terraform_home(root))
        variants: dict[str, Callable[[], float]] = {}
        for n in sizes:
            for variant, text in ((f"locals x{n}", locals_config(models[:n])),
                                  (f"data sources x{n}", data_config(models[:n], endpoint.url))):
                workdir = root / variant.replace(" ", "-")
                prepare(terraform, workdir, text, env)
                variants[variant] = functools.partial(harness.time_command, plan, env=env,
                                                      cwd=workdir)
        # Warm-up: one plan through the provider caches its TLS key pair in the shared HOME;
        # the full run adds a whole untimed round, --quick relies on the median instead.
        variants[f"data sources x{min(sizes)}"]()
        samples = harness.interleaved(variants, rounds, warmup=0 if quick else 1)
    rows: list[Row] = []
    for n in sizes:
        floor = Row(NAME, f"locals x{n}", samples[f"locals x{n}"],
                    note=f"terraform {terraform.version}, no provider")
        lookups = Row(NAME, f"data sources x{n}", samples[f"data sources x{n}"],
                      note=f"terraform {terraform.version}")
        harness.compare([floor, lookups], floor)
        rows += [floor, lookups]
    return rows


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(","))


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, help="plans per directory (default 7, quick 3)")
    parser.add_argument("--sizes", type=_sizes, default=SIZES, help="lookup counts, e.g. 1,10")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
