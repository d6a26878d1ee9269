"""End to end: synthesize, install the plugin, terraform init/apply against the local endpoint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.model.identifiers import ModelRef
from devtools.terraform import OLDEST
from tests.support.cdktf import (
    CHURN_ARN,
    COLLABORATION,
    LTV_ARN,
    ROOT,
    synth_json,
    terraform,
    terraform_binaries,
    write_stack,
)
from tests.support.terraform import discovered

pytestmark = [pytest.mark.cdktf, pytest.mark.terraform]


def _apply(binary, directory, env) -> dict:
    for args in (("init", "-input=false"), ("apply", "-auto-approve", "-input=false")):
        done = terraform(binary, *args, cwd=directory, env=env)
        assert done.returncode == 0, done.stderr + done.stdout
    done = terraform(binary, "output", "-json", cwd=directory, env=env)
    return {name: item["value"] for name, item in json.loads(done.stdout).items()}


def _expected(emulator, arn=CHURN_ARN) -> dict:
    model = Resolver(ClientSettings(endpoint_url=emulator.url)).get_trained_model(
        ModelRef(arn, COLLABORATION))
    return {
        "churn_instance_type": model["resource_config"]["instance_type"],
        "churn_volume_size_in_gb": model["resource_config"]["volume_size_in_gb"],
        "churn_training_container_image_digest": model["training_container_image_digest"],
        "churn_status": model["status"],
        "churn_version_identifier": model["version_identifier"],
    }


@pytest.fixture(scope="module")
def example_outputs(example_app, tf_env, tmp_path_factory):
    """The example stack applied with the terraform on PATH: its outputs."""
    from cdktf import Testing

    stack = example_app.build_stack(Testing.app())
    directory = write_stack(synth_json(stack), tmp_path_factory.mktemp("example"))
    return _apply(terraform_binaries()[0], directory, tf_env)


def test_example_stack_outputs_equal_the_models_attributes(example_outputs, emulator):
    expected = _expected(emulator)
    assert {k: v for k, v in example_outputs.items() if k != "training_label"} == expected
    assert example_outputs["training_label"] == (
        f"{expected['churn_instance_type']} x2, {expected['churn_volume_size_in_gb']} GB")


def test_hcl_twin_applies_to_the_same_outputs(example_outputs, tf_env, tmp_path):
    shutil.copy(ROOT / "examples" / "hcl-twin" / "main.tf", tmp_path / "main.tf")
    assert _apply(terraform_binaries()[0], tmp_path, tf_env) == example_outputs


def test_terraform_1_0_applies_the_lookup_outputs(example_app, tf_env, emulator, tmp_path):
    from cdktf import Testing

    oldest = [b for b in discovered() if b.version == OLDEST]
    assert oldest, f"expected Terraform {OLDEST} (scripts/setup.sh), found {discovered()}"
    # terraform_data needs 1.4+: on 1.0.3 the example keeps the lookup and its outputs only.
    stack = example_app.build_stack(Testing.app(), downstream=False)
    outputs = _apply(oldest[0].path, write_stack(synth_json(stack), tmp_path), tf_env)
    assert outputs == _expected(emulator)


def test_a_model_still_training_fails_plan_with_the_status_diagnostic(
        example_app, tf_env, tmp_path):
    from cdktf import Testing

    stack = example_app.build_stack(Testing.app(), "ltv", trained_model_arn=LTV_ARN,
                                    lookup_id="ltv")
    directory = write_stack(synth_json(stack), tmp_path)
    binary = terraform_binaries()[0]
    assert terraform(binary, "init", "-input=false", cwd=directory, env=tf_env).returncode == 0
    done = terraform(binary, "plan", "-input=false", cwd=directory, env=tf_env)
    assert done.returncode != 0
    assert "Trained model status not allowed" in done.stderr
    assert "has status CREATE_IN_PROGRESS, but only ACTIVE is allowed" in " ".join(
        done.stderr.split())


def test_demo_runs_in_one_command():
    # How long the demo takes is not asserted here (timings belong in benchmarks/: this 2-core
    # machine may be loaded); the timeout only stops a hung demo.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    state_files = set(ROOT.glob("*.tfstate*"))
    done = subprocess.run([sys.executable, "scripts/demo.py"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    outputs = json.loads(done.stdout)
    assert outputs["churn_status"] == "ACTIVE"
    assert outputs["churn_volume_size_in_gb"] == 100
    assert "endpoint stopped" in done.stderr
    assert set(ROOT.glob("*.tfstate*")) == state_files  # no state left in the checkout
