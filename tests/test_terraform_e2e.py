"""End to end with real Terraform (every version found), the installed provider and the emulator.

Each test is one Terraform working directory; the apply test shares one init/apply between the
HCL example (``examples/terraform``), a JSON-syntax file (``*.tf.json``) and a 20-data-source
concurrency file, to keep the suite fast.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.model import record
from cleanroomsml_tf.model.identifiers import ModelRef
from tests.support.example_ids import ACCOUNT, CHURN, CHURN_V1, CHURN_V2, COLLABORATION
from tests.support.terraform import REQUIRED_PROVIDERS

pytestmark = pytest.mark.terraform

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "terraform" / "main.tf"
FORBIDDEN_OUTPUT = ("Traceback", "Exception calling application", "plugin crashed")


def arn_of(example_data: list[dict[str, Any]], name: str) -> str:
    """The ARN of the example model called ``name``."""
    return next(m["trainedModelArn"] for m in example_data if m["name"] == name)


def closed_port() -> int:
    """A localhost port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def provider_block(endpoint: str, alias: str | None = None, extra: str = "") -> str:
    alias_line = f'  alias = "{alias}"\n' if alias else ""
    return f'provider "cleanroomsml" {{\n{alias_line}  endpoint = "{endpoint}"\n{extra}}}\n'


def json_config(endpoint: str, churn: str, fraud: str) -> dict[str, Any]:
    """JSON syntax: an aliased provider with an explicit endpoint, both data sources, outputs."""
    tm = "cleanroomsml_collaboration_trained_model"
    return {
        "provider": {"cleanroomsml": [{"alias": "explicit", "endpoint": endpoint}]},
        "data": {
            tm: {
                "fraud": {"provider": "cleanroomsml.explicit", "trained_model_arn": fraud,
                          "collaboration_identifier": COLLABORATION},
                "churn_v1": {"provider": "cleanroomsml.explicit", "trained_model_arn": churn,
                             "collaboration_identifier": COLLABORATION,
                             "version_identifier": CHURN_V1},
            },
            "cleanroomsml_collaboration_trained_models": {
                "churn_only": {"provider": "cleanroomsml.explicit",
                               "collaboration_identifier": COLLABORATION,
                               "name_regex": "^churn"},
            },
        },
        "output": {
            "fraud_record": {"value": f"${{data.{tm}.fraud}}"},
            # Null outputs are left out of `output -json`: compare in the configuration.
            "fraud_training_input_mode_is_null": {
                "value": f"${{data.{tm}.fraud.training_input_mode == null}}"
            },
            "churn_v1_record": {"value": f"${{data.{tm}.churn_v1}}"},
            "churn_only": {"value": "${data.cleanroomsml_collaboration_trained_models"
                                    ".churn_only.trained_models}"},
        },
    }


MANY = """
data "cleanroomsml_collaboration_trained_model" "many" {
  count                    = 20
  trained_model_arn        = var.trained_model_arn
  collaboration_identifier = var.collaboration_identifier
  version_identifier       = count.index %% 2 == 0 ? "%(v1)s" : null
}

output "many_versions" {
  value = [for m in data.cleanroomsml_collaboration_trained_model.many : m.version_identifier]
}

output "churn_record" {
  value = data.cleanroomsml_collaboration_trained_model.churn
}
"""


