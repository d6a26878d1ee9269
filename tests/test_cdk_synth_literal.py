"""Synth mode writes service text as literal text: Terraform never evaluates it as a template.

Model names, descriptions and status messages are written by other collaboration members. The
end-to-end test serves hostile text from the local endpoint, synthesizes a synth-mode lookup
(record resolved live into a fresh lock file), applies the JSON with real Terraform and checks
``terraform output -json`` against the service's text, byte for byte.
"""

from __future__ import annotations

import json

import pytest

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.model.identifiers import ModelRef
from tests.support.cdktf import CHURN_ARN, COLLABORATION, synth_json, write_stack

pytestmark = [pytest.mark.cdktf, pytest.mark.terraform]

HOSTILE = (
    '${file("/etc/hostname")}',
    "%{ if true }INJECTED%{ endif }",
    "ctl\x01\x07\t\n\r\x1b[31m\x7f",
    "$${x} $$$${y} %%{z} $%{w}",
    "${TfToken[TOKEN.1]} $${TfToken[TOKEN.2]}",
    "v1e5 -1.8e+289 -8.109562212591379e+298",
    'q"b\\s \\n',
    "é 😀 <b>&amp;</b> </script>",
    "{lead",
    "end$",
    "end%",
    "$",
    "}{",
)
"""Each is a value on its own; joined, they are the description."""


@pytest.mark.parametrize(("text", "literal"), [
    ("plain text", "plain text"),
    ('${file("/etc/hostname")}', '$${file("/etc/hostname")}'),
    ("%{ if true }X%{ endif }", "%%{ if true }X%%{ endif }"),
    ("$${x}", "$$${x}"),
    ("${TfToken[TOKEN.1]}", '${"$"}{TfToken[TOKEN.1]}'),
    ("$${TfToken[TOKEN.1]}", '${"$$"}{TfToken[TOKEN.1]}'),
    ("{x", '${"{"}x'),
    ("a$$", 'a${"$$"}'),
    ("a%", 'a${"%"}'),
    ("a\r\nb$\r", 'a${"\\r"}\nb${"$\\r"}'),
    ("-8.109562212591379e+298 1e5", '-8.109562212591379${"e"}+298 1e5'),
])
def test_terraform_literal_escapes_templates_and_cdktf_markers(text, literal):
    from cleanroomsml_tf.cdk.literal import terraform_literal

    assert terraform_literal(text) == literal


@pytest.fixture
def hostile_endpoint(make_emulator, example_data):
    for model in example_data:
        if model["trainedModelArn"] == CHURN_ARN:
            model["description"] = "".join(HOSTILE)
            model["statusDetails"] = {"statusCode": HOSTILE[0], "message": HOSTILE[1]}
            for channel in model.get("incrementalTrainingDataChannels") or []:
                channel["channelName"] = HOSTILE[4]
    return make_emulator(example_data)


def _outputs(cdktf, stack, model) -> dict[str, str]:
    """Outputs covering flat strings, nested objects, lists, joins and a mix with a token."""
    from cleanroomsml_tf.cdk.lookup import FLAT_NAMES

    expressions = {}
    for name, path in FLAT_NAMES.items():
        value = getattr(model, name)
        if isinstance(value, str):
            expressions[f"flat_{name}"] = (value, path)
    expressions["object_status_details"] = (dict(model.status_details), "status_details")
    channels = model.incremental_training_data_channels or ()
    expressions["list_channels"] = ([dict(c) for c in channels],
                                    "incremental_training_data_channels")
    joined = f"{model.status_details_message}{model.status_details.status_code}{model.description}"
    expressions["joined"] = (joined, None)
    lower = cdktf.Fn.lower("TOKEN")
    expressions["mixed_with_token"] = (f"{model.description}|{lower}|{model.name}", None)
    for name, (value, _) in expressions.items():
        cdktf.TerraformOutput(stack, name, value=value)
    return {name: path for name, (_, path) in expressions.items()}


def test_synth_mode_hostile_text_reaches_terraform_output_byte_for_byte(
        cdk, hostile_endpoint, make_terraform, terraform_binary, tmp_path):
    from cleanroomsml_tf.cdk.compat import cdktf_module
    from cleanroomsml_tf.model import record as table

    cdktf = cdktf_module()
    settings = ClientSettings(endpoint_url=hostile_endpoint.url)
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "hostile")
    model = cdk.TrainedModelLookup(
        stack, "churn", trained_model_arn=CHURN_ARN, collaboration_identifier=COLLABORATION,
        resolve="synth", lock_path=tmp_path / "cleanroomsml.lock.json", settings=settings)
    paths = _outputs(cdktf, stack, model)

    runner = make_terraform(terraform_binary, workdir=tmp_path / "stack")
    write_stack(synth_json(stack), runner.workdir)
    runner.init()
    runner.apply()
    outputs = runner.outputs()

    service = Resolver(settings).get_trained_model(ModelRef(CHURN_ARN, COLLABORATION))
    assert service["description"] == "".join(HOSTILE)  # the endpoint served the hostile text
    for name, path in paths.items():
        if path is not None:
            assert outputs[name] == table.get_path(service, path), name
    assert outputs["joined"] == HOSTILE[1] + HOSTILE[0] + "".join(HOSTILE)
    assert outputs["mixed_with_token"] == f"{''.join(HOSTILE)}|token|{service['name']}"
    # The raw record stays raw for Python code.
    assert model.record["description"] == "".join(HOSTILE)
    assert "%{ if true }INJECTED%{ endif }" in json.dumps(outputs, ensure_ascii=False)
