"""Static types: the generated getters match the attribute table, and mypy checks a user app."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap

import pytest

from tests.support.cdktf import CHURN_ARN, COLLABORATION, ROOT

pytestmark = pytest.mark.cdktf


def test_generated_module_is_what_the_attribute_table_generates(cdk):
    from cleanroomsml_tf.cdk import codegen

    assert codegen.GENERATED.read_text("utf-8") == codegen.render(), (
        "cdk/generated.py is out of date: run python -m cleanroomsml_tf.cdk.codegen")
    assert codegen.main(["--check"]) == 0


def test_the_check_fails_when_the_table_changes(cdk, monkeypatch, capsys):
    from cleanroomsml_tf.cdk import codegen
    from cleanroomsml_tf.model import record

    extra = record.Attribute("model_card_uri", "modelCardUri", "string", "A new member.")
    monkeypatch.setattr(record, "TRAINED_MODEL", (*record.TRAINED_MODEL, extra))
    assert "def model_card_uri(self) -> str | None:" in codegen.render()
    assert codegen.main(["--check"]) == 1
    assert "run python -m cleanroomsml_tf.cdk.codegen" in capsys.readouterr().err
    # a changed type is caught too
    retyped = tuple(dataclasses.replace(a, kind="number") if a.name == "name" else a
                    for a in record.TRAINED_MODEL[:-1])
    monkeypatch.setattr(record, "TRAINED_MODEL", retyped)
    assert codegen.main(["--check"]) == 1


def test_generated_properties_shadow_nothing_of_the_construct(cdk):
    from cleanroomsml_tf.cdk.generated import FLAT_NAMES, TrainedModelAttributes
    from cleanroomsml_tf.cdk.lookup import TrainedModelLookup

    generated = {name for name, value in vars(TrainedModelAttributes).items()
                 if isinstance(value, property)}
    assert set(FLAT_NAMES) <= generated
    own = {name for klass in TrainedModelLookup.__mro__ if klass is not TrainedModelAttributes
           for name in vars(klass)}
    assert not generated & own


USER_APP = f"""
from cdktf import App, TerraformOutput, TerraformStack

from cleanroomsml_tf.cdk import (
    DataCleanroomsmlCollaborationTrainedModel,
    Number,
    NumberToken,
    TrainedModelLookup,
)

app = App()
stack = TerraformStack(app, "typed")
model = TrainedModelLookup(stack, "churn", trained_model_arn={CHURN_ARN!r},
                           collaboration_identifier={COLLABORATION!r})
instance_type: str = model.instance_type
size: Number = model.volume_size_in_gb + 10
label: str = f"{{model.instance_type}} x{{model.instance_count}}, {{size}} GB"
config = model.resource_config  # an optional object: None in synth mode when absent
nested: str = config.instance_type if config is not None else ""
reveal_type(model.instance_type)
reveal_type(model.volume_size_in_gb)
reveal_type(model.description)
data = DataCleanroomsmlCollaborationTrainedModel(
    stack, "raw", trained_model_arn={CHURN_ARN!r}, collaboration_identifier={COLLABORATION!r})
token: NumberToken = data.resource_config.volume_size_in_gb * 2
first: str = data.incremental_training_data_channels.get(0).channel_name
reveal_type(data.resource_config.volume_size_in_gb)
TerraformOutput(stack, "label", value=label)
"""

TYPOS = """
model.instance_typo
count: str = model.instance_count
data.resource_config.instance_typo
"""


def _mypy(tmp_path, source: str) -> subprocess.CompletedProcess[str]:
    app = tmp_path / "app.py"
    app.write_text(textwrap.dedent(source))
    env = {**os.environ, "MYPYPATH": str(ROOT / "provider")}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--strict", "--follow-imports=silent",
         "--cache-dir", str(tmp_path / "mypy-cache"), str(app)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_mypy_sees_typed_attributes_and_rejects_a_typo(tmp_path):
    done = _mypy(tmp_path, USER_APP + TYPOS)
    lines = done.stdout.splitlines()
    notes = [line.split("note: ", 1)[1].replace("builtins.", "")
             for line in lines if "note: Revealed type" in line]
    assert notes == [
        'Revealed type is "str"',
        'Revealed type is "cleanroomsml_tf.cdk.tokens.NumberToken | int"',
        'Revealed type is "str | None"',
        'Revealed type is "cleanroomsml_tf.cdk.tokens.NumberToken"',
    ], done.stdout
    errors = [line for line in lines if ": error: " in line]
    assert len(errors) == 3, done.stdout
    assert '"TrainedModelLookup" has no attribute "instance_typo"' in errors[0]
    assert "Incompatible types in assignment" in errors[1]
    assert 'has no attribute "instance_typo"' in errors[2]
    # every error is on a typo line: the good part of the app type-checks under --strict
    good_lines = USER_APP.count("\n") - 1
    assert all(int(line.split(":")[1]) > good_lines for line in errors), done.stdout