def assert_record(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    """Every attribute of the table, equal (types included: numbers stay numbers)."""
    for attribute in record.TRAINED_MODEL:
        assert actual[attribute.name] == expected[attribute.name], attribute.name


def assert_clean(output: str) -> None:
    for text in FORBIDDEN_OUTPUT:
        assert text not in output


def test_apply_hcl_and_json(terraform_binary, make_terraform, emulator, example_data) -> None:
    """init, validate, plan, apply, output -json: HCL example + JSON syntax + 20 reads."""
    churn, fraud = arn_of(example_data, "churn-predictor"), arn_of(example_data, "fraud-scorer")
    tf = make_terraform(
        terraform_binary,
        files={
            "main.tf": EXAMPLE.read_text(),
            "extra.tf.json": json.dumps(json_config(emulator.url, churn, fraud), indent=2),
            "many.tf": MANY % {"v1": CHURN_V1},
        },
        env={"AWS_ENDPOINT_URL_CLEANROOMSML": emulator.url},
    )
    tf.init()
    assert "registry.terraform.io/cleanroomsml-tf/cleanroomsml" in (
        tf.workdir / ".terraform.lock.hcl").read_text()
    tf.run("validate")
    tf.run("plan", "-input=false")
    tf.apply()
    out = tf.outputs()
    assert_clean("".join(r.stdout + r.stderr for r in tf.history))

    resolver = Resolver(ClientSettings(endpoint_url=emulator.url))
    latest = resolver.get_trained_model(ModelRef(churn, COLLABORATION))
    assert out["instance_type"] == latest["resource_config"]["instance_type"] == "ml.m5.2xlarge"
    assert out["volume_size_in_gb"] == 100 and isinstance(out["volume_size_in_gb"], int)
    assert out["training_container_image_digest"] == latest["training_container_image_digest"]
    assert out["first_channel_name"] == "incremental"
    assert out["version_identifier"] == CHURN_V2
    assert out["active_model_names"] == ["churn-predictor", "fraud-scorer"]
    assert_record(out["churn_record"], latest)
    assert out["churn_record"]["id"] == ModelRef(churn, COLLABORATION, CHURN_V2).key

    assert out["fraud_training_input_mode_is_null"] is True
    assert_record(out["fraud_record"], resolver.get_trained_model(ModelRef(fraud, COLLABORATION)))
    assert out["fraud_record"]["incremental_training_data_channels"] is None
    assert_record(out["churn_v1_record"],
                  resolver.get_trained_model(ModelRef(churn, COLLABORATION, CHURN_V1)))
    assert [m["name"] for m in out["churn_only"]] == ["churn-predictor"]
    summary = out["churn_only"][0]
    assert set(summary) == {a.name for a in record.TRAINED_MODEL_SUMMARY}

    assert out["many_versions"] == [CHURN_V1 if i % 2 == 0 else CHURN_V2 for i in range(20)]


def test_validate_names_the_bad_attribute(terraform_binary, make_terraform) -> None:
    """Bad identifiers and regex, ``name`` together with ``trained_model_arn``, and (Terraform
    >= 1.6, which passes the known prefix of a template as a refined unknown) an ARN prefix no
    ARN can start with: all caught by ``terraform validate``, on their attributes."""
    config = REQUIRED_PROVIDERS + provider_block("http://127.0.0.1:1") + f"""
variable "region"  {{ default = "us-east-1" }}
variable "account" {{ default = "{ACCOUNT}" }}

data "cleanroomsml_collaboration_trained_model" "bad" {{
  trained_model_arn        = "not-an-arn"
  collaboration_identifier = "{COLLABORATION}"
}}

data "cleanroomsml_collaboration_trained_models" "bad" {{
  collaboration_identifier = "NOT-A-UUID"
  name_regex               = "churn("
}}

data "cleanroomsml_collaboration_trained_model" "name_and_arn" {{
  name                     = "churn-predictor"
  trained_model_arn        = "{CHURN}"
  collaboration_identifier = "{COLLABORATION}"
}}

data "cleanroomsml_collaboration_trained_model" "impossible_prefix" {{
  trained_model_arn        = "arn:aws:cleanrooms:${{var.region}}:${{var.account}}:x"
  collaboration_identifier = "{COLLABORATION}"
}}
"""
    tf = make_terraform(terraform_binary, files={"main.tf": config})
    tf.init()
    result = tf.run("validate", check=False)
    output = result.stdout + result.stderr
    flat = " ".join(output.split())  # undo Terraform's line wrapping
    assert result.returncode == 1
    assert_clean(output)
    assert "Invalid input" in output
    # The snippet under each diagnostic is the attribute's own line: the path reached Terraform.
    assert 'trained_model_arn        = "not-an-arn"' in output
    assert "invalid trained_model_arn 'not-an-arn'" in output
    assert 'collaboration_identifier = "NOT-A-UUID"' in output
    assert 'name_regex               = "churn("' in output

    assert "Error: Invalid Attribute Combination" in flat
    assert ("exactly one of trained_model_arn or name may be set, not trained_model_arn and "
            "name") in flat

    impossible = ("invalid trained_model_arn: it starts with 'arn:aws:cleanrooms:', which no "
                  "valid value starts with; expected arn:aws:cleanrooms-ml:REGION:ACCOUNT:"
                  "membership/UUID/trained-model/ID")
    if terraform_binary.supports("refined_unknowns"):
        assert impossible in flat
        assert 'trained_model_arn        = "arn:aws:cleanrooms:${var.region}' in output
    else:  # the whole template is unknown at validate: nothing to check yet
        assert impossible not in flat


def test_plan_failures_are_readable(
    terraform_binary, make_terraform, emulator, example_data
) -> None:
    """Missing model (by ARN and by a ``name`` from a variable), disallowed status, unreachable
    endpoint: one diagnostic each, no trace."""
    churn, ltv = arn_of(example_data, "churn-predictor"), arn_of(example_data, "ltv-regressor")
    missing = churn.rsplit("/", 1)[0] + "/0badc0de-0000-4000-8000-000000000000"
    down = f"http://127.0.0.1:{closed_port()}"
    config = (
        REQUIRED_PROVIDERS + provider_block(emulator.url)
        + provider_block(down, alias="down", extra="  max_attempts = 1\n")
        + f"""
data "cleanroomsml_collaboration_trained_model" "missing" {{
  trained_model_arn        = "{missing}"
  collaboration_identifier = "{COLLABORATION}"
}}

data "cleanroomsml_collaboration_trained_model" "training" {{
  trained_model_arn        = "{ltv}"
  collaboration_identifier = "{COLLABORATION}"
  allowed_statuses         = ["ACTIVE"]
}}

data "cleanroomsml_collaboration_trained_model" "down" {{
  provider                 = cleanroomsml.down
  trained_model_arn        = "{churn}"
  collaboration_identifier = "{COLLABORATION}"
}}

variable "model_name" {{
  type = string
}}

data "cleanroomsml_collaboration_trained_model" "by_name" {{
  name                     = var.model_name
  collaboration_identifier = "{COLLABORATION}"
}}
"""
    )
    tf = make_terraform(terraform_binary, files={"main.tf": config})
    tf.init()
    result = tf.run("plan", "-input=false", "-var", "model_name=nope", check=False)
    output = " ".join((result.stdout + result.stderr).split())  # undo Terraform's line wrapping
    assert result.returncode != 0
    assert_clean(output)
    assert "Error: Trained model not found" in output
    assert f"not found: trained model {missing}" in output
    assert "Error: Trained model status not allowed" in output
    assert "has status CREATE_IN_PROGRESS, but only ACTIVE is allowed" in output
    assert "Error: Endpoint unreachable" in output
    assert down in output
    assert f"no trained model named 'nope' in collaboration {COLLABORATION}" in output


def test_plan_and_apply_without_plugin_tls(terraform_binary, make_terraform, emulator,
                                           example_data) -> None:
    """TF_DISABLE_PLUGIN_TLS=1: Terraform hands no client certificate and dials the plugin in
    plaintext; the plugin serves h2c (plugin/wire) and the reads, 20 of them, work the same."""
    churn = arn_of(example_data, "churn-predictor")
    tf = make_terraform(
        terraform_binary,
        files={"main.tf": EXAMPLE.read_text(), "many.tf": MANY % {"v1": CHURN_V1}},
        env={"AWS_ENDPOINT_URL_CLEANROOMSML": emulator.url, "TF_DISABLE_PLUGIN_TLS": "1",
             "TF_LOG": "DEBUG"},
    )
    tf.init()
    tf.apply()
    out = tf.outputs()
    assert out["version_identifier"] == CHURN_V2
    assert out["many_versions"] == [CHURN_V1 if i % 2 == 0 else CHURN_V2 for i in range(20)]
    resolver = Resolver(ClientSettings(endpoint_url=emulator.url))
    assert_record(out["churn_record"], resolver.get_trained_model(ModelRef(churn, COLLABORATION)))
    log = "".join(r.stderr for r in tf.history)
    assert "cleanroomsml_tf.plugin.server: handshake after" in log and "(plaintext)" in log
    assert "(TLS)" not in log
