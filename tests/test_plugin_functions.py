"""The provider function ``provider::cleanroomsml::parse_trained_model_arn`` and the metadata
that announces it: through the servicer with real protobuf messages, and through the real
``terraform`` (functions need Terraform >= 1.8; an older one must keep working without them)."""

from __future__ import annotations

import json
import re

import msgpack
import pytest
from tf.gen import tfplugin_pb2 as pb

from cleanroomsml_tf import PROVIDER_HOSTNAME, PROVIDER_SOURCE
from tests.support.example_ids import ACCOUNT, CHURN, COLLABORATION, MEMBERSHIP
from tests.support.pb_servicer import PbServicer, pb_servicer
from tests.support.terraform import REQUIRED_PROVIDERS

FUNCTION = "parse_trained_model_arn"
PARTS = {"partition", "region", "account_id", "membership_id", "trained_model_id"}
EXPECTED_FORM = "arn:aws:cleanrooms-ml:REGION:ACCOUNT:membership/UUID/trained-model/ID"


@pytest.fixture
def servicer() -> PbServicer:
    return pb_servicer()


def call(servicer: PbServicer, *arguments: object) -> pb.CallFunction.Response:
    request = pb.CallFunction.Request(
        name=FUNCTION, arguments=[pb.DynamicValue(msgpack=msgpack.packb(a)) for a in arguments])
    return servicer.CallFunction(request, None)


def test_metadata_lists_what_the_schema_has(servicer) -> None:
    metadata = servicer.GetMetadata(pb.GetMetadata.Request(), None)
    schema = servicer.GetProviderSchema(pb.GetProviderSchema.Request(), None)
    assert sorted(d.type_name for d in metadata.data_sources) == sorted(
        schema.data_source_schemas) == [
        "cleanroomsml_collaboration_trained_model", "cleanroomsml_collaboration_trained_models"]
    assert [f.name for f in metadata.functions] == list(schema.functions) == [FUNCTION]
    assert list(metadata.resources) == [] and dict(schema.resource_schemas) == {}
    assert metadata.server_capabilities.get_provider_schema_optional
    functions = servicer.GetFunctions(pb.GetFunctions.Request(), None).functions
    assert functions[FUNCTION] == schema.functions[FUNCTION]


def test_signature(servicer) -> None:
    signature = servicer.GetFunctions(pb.GetFunctions.Request(), None).functions[FUNCTION]
    (parameter,) = signature.parameters
    assert (parameter.name, json.loads(parameter.type)) == ("arn", "string")
    assert not parameter.allow_null_value and not parameter.allow_unknown_values
    kind, attributes = json.loads(getattr(signature, "return").type)
    assert kind == "object" and attributes == dict.fromkeys(PARTS, "string")
    assert signature.summary


def test_parses_a_trained_model_arn(servicer) -> None:
    response = call(servicer, CHURN)
    assert not response.HasField("error")
    assert msgpack.unpackb(response.result.msgpack) == {
        "partition": "aws", "region": "us-east-1", "account_id": ACCOUNT,
        "membership_id": MEMBERSHIP, "trained_model_id": CHURN.rsplit("/", 1)[1],
    }
    gov = "arn:aws-us-gov:cleanrooms-ml:us-gov-west-1:123456789012:membership/" \
          f"{MEMBERSHIP}/trained-model/a/b.c"
    parsed = msgpack.unpackb(call(servicer, gov).result.msgpack)
    assert (parsed["partition"], parsed["region"], parsed["trained_model_id"]) == (
        "aws-us-gov", "us-gov-west-1", "a/b.c")


@pytest.mark.parametrize("bad", [
    "nope", "", "arn:aws:s3:::bucket", CHURN.replace("trained-model", "model"),
    COLLABORATION, CHURN + "\n",
])
def test_an_invalid_arn_is_a_function_error_on_the_argument(servicer, bad) -> None:
    response = call(servicer, bad)
    assert response.HasField("error") and not response.HasField("result")
    assert response.error.HasField("function_argument") and response.error.function_argument == 0
    assert response.error.text.startswith(f"invalid arn {bad!r}: expected {EXPECTED_FORM}")


