"""Smoke test under cdktn, the continuation of cdktf: same constructs, other module name.

The cdktn virtualenv comes from :mod:`tests.support.cdktn` (built once, cached under
``.venv/opt/``; never skipped).
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.support.cdktf import CHURN_ARN, COLLABORATION
from tests.support.cdktn import cdktn_python

pytestmark = pytest.mark.cdktf

SCRIPT = f"""
import json
from cleanroomsml_tf.cdk.compat import cdktf_module, flavour
from cleanroomsml_tf.cdk import TrainedModelLookup
assert flavour() == "cdktn", flavour()
cdktn = cdktf_module()
assert cdktn.__name__ == "cdktn"
stack = cdktn.TerraformStack(cdktn.Testing.app(), "smoke")
model = TrainedModelLookup(stack, "churn", trained_model_arn={CHURN_ARN!r},
                           collaboration_identifier={COLLABORATION!r})
cdktn.TerraformOutput(stack, "label", value=f"{{model.volume_size_in_gb}} GB")
print(cdktn.Testing.synth(stack))
"""


def test_trained_model_lookup_synthesizes_under_cdktn():
    python = cdktn_python()
    env = {**os.environ, "CLEANROOMSML_TF_CDK_FLAVOUR": "cdktn",
           "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([str(python), "-c", SCRIPT], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    source = next(iter(data["data"]["cleanroomsml_collaboration_trained_model"].values()))
    assert source["allowed_statuses"] == ["ACTIVE"]
    ref = next(iter(data["data"]["cleanroomsml_collaboration_trained_model"]))
    assert data["output"]["label"]["value"] == (
        f"${{data.cleanroomsml_collaboration_trained_model.{ref}"
        ".resource_config.volume_size_in_gb} GB")
    assert "churn_volume_size_in_gb" in data["output"]
