"""The real ``terraform`` with what modern configurations do: ARNs built from variables, locals
and other resources (refined unknowns on Terraform >= 1.6), and lookup by name. Every test runs
on every Terraform found unless it needs a newer language feature, which it says."""

from __future__ import annotations

import re

import pytest

from tests.support.example_ids import ACCOUNT, CHURN, COLLABORATION, MEMBERSHIP
from tests.support.terraform import REQUIRED_PROVIDERS

pytestmark = pytest.mark.terraform

MODEL_ID = CHURN.rsplit("/", 1)[1]
VARIABLES = f"""
variable "region"     {{ default = "us-east-1" }}
variable "account"    {{ default = "{ACCOUNT}" }}
variable "membership" {{ default = "{MEMBERSHIP}" }}
variable "model_id"   {{ default = "{MODEL_ID}" }}
locals {{
  prefix = join("", ["arn:aws:cleanrooms-ml:${{var.region}}:${{var.account}}:",
                     "membership/${{var.membership}}/trained-model/"])
}}
"""
OUTPUTS = """
output "arn"    { value = data.cleanroomsml_collaboration_trained_model.m.trained_model_arn }
output "name"   { value = data.cleanroomsml_collaboration_trained_model.m.name }
output "status" { value = data.cleanroomsml_collaboration_trained_model.m.status }
output "digest" {
  value = data.cleanroomsml_collaboration_trained_model.m.training_container_image_digest
}
"""


def version(binary) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", binary.version)[:2])


def configuration(endpoint: str, data_block: str, extra: str = "") -> str:
    return (REQUIRED_PROVIDERS + f'provider "cleanroomsml" {{ endpoint = "{endpoint}" }}\n'
            + VARIABLES + extra + data_block + OUTPUTS)


def expected(example_data) -> dict[str, str]:
    churn = next(m for m in example_data if m["trainedModelArn"] == CHURN
                 and m.get("versionIdentifier", "").startswith("a1b2c3d4-0002"))
    return {"arn": CHURN, "name": "churn-predictor", "status": churn["status"],
            "digest": churn["trainingContainerImageDigest"]}


def test_arn_built_from_variables_and_locals(
    terraform_binary, make_terraform, emulator, example_data
) -> None:
    data = f"""
data "cleanroomsml_collaboration_trained_model" "m" {{
  trained_model_arn        = "${{local.prefix}}${{var.model_id}}"
  collaboration_identifier = "{COLLABORATION}"
}}
"""
    tf = make_terraform(terraform_binary, files={"main.tf": configuration(emulator.url, data)})
    tf.init()
    tf.run("validate")
    tf.apply()
    assert tf.outputs() == expected(example_data)


def test_arn_known_only_at_apply(newest_terraform, make_terraform, emulator, example_data) -> None:
    """``terraform_data`` (Terraform >= 1.4): the ARN is unknown at plan; on >= 1.6 it arrives
    at validate and plan as a refined unknown (msgpack extension 12)."""
    if version(newest_terraform) < (1, 4):
        pytest.fail(f"the newest Terraform found is {newest_terraform.version}; terraform_data "
                    "needs >= 1.4 (scripts/setup.sh provides a newer one)")
    extra = 'resource "terraform_data" "id" { input = var.model_id }\n'
    data = f"""
data "cleanroomsml_collaboration_trained_model" "m" {{
  trained_model_arn        = "${{local.prefix}}${{terraform_data.id.output}}"
  collaboration_identifier = "{COLLABORATION}"
}}
"""
    tf = make_terraform(newest_terraform,
                        files={"main.tf": configuration(emulator.url, data, extra)})
    tf.init()
    tf.run("validate")
    plan = tf.run("plan", "-input=false")
    assert "will be read during apply" in plan.stdout
    tf.apply()
    assert tf.outputs() == expected(example_data)


def test_an_impossible_arn_prefix_fails_validate(newest_terraform, make_terraform) -> None:
    """Terraform >= 1.6 tells the provider the known prefix of a template; one no ARN can start
    with is reported by ``terraform validate``, before any plan, on the attribute."""
    if version(newest_terraform) < (1, 6):
        pytest.fail(f"the newest Terraform found is {newest_terraform.version}; refined "
                    "unknowns need >= 1.6")
    data = f"""
data "cleanroomsml_collaboration_trained_model" "m" {{
  trained_model_arn        = "arn:aws:cleanrooms:${{var.region}}:${{var.account}}:x"
  collaboration_identifier = "{COLLABORATION}"
}}
"""
    tf = make_terraform(newest_terraform, files={
        "main.tf": configuration("http://127.0.0.1:9", data)})
    tf.init()
    result = tf.run("validate", check=False)
    assert result.returncode == 1
    flat = " ".join(result.stderr.split())
    assert "Error: Invalid input" in flat
    assert 'on main.tf line' in flat and "trained_model_arn" in flat
    assert ("invalid trained_model_arn: it starts with 'arn:aws:cleanrooms:', which no valid "
            "value starts with; expected arn:aws:cleanrooms-ml:REGION:ACCOUNT:membership/UUID/"
            "trained-model/ID") in flat


def test_lookup_by_name(terraform_binary, make_terraform, emulator, example_data) -> None:
    data = f"""
variable "model_name" {{ default = "churn-predictor" }}
data "cleanroomsml_collaboration_trained_model" "m" {{
  name                     = var.model_name
  collaboration_identifier = "{COLLABORATION}"
}}
"""
    tf = make_terraform(terraform_binary, files={"main.tf": configuration(emulator.url, data)})
    tf.init()
    tf.run("validate")
    tf.apply()
    assert tf.outputs() == expected(example_data)

    missing = tf.run("apply", "-auto-approve", "-input=false", "-var", "model_name=nope",
                     check=False)
    assert missing.returncode == 1
    flat = " ".join(missing.stderr.split())
    assert "Error: Trained model not found" in flat
    assert f"no trained model named 'nope' in collaboration {COLLABORATION}" in flat


def test_name_and_arn_together_fail_validate(terraform_binary, make_terraform) -> None:
    data = f"""
data "cleanroomsml_collaboration_trained_model" "m" {{
  name                     = "churn-predictor"
  trained_model_arn        = "{CHURN}"
  collaboration_identifier = "{COLLABORATION}"
}}
"""
    tf = make_terraform(terraform_binary, files={
        "main.tf": configuration("http://127.0.0.1:9", data)})
    tf.init()
    result = tf.run("validate", check=False)
    assert result.returncode == 1
    flat = " ".join(result.stderr.split())
    assert "Error: Invalid Attribute Combination" in flat
    assert ("exactly one of trained_model_arn or name may be set, not trained_model_arn and "
            "name") in flat
