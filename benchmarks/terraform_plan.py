"""``terraform plan`` wall time with 1, 10 and 100 lookups: ours against a Go provider's.

For each N, three working directories with the same N outputs (four attributes each):

* ``data sources xN``: N ``cleanroomsml_collaboration_trained_model`` data sources read from the
  local endpoint (its own process) through our provider, installed in a private HOME's mirror;
* ``go null xN`` (the baseline, see :mod:`go_provider`): N ``null_data_source`` blocks of
  HashiCorp's Go ``null`` provider 2.1.2, installed in the same mirror — the same plan shape
  (N data sources read during plan, the provider launched for schema, validate and plan), so the
  ratio is what being a Python provider costs against the alternative users compare with;
* ``locals xN``: the same outputs from ``locals`` holding literals, no provider at all —
  Terraform's own floor for a configuration of that size (for reading the rows, no target).

``terraform init`` runs once per directory, outside the timing; then
``terraform plan -refresh=true -input=false -lock=false`` is timed, all directories
round-robin, after one untimed warm-up round. The newest native Terraform found is used (named
in the table's note; see ``terraform_setup.plan_terraform``). Target: ``data sources xN`` at
most 2.0x ``go null xN`` for every N. When the Go
provider cannot be fetched from PyPI, a SKIPPED row says why and ours is compared with the
locals floor, without a verdict.

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
from go_provider import Unavailable, install_null
from harness import BenchmarkError, Row
from local_endpoint import EndpointProcess, many_models
from terraform_setup import Terraform, plan_terraform, terraform_env, terraform_home

NAME = "terraform_plan"
SIZES = (1, 10, 100)
TARGET_RATIO = 2.0
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
NULL_PROVIDER = """terraform {
  required_providers {
    null = { source = "hashicorp/null", version = "%s" }
  }
}
"""
# Output key -> the attribute of our data source (and of the locals) it shows.
OUTPUTS = {
    "digest": "training_container_image_digest",
    "instance_type": "resource_config.instance_type",
    "status": "status",
    "version": "version_identifier",
}


def _hcl(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid HCL string literal


def output_block(name: str, expressions: dict[str, str]) -> str:
    """One output holding an object of four values (``{key: HCL expression}``)."""
    lines = [f"    {key:<13} = {expression}\n" for key, expression in expressions.items()]
    return f'output "{name}" {{\n  value = {{\n{"".join(lines)}  }}\n}}\n'


def _attributes(prefix: str) -> dict[str, str]:
    return {key: f"{prefix}.{attribute}" for key, attribute in OUTPUTS.items()}


def _values(model: dict[str, Any]) -> dict[str, str]:
    """The four values the outputs show, from the endpoint's model."""
    return {
        "digest": model["trainingContainerImageDigest"],
        "instance_type": model["resourceConfig"]["instanceType"],
        "status": model["status"],
        "version": model["versionIdentifier"],
    }


def data_config(models: list[dict[str, Any]], url: str) -> str:
    """N data sources read through our provider, one output each."""
    parts = [PROVIDER % _hcl(url)]
    for i, model in enumerate(models):
        parts.append(
            f'data "{DATA}" "m{i}" {{\n'
            f"  trained_model_arn        = {_hcl(model['trainedModelArn'])}\n"
            f"  collaboration_identifier = {_hcl(model['collaborationIdentifier'])}\n"
            "}\n"
        )
        parts.append(output_block(f"m{i}", _attributes(f"data.{DATA}.m{i}")))
    return "\n".join(parts)


def null_config(models: list[dict[str, Any]], version: str) -> str:
    """N ``null_data_source`` blocks of the Go provider (the same values as inputs), one
    output each: the same plan shape as :func:`data_config`."""
    parts = [NULL_PROVIDER % version]
    for i, model in enumerate(models):
        inputs = "".join(f"    {key:<13} = {_hcl(value)}\n"
                         for key, value in _values(model).items())
        parts.append(f'data "null_data_source" "m{i}" {{\n  inputs = {{\n{inputs}  }}\n}}\n')
        parts.append(output_block(f"m{i}", {
            key: f"data.null_data_source.m{i}.outputs[{_hcl(key)}]" for key in OUTPUTS}))
    return "\n".join(parts)


