"""Number tokens compute: the same Python line applies to the same value in plan and synth mode.

One stack holds a plan-mode lookup (number attributes are tokens: Python operators build
Terraform expressions) and a synth-mode lookup of the same model (plain ints: Python computes).
Every expression below becomes an output for each; real Terraform applies the stack and the
two outputs must be equal.
"""

from __future__ import annotations

import math

import pytest

from cleanroomsml_tf.aws.settings import ClientSettings
from tests.support.cdktf import CHURN_ARN, COLLABORATION, synth_json, write_stack

pytestmark = [pytest.mark.cdktf, pytest.mark.terraform]

FORMAT_SPECS = ("d", "5d", "<6d", ">6d", "+d", " d", "06d", "f", ".1f", "08.2f", "F", "e",
                ".3e", "E", "g", ".2g", "G", "x", "X", "o", "b")



def _formatter(spec):
    return lambda m: f"[{m.volume_size_in_gb:{spec}}]"


EXPRESSIONS = {
    # every operator, both operand orders, with a plain number and with another attribute
    "add": lambda m: m.volume_size_in_gb + 10,
    "radd": lambda m: 10 + m.volume_size_in_gb,
    "add_attr": lambda m: m.volume_size_in_gb + m.instance_count,
    "sub": lambda m: m.volume_size_in_gb - 130,
    "rsub": lambda m: 3 - m.volume_size_in_gb,
    "mul": lambda m: m.instance_count * 2,
    "rmul": lambda m: 2.5 * m.volume_size_in_gb,
    "div": lambda m: m.volume_size_in_gb / 3,
    "rdiv": lambda m: 300 / m.volume_size_in_gb,
    "floordiv": lambda m: m.volume_size_in_gb // 7,
    "rfloordiv": lambda m: 1000 // m.volume_size_in_gb,
    "floordiv_negative": lambda m: -m.volume_size_in_gb // 7,
    "mod": lambda m: m.volume_size_in_gb % 7,
    "rmod": lambda m: 1001 % m.volume_size_in_gb,
    "mod_negative_divisor": lambda m: m.volume_size_in_gb % -7,
    "mod_negative_dividend": lambda m: (-m.volume_size_in_gb) % 7,
    "mod_float": lambda m: (m.volume_size_in_gb + 0.5) % 7,
    "neg": lambda m: -m.volume_size_in_gb,
    "pos": lambda m: +m.volume_size_in_gb,
    "abs": lambda m: abs(3 - m.volume_size_in_gb),
    "floor": lambda m: math.floor(m.volume_size_in_gb / 3),
    "ceil": lambda m: math.ceil(m.volume_size_in_gb / 3),
    "chain": lambda m: (m.volume_size_in_gb + 1) * 2 - m.max_runtime_in_seconds // 60,
    "lt": lambda m: m.volume_size_in_gb < 100,
    "le": lambda m: m.volume_size_in_gb <= 100,
    "gt": lambda m: m.instance_count > 1,
    "ge": lambda m: m.instance_count >= 3,
    "rgt": lambda m: 5 > m.instance_count,  # noqa: SIM300 - the reflected operator
    "fstring": lambda m: f"{m.instance_type} x{m.instance_count}, {m.volume_size_in_gb * 2} GB",
    **{f"format_{i}": _formatter(spec) for i, spec in enumerate(FORMAT_SPECS)},
    "format_float": lambda m: f"{m.volume_size_in_gb / 3:.4f}|{m.volume_size_in_gb / 8:g}",
}


@pytest.mark.parametrize(("spec", "verb"), [
    (".1f", "%.1f"), ("d", "%d"), ("f", "%.6f"), ("g", "%.6g"), ("<6d", "%-6d"),
    ("+08.2f", "%+08.2f"), (" e", "% .6e"), ("F", "%.6f"), ("x", "%x"),
])
def test_format_specs_become_terraform_format_verbs(spec, verb):
    from cleanroomsml_tf.cdk.tokens import terraform_format

    assert terraform_format(spec) == verb


@pytest.mark.parametrize("spec", [",", "^6d", "*>6d", "#x", "s", "%", ".2", "_d", "n"])
def test_unsupported_format_specs_say_what_is_supported(cdk, new_stack, spec):
    from cleanroomsml_tf.cdk.tokens import UnsupportedFormatError

    model = cdk.TrainedModelLookup(new_stack(), "churn", trained_model_arn=CHURN_ARN,
                                   collaboration_identifier=COLLABORATION, outputs=False)
    with pytest.raises(UnsupportedFormatError) as caught:
        format(model.volume_size_in_gb, spec)
    message = str(caught.value)
    assert repr(spec) in message and "d f F e E g G x X o b" in message
    assert "[<|>][+| |-][0][width][.precision]type" in message


def test_python_only_conversions_refuse_an_unknown_number(cdk, new_stack):
    model = cdk.TrainedModelLookup(new_stack(), "churn", trained_model_arn=CHURN_ARN,
                                   collaboration_identifier=COLLABORATION, outputs=False)
    for convert in (int, round, math.trunc):
        with pytest.raises(TypeError, match="unknown until Terraform runs"):
            convert(model.volume_size_in_gb)
    with pytest.raises(TypeError):
        model.volume_size_in_gb + "10"  # noqa: B018 - the operation is the test


def test_every_operator_applies_to_the_same_value_in_plan_and_synth_mode(
        cdk, emulator, tf_env, terraform_binary, tmp_path):
    from cleanroomsml_tf.cdk.compat import cdktf_module
    from tests.support.cdktf import terraform

    cdktf = cdktf_module()
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "numbers")
    common = {"trained_model_arn": CHURN_ARN, "collaboration_identifier": COLLABORATION,
              "outputs": False}
    plan = cdk.TrainedModelLookup(stack, "plan", **common)
    synth = cdk.TrainedModelLookup.from_lock_file(
        stack, "synth", lock_path=tmp_path / "cleanroomsml.lock.json",
        settings=ClientSettings(endpoint_url=emulator.url), **common)
    assert isinstance(synth.volume_size_in_gb, int)
    assert isinstance(plan.volume_size_in_gb, cdk.NumberToken)
    for name, expression in EXPRESSIONS.items():
        for mode, model in (("plan", plan), ("synth", synth)):
            cdktf.TerraformOutput(stack, f"{mode}_{name}", value=expression(model))
    data = synth_json(stack)
    assert "e+298" not in str(data["output"]) and "e+58" not in str(data["output"])

    directory = write_stack(data, tmp_path / "stack")
    for args in (("init", "-input=false"), ("apply", "-auto-approve", "-input=false")):
        done = terraform(terraform_binary.path, *args, cwd=directory, env=tf_env)
        assert done.returncode == 0, done.stderr + done.stdout
    import json

    raw = terraform(terraform_binary.path, "output", "-json", cwd=directory, env=tf_env).stdout
    outputs = {name: item["value"] for name, item in json.loads(raw).items()}
    differences = {name: (outputs[f"plan_{name}"], outputs[f"synth_{name}"])
                   for name in EXPRESSIONS if outputs[f"plan_{name}"] != outputs[f"synth_{name}"]}
    assert not differences
    # and the values are the computed ones, not the bare reference
    size = synth.volume_size_in_gb
    assert outputs["plan_add"] == size + 10 and outputs["plan_mul"] == synth.instance_count * 2
    assert outputs["plan_format_8"] == f"[{size:.1f}]"
