"""TrainedModelLookup: properties, number tokens, outputs, gate, synth-time mode (real synth)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cleanroomsml_tf.model import record
from cleanroomsml_tf.model.errors import (
    CleanroomsmlTfError,
    InvalidInputError,
    StatusNotAllowedError,
)
from tests.support.cdktf import CHURN_ARN, COLLABORATION, LTV_ARN, ROOT, synth_json

pytestmark = pytest.mark.cdktf
HEADLINE = ("instance_type", "volume_size_in_gb", "training_container_image_digest", "status",
            "version_identifier")


def lookup(cdk, stack, id="churn", **options):  # noqa: A002
    options.setdefault("trained_model_arn", CHURN_ARN)
    options.setdefault("collaboration_identifier", COLLABORATION)
    return cdk.TrainedModelLookup(stack, id, **options)


def test_properties_cover_every_attribute_flat_and_nested(cdk, new_stack):
    from cleanroomsml_tf.cdk.lookup import FLAT_NAMES

    model = lookup(cdk, new_stack())
    for name in ("instance_type", "instance_count", "volume_size_in_gb",
                 "training_container_image_digest", "status", "version_identifier", "name",
                 "max_runtime_in_seconds", "create_time", "update_time", "trained_model_arn",
                 "training_input_mode", "resource_config", "status_details",
                 "stopping_condition", "incremental_training_data_channels"):
        assert getattr(type(model), name).__doc__, name
        assert getattr(model, name) is not None
    assert set(FLAT_NAMES.values()) == {p for p, _ in record.iter_leaf_paths()}
    assert model.instance_type is model.instance_type  # cached
    # Flat and nested getters are the same Terraform expression.
    from cdktf import TerraformOutput

    stack = model.node.scope
    twins = {"flat": model.instance_type, "nested": model.resource_config.instance_type,
             "flat_n": model.volume_size_in_gb, "nested_n": model.resource_config.volume_size_in_gb}
    for name, value in twins.items():
        TerraformOutput(stack, f"twin_{name}", value=value)
    out = {k[len("twin_"):]: v["value"] for k, v in synth_json(stack)["output"].items()
           if k.startswith("twin_")}
    assert out["flat"] == out["nested"] and out["flat"].endswith(".resource_config.instance_type}")
    assert out["flat_n"] == out["nested_n"] and out["flat_n"].endswith(".volume_size_in_gb}")
    with pytest.raises(AttributeError):
        model.instance_type = "x"  # read-only


def test_number_token_interpolates_in_a_resource_string_argument(cdk, new_stack):
    from cdktf import DataResource, Fn, Token

    stack = new_stack()
    model = lookup(cdk, stack, outputs=False)
    DataResource(stack, "use", input={
        "fstring": f"{model.volume_size_in_gb} GB",
        "as_string": model.as_string("volume_size_in_gb"),
        "number": model.volume_size_in_gb,
        "token_as_number": Token.as_number(model.volume_size_in_gb),
        "tostring": Fn.tostring(model.max_runtime_in_seconds),
    })
    data = synth_json(stack)
    ref = next(iter(data["data"]["cleanroomsml_collaboration_trained_model"]))
    size = f"data.cleanroomsml_collaboration_trained_model.{ref}.resource_config.volume_size_in_gb"
    assert data["resource"]["terraform_data"]["use"]["input"] == {
        "fstring": f"${{{size}}} GB",
        "as_string": f"${{{size}}}",
        "number": f"${{{size}}}",
        "token_as_number": f"${{{size}}}",
        "tostring": f"${{tostring(data.cleanroomsml_collaboration_trained_model.{ref}"
                    ".stopping_condition.max_runtime_in_seconds)}",
    }
    assert "e+298" not in json.dumps(data)


def test_outputs_have_exact_names_and_the_gate_defaults_to_active(cdk, new_stack):
    from cdktf import Testing

    stack = new_stack()
    lookup(cdk, stack)
    synthesized = Testing.synth(stack)
    data = json.loads(synthesized)
    assert sorted(data["output"]) == sorted(f"churn_{name}" for name in HEADLINE)
    assert Testing.to_have_data_source_with_properties(
        synthesized, "cleanroomsml_collaboration_trained_model",
        {"trained_model_arn": CHURN_ARN, "collaboration_identifier": COLLABORATION,
         "allowed_statuses": ["ACTIVE"]})
    # No provider given and none in the stack: one default provider is added.
    assert Testing.to_have_provider(synthesized, "cleanroomsml")


def test_gate_off_no_outputs_and_an_existing_provider_is_reused(cdk, new_stack):
    stack = new_stack()
    cdk.CleanroomsmlProvider(stack, "mine", endpoint="http://127.0.0.1:8790")
    lookup(cdk, stack, "a", allowed_statuses=None, outputs=False)
    lookup(cdk, stack, "b", allowed_statuses=["ACTIVE", "CREATE_IN_PROGRESS"], outputs=False)
    data = synth_json(stack)
    assert "output" not in data
    assert data["provider"]["cleanroomsml"] == [{"endpoint": "http://127.0.0.1:8790"}]
    sources = list(data["data"]["cleanroomsml_collaboration_trained_model"].values())
    assert [s.get("allowed_statuses") for s in sources] == [
        None, ["ACTIVE", "CREATE_IN_PROGRESS"]]


def test_invalid_input_is_a_typed_error(cdk, new_stack):
    from cleanroomsml_tf.cdk.lookup import LookupConfigurationError

    with pytest.raises(InvalidInputError, match="collaboration_identifier"):
        lookup(cdk, new_stack(), collaboration_identifier="not-a-uuid")
    with pytest.raises(LookupConfigurationError, match="resolve"):
        lookup(cdk, new_stack(), resolve="apply")


@pytest.mark.parametrize("statuses", [["ACTIV"], ["ACTIVE", "active"], [], "READY"])
def test_an_allow_list_with_a_status_the_service_lacks_is_refused_at_construction(
        cdk, new_stack, statuses):
    from cleanroomsml_tf.cdk.lookup import LookupConfigurationError

    stack = new_stack()
    with pytest.raises(LookupConfigurationError) as raised:
        lookup(cdk, stack, allowed_statuses=statuses)
    message = str(raised.value)
    assert message.startswith(f"invalid allowed_statuses {statuses!r} for TrainedModelLookup")
    among = message.split("expected None or a non-empty list of statuses among ")[1]
    assert "ACTIVE" in among.split("; ")[0].split(", ")
    if statuses:
        bad = [s for s in ([statuses] if isinstance(statuses, str) else statuses)
               if s != "ACTIVE"][0]
        assert f"{bad!r} is not a status" in message
    assert len(message.splitlines()) == 1


def _synth_stack(cdk, lock_path, url, **options):
    from cdktf import TerraformStack, Testing
    from cleanroomsml_tf.aws.settings import ClientSettings

    stack = TerraformStack(Testing.app(), "pinned")
    model = lookup(cdk, stack, resolve="synth", lock_path=lock_path,
                   settings=ClientSettings(endpoint_url=url, max_attempts=1), **options)
    return model, Testing.synth(stack)


def test_synth_mode_is_identical_twice_with_the_endpoint_stopped(
        cdk, make_emulator, monkeypatch, tmp_path):
    endpoint = make_emulator()
    lock_path = tmp_path / "cleanroomsml.lock.json"
    url = endpoint.url
    model, first = _synth_stack(cdk, lock_path, url)
    assert lock_path.is_file()  # resolved live once, written like cdk.context.json
    endpoint.stop()  # a new app below: nothing remembered but the lock file
    _, second = _synth_stack(cdk, lock_path, url)  # nothing listens there now
    assert first == second
    data = json.loads(first)
    assert "data" not in data and "provider" not in data
    outputs = {name: item["value"] for name, item in data["output"].items()}
    assert outputs == {
        "churn_instance_type": model.record["resource_config"]["instance_type"],
        "churn_volume_size_in_gb": model.record["resource_config"]["volume_size_in_gb"],
        "churn_training_container_image_digest":
            model.record["training_container_image_digest"],
        "churn_status": "ACTIVE",
        "churn_version_identifier": model.record["version_identifier"],
    }
    assert model.volume_size_in_gb == outputs["churn_volume_size_in_gb"]
    assert f"{model.volume_size_in_gb}" == str(outputs["churn_volume_size_in_gb"])
    assert model.resource_config.instance_type == outputs["churn_instance_type"]
    assert model.incremental_training_data_channels[0].model_name == "churn-predictor"
    assert model.data_source is None


def test_synth_mode_gate_and_locked_mode(cdk, emulator, monkeypatch, tmp_path):
    from cleanroomsml_tf.lockfile.project import LockEntryMissingError

    lock_path = tmp_path / "cleanroomsml.lock.json"
    with pytest.raises(StatusNotAllowedError, match="CREATE_IN_PROGRESS"):
        _synth_stack(cdk, lock_path, emulator.url, trained_model_arn=LTV_ARN)
    model, _ = _synth_stack(cdk, lock_path, emulator.url, trained_model_arn=LTV_ARN,
                            allowed_statuses=None)
    assert model.status == "CREATE_IN_PROGRESS" and model.instance_count == 4
    monkeypatch.setenv("CI", "true")
    with pytest.raises(LockEntryMissingError) as caught:
        _synth_stack(cdk, tmp_path / "other.lock.json", emulator.url)
    assert isinstance(caught.value, CleanroomsmlTfError)
    assert "cleanroomsml-tf lock add" in str(caught.value)


def test_missing_node_is_a_clear_error_not_a_traceback(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no node anywhere on PATH
    env.pop("JSII_NODE", None)
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "cdktf" / "main.py")],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "CDK for Terraform needs Node.js" in done.stderr
    code = "import cleanroomsml_tf.cdk"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
    assert "NodeJsMissingError" in done.stderr and "FileNotFoundError" not in done.stderr


def test_synth_mode_reaches_clean_rooms_ml_with_the_provider_configuration(
        cdk, emulator, tmp_path):
    from cdktf import TerraformStack, Testing

    cdk_stack = TerraformStack(Testing.app(), "provider-settings")
    provider = cdk.CleanroomsmlProvider(
        cdk_stack, "p", endpoint=emulator.url, max_attempts=2,
        assume_role={"role_arn": "arn:aws:iam::111122223333:role/ml", "session_name": "s"})
    model = lookup(cdk, cdk_stack, resolve="synth", provider=provider,
                   lock_path=tmp_path / "cleanroomsml.lock.json")
    settings = model._client_settings()
    assert settings.endpoint_url == emulator.url and settings.max_attempts == 2
    assert settings.assume_role is not None
    assert settings.assume_role.role_arn == "arn:aws:iam::111122223333:role/ml"
    assert model.instance_type == "ml.m5.2xlarge"  # resolved through that endpoint


def test_token_identifiers_are_left_to_terraform_plain_ones_are_checked(cdk, new_stack):
    """A token (a variable, another resource's attribute) can only be checked at plan time; a
    plain string is checked at construction even when it looks like an interpolation."""
    from cdktf import TerraformVariable

    stack = new_stack()
    arn = TerraformVariable(stack, "arn", type="string")
    lookup(cdk, stack, trained_model_arn=arn.string_value)
    data = synth_json(stack)["data"]["cleanroomsml_collaboration_trained_model"]
    assert next(iter(data.values()))["trained_model_arn"] == "${var.arn}"
    with pytest.raises(InvalidInputError, match="trained_model_arn"):
        lookup(cdk, new_stack(), id="plain", trained_model_arn="${var.arn}")


def test_allowed_statuses_from_variables_are_left_to_terraform(cdk, new_stack):
    """A status or a list of statuses from a Terraform variable is passed through as the
    variable (Terraform checks it at plan); a plain typo beside it is still refused."""
    from cdktf import TerraformVariable
    from cleanroomsml_tf.cdk.lookup import LookupConfigurationError

    stack = new_stack()
    status = TerraformVariable(stack, "status", type="string", default="ACTIVE")
    statuses = TerraformVariable(stack, "statuses", type="list(string)", default=["ACTIVE"])
    lookup(cdk, stack, "one", allowed_statuses=[status.string_value], outputs=False)
    lookup(cdk, stack, "list", allowed_statuses=statuses.list_value, outputs=False)
    data = synth_json(stack)["data"]["cleanroomsml_collaboration_trained_model"]
    assert sorted((source["allowed_statuses"] for source in data.values()), key=str) == [
        "${var.statuses}", ["${var.status}"]]
    with pytest.raises(LookupConfigurationError, match="'ACTIV' is not a status"):
        lookup(cdk, new_stack(), allowed_statuses=[status.string_value, "ACTIV"])


def test_from_lock_file_is_synth_mode_remembered_per_stack_not_per_process(
        cdk, make_emulator, tmp_path):
    from cdktf import TerraformStack, Testing
    from cleanroomsml_tf.aws.settings import ClientSettings
    from cleanroomsml_tf.model.errors import CleanroomsmlTfError

    endpoint = make_emulator()
    lock_path = tmp_path / "cleanroomsml.lock.json"
    options = {"trained_model_arn": CHURN_ARN, "collaboration_identifier": COLLABORATION,
               "lock_path": lock_path, "outputs": False,
               "settings": ClientSettings(endpoint_url=endpoint.url, max_attempts=1)}
    stack = TerraformStack(Testing.app(), "one")
    first = cdk.TrainedModelLookup.from_lock_file(stack, "m", **options)
    assert first.resolve == "synth" and first.data_source is None
    assert isinstance(first.volume_size_in_gb, int)
    endpoint.stop()
    lock_path.unlink()
    # the same stack remembers the record: no lock file, no endpoint needed
    again = cdk.TrainedModelLookup.from_lock_file(stack, "m2", **options)
    assert again.record == first.record
    # a new stack (a new synth) reads again: nothing is kept in the process
    with pytest.raises(CleanroomsmlTfError):
        cdk.TrainedModelLookup.from_lock_file(TerraformStack(Testing.app(), "three"), "m",
                                              **options)