def locals_config(models: list[dict[str, Any]]) -> str:
    """The same outputs from literal locals: no provider, Terraform's own floor."""
    parts = []
    for i, model in enumerate(models):
        values = _values(model)
        parts.append(
            f"locals {{\n  m{i} = {{\n"
            f"    training_container_image_digest = {_hcl(values['digest'])}\n"
            f"    resource_config = {{ instance_type = {_hcl(values['instance_type'])} }}\n"
            f"    status             = {_hcl(values['status'])}\n"
            f"    version_identifier = {_hcl(values['version'])}\n"
            "  }\n}\n"
        )
        parts.append(output_block(f"m{i}", _attributes(f"local.m{i}")))
    return "\n".join(parts)


def prepare(terraform: Terraform, workdir: Path, text: str, env: dict[str, str]) -> None:
    """Write ``main.tf`` and run ``terraform init`` (not timed)."""
    workdir.mkdir(parents=True)
    (workdir / "main.tf").write_text(text)
    harness.time_command([terraform.path, "init", "-input=false", "-no-color"], env=env,
                         cwd=workdir)


def run(quick: bool = False, rounds: int | None = None,
        sizes: Sequence[int] = SIZES) -> list[Row]:
    """Median ``terraform plan`` time per N: our data sources, the Go provider's, literals."""
    from go_provider import VERSION as NULL_VERSION

    terraform = plan_terraform()
    if terraform is None:
        raise BenchmarkError("no terraform found (PATH, $TERRAFORM_1_0, .venv/opt)")
    rounds = rounds or (3 if quick else 7)
    models = many_models(max(sizes))
    plan = [terraform.path, "plan", "-refresh=true", "-input=false", "-lock=false", "-no-color"]
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp, \
            EndpointProcess(models) as endpoint:
        root = Path(tmp)
        home = terraform_home(root)
        try:
            install_null(home)
            missing_go = ""
        except Unavailable as error:
            missing_go = str(error)
        env = terraform_env(home)
        variants: dict[str, Callable[[], float]] = {}
        for n in sizes:
            configs = [(f"locals x{n}", locals_config(models[:n]))]
            if not missing_go:
                configs.append((f"go null x{n}", null_config(models[:n], NULL_VERSION)))
            configs.append((f"data sources x{n}", data_config(models[:n], endpoint.url)))
            for variant, text in configs:
                workdir = root / variant.replace(" ", "-")
                prepare(terraform, workdir, text, env)
                variants[variant] = functools.partial(harness.time_command, plan, env=env,
                                                      cwd=workdir)
        # Warm-up: one plan through the provider caches its TLS key pair in the shared HOME;
        # the full run adds a whole untimed round, --quick relies on the median instead.
        variants[f"data sources x{min(sizes)}"]()
        samples = harness.interleaved(variants, rounds, warmup=0 if quick else 1)
    return rows_from(samples, sizes, f"terraform {terraform.version}", missing_go)


def rows_from(samples: dict[str, list[float]], sizes: Sequence[int], version: str,
              missing_go: str) -> list[Row]:
    """The table rows: per N the floor, the Go provider (baseline) and ours (target)."""
    from go_provider import VERSION as NULL_VERSION

    rows: list[Row] = []
    if missing_go:
        rows.append(harness.skipped(NAME, "go null xN", missing_go))
    for n in sizes:
        floor = Row(NAME, f"locals x{n}", samples[f"locals x{n}"],
                    note=f"{version}, no provider")
        ours = Row(NAME, f"data sources x{n}", samples[f"data sources x{n}"], note=version)
        if missing_go:
            harness.compare([floor, ours], floor)
            rows += [floor, ours]
            continue
        go = Row(NAME, f"go null x{n}", samples[f"go null x{n}"],
                 note=f"{version}, hashicorp/null {NULL_VERSION} (Go)")
        harness.compare([floor, go], floor)
        harness.compare([ours], go)
        harness.check_target(ours, f"<= {TARGET_RATIO:.1f}x go null",
                             (ours.ratio or 0) <= TARGET_RATIO)
        rows += [floor, go, ours]
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
