"""``TrainedModelLookup(trained_model_name=...)``: plan mode synthesizes the data source with
``name``; synth mode finds the ARN in the lock file or through the collaboration's listing.
Real cdktf synth; real Terraform applies the plan-mode stack against the emulator."""

from __future__ import annotations

import json

import pytest

from cleanroomsml_tf.model.errors import AmbiguousModelNameError, ModelNameNotFoundError
from tests.support.cdktf import (
    CHURN_ARN,
    COLLABORATION,
    synth_json,
    terraform,
    terraform_binaries,
    write_stack,
)

pytestmark = pytest.mark.cdktf


def test_plan_mode_by_name_synthesizes_name_not_arn(cdk, new_stack) -> None:
    from cdktf import TerraformOutput

    stack = new_stack()
    model = cdk.TrainedModelLookup(stack, "churn", trained_model_name="churn-predictor",
                                   collaboration_identifier=COLLABORATION)
    # The ARN is what Terraform reads: the ref holds the data source's token for it.
    TerraformOutput(stack, "ref_arn", value=model.model_ref.trained_model_arn)
    synthesized = synth_json(stack)
    (block,) = synthesized["data"]["cleanroomsml_collaboration_trained_model"].values()
    assert block["name"] == "churn-predictor"
    assert "trained_model_arn" not in block
    assert model.trained_model_name == "churn-predictor"
    ref_arn = synthesized["output"]["ref_arn"]["value"]
    assert ref_arn.startswith("${data.cleanroomsml_collaboration_trained_model.")
    assert ref_arn.endswith(".trained_model_arn}")


@pytest.mark.parametrize("options", [
    {},
    {"trained_model_arn": CHURN_ARN, "trained_model_name": "churn-predictor"},
])
def test_exactly_one_of_arn_or_name(cdk, new_stack, options) -> None:
    from cleanroomsml_tf.cdk.lookup import LookupConfigurationError

    with pytest.raises(LookupConfigurationError,
                       match="set exactly one of trained_model_arn or trained_model_name"):
        cdk.TrainedModelLookup(new_stack(), "m", collaboration_identifier=COLLABORATION,
                               **options)


def test_an_impossible_name_is_refused_at_synth(cdk, new_stack) -> None:
    from cleanroomsml_tf.model.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="invalid trained_model_name ' '"):
        cdk.TrainedModelLookup(new_stack(), "m", trained_model_name=" ",
                               collaboration_identifier=COLLABORATION)


def _synth(cdk, lock_path, url, name):
    from cdktf import TerraformStack, Testing
    from cleanroomsml_tf.aws.settings import ClientSettings

    stack = TerraformStack(Testing.app(), "pinned")  # a new stack: nothing cached yet
    model = cdk.TrainedModelLookup.from_lock_file(
        stack, "churn", trained_model_name=name, collaboration_identifier=COLLABORATION,
        lock_path=lock_path,
        settings=ClientSettings(endpoint_url=url, max_attempts=1))
    return model, json.loads(Testing.synth(stack))


def test_synth_mode_by_name_locks_then_needs_no_request(
    cdk, make_emulator, monkeypatch, tmp_path
) -> None:
    endpoint = make_emulator()
    lock_path = tmp_path / "cleanroomsml.lock.json"
    url = endpoint.url
    model, first = _synth(cdk, lock_path, url, "churn-predictor")
    assert model.model_ref.trained_model_arn == CHURN_ARN
    assert model.record is not None and model.record["name"] == "churn-predictor"
    assert lock_path.is_file()
    endpoint.stop()
    monkeypatch.setenv("CI", "true")  # read-only: the name must be found in the lock file
    _, second = _synth(cdk, lock_path, url, "churn-predictor")  # nothing listens there now
    assert first == second and "data" not in second


def test_synth_mode_by_name_errors(cdk, make_emulator, example_data, monkeypatch,
                                   tmp_path) -> None:
    import copy

    from cleanroomsml_tf.lockfile.project import LockNameMissingError

    fraud = next(m for m in example_data if m["name"] == "fraud-scorer")
    twin = copy.deepcopy(fraud)
    twin["trainedModelArn"] = fraud["trainedModelArn"][:-1] + "9"
    endpoint = make_emulator([*example_data, twin])
    lock_path = tmp_path / "cleanroomsml.lock.json"
    with pytest.raises(ModelNameNotFoundError, match=f"collaboration {COLLABORATION}"):
        _synth(cdk, lock_path, endpoint.url, "nope")
    with pytest.raises(AmbiguousModelNameError) as caught:
        _synth(cdk, lock_path, endpoint.url, "fraud-scorer")
    assert caught.value.arns == (fraud["trainedModelArn"], twin["trainedModelArn"])
    monkeypatch.setenv("CI", "true")
    before = endpoint.request_count
    with pytest.raises(LockNameMissingError, match="lock file is read-only here"):
        _synth(cdk, lock_path, endpoint.url, "churn-predictor")
    assert endpoint.request_count == before


@pytest.mark.terraform
def test_plan_mode_by_name_applies(cdk, new_stack, tf_env, tmp_path, example_data) -> None:
    from cdktf import TerraformOutput

    stack = new_stack()
    model = cdk.TrainedModelLookup(stack, "churn", trained_model_name="churn-predictor",
                                   collaboration_identifier=COLLABORATION, outputs=False)
    TerraformOutput(stack, "arn", value=model.trained_model_arn)
    TerraformOutput(stack, "status", value=model.status)
    workdir = write_stack(synth_json(stack), tmp_path / "stack")
    binary = terraform_binaries()[0]
    for command in (("init", "-input=false"), ("apply", "-auto-approve", "-input=false")):
        done = terraform(binary, *command, cwd=workdir, env=tf_env)
        assert done.returncode == 0, done.stdout + done.stderr
    out = json.loads(terraform(binary, "output", "-json", cwd=workdir, env=tf_env).stdout)
    assert {k: v["value"] for k, v in out.items()} == {"arn": CHURN_ARN, "status": "ACTIVE"}
