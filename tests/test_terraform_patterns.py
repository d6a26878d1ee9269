# ruff: noqa: E501 - the HCL below keeps its long lines as users write them
"""End to end: the HCL patterns users write, on every Terraform of the matrix.

One working directory per Terraform version holds every pattern that version's language has,
so one ``init`` / ``validate`` / ``apply`` covers them all (the suite's time budget):

=========================  =====================================================  ==========
pattern                    what it exercises                                      Terraform
=========================  =====================================================  ==========
``variables``              the ARN interpolated from variables in the argument    all
``locals``                 the ARN from a local prefix + a map variable           all
``after_null_resource``    the ARN known only at apply (``null_resource.id``)     all
``module_for_each``        a module wrapping the data source, under ``for_each``  all
``two_aliases``            two provider configurations, different endpoints       all
``by_name``                ``name`` (from a variable) instead of the ARN          all
``postcondition``          ``lifecycle { postcondition }`` on the data source     >= 1.2
``after_terraform_data``   the ARN known only at apply (``terraform_data``)       >= 1.4
``check_block``            a scoped data source in ``check``: warning, not error  >= 1.5
``provider_function``      ``provider::cleanroomsml::parse_trained_model_arn``    >= 1.8
=========================  =====================================================  ==========

A pattern is left out of a version's directory only when that version lacks the language
feature (:meth:`devtools.terraform.Terraform.supports`, by version number), and each test says
which patterns ran; :func:`test_the_newest_terraform_has_every_pattern` makes sure no pattern
is left out everywhere. Outputs are compared with the model records read through
:class:`~cleanroomsml_tf.aws.resolver.Resolver` from the same endpoints.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pytest

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.model import record
from cleanroomsml_tf.model.identifiers import ModelRef
from devtools.terraform import Terraform
from tests.support.example_ids import ACCOUNT, CHURN, COLLABORATION, FRAUD, LTV, MEMBERSHIP
from tests.support.terraform import TerraformRunner, discovered

pytestmark = pytest.mark.terraform

FORBIDDEN_OUTPUT = ("Traceback", "Exception calling application", "plugin crashed",
                    "ExtType", "Invalid input")
OTHER_INSTANCE_TYPE = "ml.c5.9xlarge"
"""What the second endpoint's copy of churn-predictor trains on (the first says otherwise)."""


def model_id(arn: str) -> str:
    return arn.rsplit("/", 1)[1]


ROOT_MODULE = """
terraform {
  required_providers {
    cleanroomsml = { source = "cleanroomsml-tf/cleanroomsml" }
    null         = { source = "hashicorp/null" }
  }
}

variable "endpoint" {
  type = string
}

variable "other_endpoint" {
  type = string
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "account" {
  type    = string
  default = "%(account)s"
}

variable "membership" {
  type    = string
  default = "%(membership)s"
}

variable "collaboration" {
  type    = string
  default = "%(collaboration)s"
}

variable "model_ids" {
  type = map(string)
  default = {
    churn = "%(churn)s"
    fraud = "%(fraud)s"
  }
}

locals {
  arn_prefix = "arn:aws:cleanrooms-ml:${var.region}:${var.account}:membership/${var.membership}/trained-model/"
}

provider "cleanroomsml" {
  endpoint = var.endpoint
}

provider "cleanroomsml" {
  alias    = "other"
  endpoint = var.other_endpoint
}
"""

MODULE = """
terraform {
  required_providers {
    cleanroomsml = { source = "cleanroomsml-tf/cleanroomsml" }
  }
}

variable "arn_prefix" {
  type = string
}

variable "model_id" {
  type = string
}

variable "collaboration_identifier" {
  type = string
}

data "cleanroomsml_collaboration_trained_model" "this" {
  trained_model_arn        = "${var.arn_prefix}${var.model_id}"
  collaboration_identifier = var.collaboration_identifier
}

output "record" {
  value = data.cleanroomsml_collaboration_trained_model.this
}
"""