def test_wrong_argument_count_and_unknown_function(servicer) -> None:
    assert "exactly one argument" in call(servicer).error.text
    assert "exactly one argument" in call(servicer, CHURN, CHURN).error.text
    missing = servicer.CallFunction(pb.CallFunction.Request(name="nope"), None)
    assert missing.error.text == "this provider has no function 'nope'"


# --- the real terraform ---------------------------------------------------------------------
def _version(binary) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", binary.version)[:2])


MODEL_ID = CHURN.rsplit("/", 1)[1]
FUNCTION_CONFIG = REQUIRED_PROVIDERS + f"""
variable "region"     {{ default = "us-east-1" }}
variable "account"    {{ default = "{ACCOUNT}" }}
variable "membership" {{ default = "{MEMBERSHIP}" }}
variable "model_id"   {{ default = "{MODEL_ID}" }}
locals {{
  arn = join("", ["arn:aws:cleanrooms-ml:${{var.region}}:${{var.account}}:",
                  "membership/${{var.membership}}/trained-model/${{var.model_id}}"])
}}
output "parts" {{ value = provider::cleanroomsml::parse_trained_model_arn(local.arn) }}
output "region" {{ value = provider::cleanroomsml::parse_trained_model_arn(local.arn).region }}
"""


@pytest.mark.terraform
def test_terraform_calls_the_function(newest_terraform, make_terraform) -> None:
    if _version(newest_terraform) < (1, 8):
        pytest.fail(f"the newest Terraform found is {newest_terraform.version}; provider "
                    "functions need >= 1.8 (scripts/setup.sh provides one)")
    tf = make_terraform(newest_terraform, files={"main.tf": FUNCTION_CONFIG})
    tf.init()
    schema = json.loads(tf.run("providers", "schema", "-json").stdout)
    functions = schema["provider_schemas"][f"{PROVIDER_HOSTNAME}/{PROVIDER_SOURCE}"]["functions"]
    assert set(functions) == {FUNCTION}
    assert functions[FUNCTION]["parameters"][0]["name"] == "arn"
    assert functions[FUNCTION]["return_type"] == ["object", dict.fromkeys(PARTS, "string")]
    tf.run("validate")
    tf.apply()
    outputs = tf.outputs()
    assert outputs["parts"] == {
        "partition": "aws", "region": "us-east-1", "account_id": ACCOUNT,
        "membership_id": MEMBERSHIP, "trained_model_id": MODEL_ID}
    assert outputs["region"] == "us-east-1"


@pytest.mark.terraform
def test_terraform_reports_an_invalid_arn_on_the_argument(newest_terraform, make_terraform) -> None:
    if _version(newest_terraform) < (1, 8):
        pytest.fail(f"the newest Terraform found is {newest_terraform.version}; need >= 1.8")
    config = REQUIRED_PROVIDERS + """
variable "arn" { default = "arn:aws:s3:::not-a-model" }
output "parts" { value = provider::cleanroomsml::parse_trained_model_arn(var.arn) }
"""
    tf = make_terraform(newest_terraform, files={"main.tf": config})
    tf.init()
    result = tf.run("plan", "-input=false", check=False)
    assert result.returncode == 1
    flat = " ".join(result.stderr.split())
    assert 'Invalid value for "arn" parameter' in flat
    assert "invalid arn 'arn:aws:s3:::not-a-model': expected arn:aws:cleanrooms-ml:REGION" in flat


@pytest.mark.terraform
def test_terraform_without_functions_still_works(terraform_binary, make_terraform) -> None:
    """Every Terraform found (1.0.3 included) reads the schema and validates a configuration
    of the data source; those older than 1.8 simply do not see the function."""
    config = REQUIRED_PROVIDERS + f"""
data "cleanroomsml_collaboration_trained_model" "m" {{
  trained_model_arn        = "{CHURN}"
  collaboration_identifier = "{COLLABORATION}"
}}
"""
    tf = make_terraform(terraform_binary, files={"main.tf": config})
    tf.init()
    tf.run("validate")
    schema = json.loads(tf.run("providers", "schema", "-json").stdout)
    provider = schema["provider_schemas"][f"{PROVIDER_HOSTNAME}/{PROVIDER_SOURCE}"]
    if _version(terraform_binary) >= (1, 8):
        assert set(provider["functions"]) == {FUNCTION}
    else:
        assert "functions" not in provider
    assert "cleanroomsml_collaboration_trained_model" in provider["data_source_schemas"]