@dataclass(frozen=True)
class Pattern:
    """One HCL pattern: its file, the language feature it needs (None: every version)."""

    name: str
    hcl: str
    feature: str | None = None


PATTERNS = (
    Pattern("variables", """
data "cleanroomsml_collaboration_trained_model" "from_variables" {
  trained_model_arn        = "arn:aws:cleanrooms-ml:${var.region}:${var.account}:membership/${var.membership}/trained-model/${var.model_ids["churn"]}"
  collaboration_identifier = var.collaboration
}

output "from_variables" {
  value = data.cleanroomsml_collaboration_trained_model.from_variables
}
"""),
    Pattern("locals", """
data "cleanroomsml_collaboration_trained_model" "from_locals" {
  trained_model_arn        = "${local.arn_prefix}${var.model_ids.fraud}"
  collaboration_identifier = var.collaboration
}

output "from_locals" {
  value = data.cleanroomsml_collaboration_trained_model.from_locals
}
"""),
    Pattern("after_null_resource", """
# null_resource's id exists only after apply: so does this ARN (its known prefix aside).
resource "null_resource" "gate" {}

data "cleanroomsml_collaboration_trained_model" "after_null_resource" {
  trained_model_arn        = "${local.arn_prefix}${var.model_ids["churn"]}${substr(null_resource.gate.id, 0, 0)}"
  collaboration_identifier = var.collaboration
}

output "after_null_resource" {
  value = data.cleanroomsml_collaboration_trained_model.after_null_resource
}
"""),
    Pattern("module_for_each", """
module "models" {
  source   = "./modules/trained_model"
  for_each = var.model_ids

  arn_prefix               = local.arn_prefix
  model_id                 = each.value
  collaboration_identifier = var.collaboration
}

output "module_for_each" {
  value = { for key, model in module.models : key => model.record }
}
"""),
    Pattern("two_aliases", """
data "cleanroomsml_collaboration_trained_model" "other_endpoint" {
  provider                 = cleanroomsml.other
  trained_model_arn        = "${local.arn_prefix}${var.model_ids["churn"]}"
  collaboration_identifier = var.collaboration
}

output "two_aliases" {
  value = data.cleanroomsml_collaboration_trained_model.other_endpoint
}
"""),
    Pattern("by_name", """
variable "model_name" {
  type    = string
  default = "fraud-scorer"
}

data "cleanroomsml_collaboration_trained_model" "by_name" {
  name                     = var.model_name
  collaboration_identifier = var.collaboration
}

output "by_name" {
  value = data.cleanroomsml_collaboration_trained_model.by_name
}
"""),
    Pattern("postcondition", """
variable "postcondition_model_id" {
  type    = string
  default = "%(churn)s"
}

data "cleanroomsml_collaboration_trained_model" "postcondition" {
  trained_model_arn        = "${local.arn_prefix}${var.postcondition_model_id}"
  collaboration_identifier = var.collaboration

  lifecycle {
    postcondition {
      condition     = self.status == "ACTIVE"
      error_message = "Model ${self.name} is ${self.status}, not ACTIVE."
    }
  }
}

output "postcondition" {
  value = data.cleanroomsml_collaboration_trained_model.postcondition
}
""", "postcondition"),
    Pattern("after_terraform_data", """
# terraform_data's output is known only after apply: so is this ARN (its prefix aside).
resource "terraform_data" "model_id" {
  input = var.model_ids["fraud"]
}

data "cleanroomsml_collaboration_trained_model" "after_terraform_data" {
  trained_model_arn        = "${local.arn_prefix}${terraform_data.model_id.output}"
  collaboration_identifier = var.collaboration
}

output "after_terraform_data" {
  value = data.cleanroomsml_collaboration_trained_model.after_terraform_data
}
""", "terraform_data"),
    Pattern("check_block", """
check "ltv_is_active" {
  data "cleanroomsml_collaboration_trained_model" "ltv" {
    trained_model_arn        = "${local.arn_prefix}%(ltv)s"
    collaboration_identifier = var.collaboration
  }

  assert {
    condition     = data.cleanroomsml_collaboration_trained_model.ltv.status == "ACTIVE"
    error_message = "Model ${data.cleanroomsml_collaboration_trained_model.ltv.name} is ${data.cleanroomsml_collaboration_trained_model.ltv.status}, not ACTIVE."
  }
}
""", "check_block"),
    Pattern("provider_function", """
output "provider_function" {
  value = provider::cleanroomsml::parse_trained_model_arn("${local.arn_prefix}${var.model_ids["churn"]}")
}
""", "provider_functions"),
)

_IDS = {"account": ACCOUNT, "membership": MEMBERSHIP, "collaboration": COLLABORATION,
        "churn": model_id(CHURN), "fraud": model_id(FRAUD), "ltv": model_id(LTV)}


def patterns_for(terraform: Terraform) -> list[Pattern]:
    """The patterns whose language feature this Terraform version has."""
    return [p for p in PATTERNS if p.feature is None or terraform.supports(p.feature)]


def files_for(patterns: list[Pattern]) -> dict[str, str]:
    """The working directory: the root module, one file per pattern, the child module."""
    files = {"main.tf": ROOT_MODULE % _IDS, "modules/trained_model/main.tf": MODULE}
    files.update({f"{p.name}.tf": p.hcl % _IDS for p in patterns})
    return files


def assert_record(actual: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    """Every attribute of the table equal (types included: numbers stay numbers)."""
    for attribute in record.TRAINED_MODEL:
        assert actual[attribute.name] == expected[attribute.name], (where, attribute.name)


def text_of(tf: TerraformRunner) -> str:
    """Everything Terraform printed so far, line wrapping undone."""
    return " ".join("".join(r.stdout + r.stderr for r in tf.history).split())


@pytest.fixture
def other_endpoint(make_emulator, example_data):
    """A second endpoint whose churn-predictor trains on another instance type."""
    data = copy.deepcopy(example_data)
    for model in data:
        if model["name"] == "churn-predictor":
            model["resourceConfig"]["instanceType"] = OTHER_INSTANCE_TYPE
    return make_emulator(data)


def test_every_pattern_applies(
    terraform_binary, make_terraform, tf_sandbox, emulator, other_endpoint
) -> None:
    """init, validate, apply with every pattern this version has; outputs = the records."""
    patterns = patterns_for(terraform_binary)
    names = [p.name for p in patterns]
    left_out = {p.name: p.feature for p in PATTERNS if p not in patterns}
    print(f"{terraform_binary}: patterns {names}; left out (feature missing): {left_out}")
    tf_sandbox.install_null_provider()
    tf = make_terraform(terraform_binary, files=files_for(patterns))
    variables = [f"-var=endpoint={emulator.url}", f"-var=other_endpoint={other_endpoint.url}"]
    tf.init()
    tf.run("validate")
    applied = tf.apply(*variables)
    out = tf.outputs()

    here = Resolver(ClientSettings(endpoint_url=emulator.url))
    there = Resolver(ClientSettings(endpoint_url=other_endpoint.url))
    churn = here.get_trained_model(ModelRef(CHURN, COLLABORATION))
    fraud = here.get_trained_model(ModelRef(FRAUD, COLLABORATION))
    assert_record(out["from_variables"], churn, "variables")
    assert_record(out["from_locals"], fraud, "locals")
    assert_record(out["after_null_resource"], churn, "after_null_resource")
    assert set(out["module_for_each"]) == {"churn", "fraud"}
    assert_record(out["module_for_each"]["churn"], churn, "module_for_each[churn]")
    assert_record(out["module_for_each"]["fraud"], fraud, "module_for_each[fraud]")
    other_churn = there.get_trained_model(ModelRef(CHURN, COLLABORATION))
    assert other_churn["resource_config"]["instance_type"] == OTHER_INSTANCE_TYPE
    assert churn["resource_config"]["instance_type"] != OTHER_INSTANCE_TYPE
    assert_record(out["two_aliases"], other_churn, "two_aliases")
    assert_record(out["by_name"], fraud, "by_name")

    if "postcondition" in names:
        assert_record(out["postcondition"], churn, "postcondition")
    if "after_terraform_data" in names:
        assert_record(out["after_terraform_data"], fraud, "after_terraform_data")
    if "provider_function" in names:
        assert out["provider_function"] == {
            "partition": "aws", "region": "us-east-1", "account_id": ACCOUNT,
            "membership_id": MEMBERSHIP, "trained_model_id": model_id(CHURN)}
        schemas = json.loads(tf.run("providers", "schema", "-json").stdout)["provider_schemas"]
        ours = schemas["registry.terraform.io/cleanroomsml-tf/cleanroomsml"]
        assert list(ours["functions"]) == ["parse_trained_model_arn"]
    output = " ".join((applied.stdout + applied.stderr).split())
    # apply prints its plan first: an ARN not known until apply defers the read.
    deferred = ["after_null_resource"] + (
        ["after_terraform_data"] if "after_terraform_data" in names else [])
    for name in deferred:
        assert (f"data.cleanroomsml_collaboration_trained_model.{name} will be read during "
                "apply") in output, name
    assert ("data.cleanroomsml_collaboration_trained_model.from_variables will be read"
            not in output)  # known at plan: read then, not deferred
    if "check_block" in names:
        # A failed check is a warning: apply went through (above) and says why.
        assert "Warning: Check block assertion failed" in output
        assert "Model ltv-regressor is CREATE_IN_PROGRESS, not ACTIVE." in output
    else:
        assert "Check block" not in output
    for text in FORBIDDEN_OUTPUT:
        assert text not in text_of(tf), text


@pytest.mark.terraform_feature("postcondition")
def test_a_failed_postcondition_stops_the_plan(
    terraform_binary, make_terraform, tf_sandbox, emulator, other_endpoint
) -> None:
    """The same data source with the still-training model: plan fails with our message."""
    postcondition = next(p for p in PATTERNS if p.name == "postcondition")
    tf_sandbox.install_null_provider()
    tf = make_terraform(terraform_binary, files=files_for([postcondition]))
    tf.init()
    result = tf.run("plan", f"-var=endpoint={emulator.url}",
                    f"-var=other_endpoint={other_endpoint.url}",
                    f"-var=postcondition_model_id={model_id(LTV)}", check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1, output
    assert "Error: Resource postcondition failed" in output
    assert "Model ltv-regressor is CREATE_IN_PROGRESS, not ACTIVE." in output
    for text in FORBIDDEN_OUTPUT:
        assert text not in output, text


def test_the_newest_terraform_has_every_pattern() -> None:
    """Version gates leave a pattern out of old versions only: the newest runs them all."""
    assert discovered(), "no Terraform found"
    assert patterns_for(discovered()[0]) == list(PATTERNS)


@pytest.mark.parametrize(("version", "expected"), [
    ("1.0.3", ["variables", "locals", "after_null_resource", "module_for_each", "two_aliases",
               "by_name"]),
    ("1.4.7", ["variables", "locals", "after_null_resource", "module_for_each", "two_aliases",
               "by_name", "postcondition", "after_terraform_data"]),
    ("1.5.0", [p.name for p in PATTERNS if p.name != "provider_function"]),
    ("1.8.0", [p.name for p in PATTERNS]),
])
def test_patterns_are_left_out_only_for_a_missing_language_feature(version, expected) -> None:
    assert [p.name for p in patterns_for(Terraform("terraform", version))] == expected
