"""Smoke test under cdktn, the continuation of cdktf: same constructs, other module name.

cdktn needs ``constructs<10.8`` (the main suite has 10.8 for cdktf 0.21), so it gets its own
virtualenv, built once and cached under ``.venv/opt/`` (reruns take a few seconds). Our package
is added through a ``.pth`` file pointing at ``provider/`` — what ``pip install --no-deps -e``
would do, without writing build files into the shared checkout. Never skipped: without the
cache and without PyPI it fails, loudly.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cdktf import CHURN_ARN, COLLABORATION, ROOT

pytestmark = pytest.mark.cdktf

REQUIREMENTS = ("cdktn", "constructs<10.8", "boto3>=1.40,<2", "jsonschema>=4.20,<5")
_KEY = hashlib.sha256("\n".join(REQUIREMENTS).encode()).hexdigest()[:12]
VENV = ROOT / ".venv" / "opt" / f"cdktn-{_KEY}"

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


def _build_venv() -> Path:
    python = VENV / "bin" / "python"
    if python.exists():
        return python
    partial = VENV.with_name(VENV.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(partial)], check=True, timeout=120)
    subprocess.run([str(partial / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", *REQUIREMENTS], check=True, timeout=600)
    site = next((partial / "lib").glob("python3*/site-packages"))
    (site / "cleanroomsml_tf_checkout.pth").write_text(str(ROOT / "provider") + "\n")
    partial.rename(VENV)  # venvs are relocatable enough for `python -m`/-c use
    return python


def test_trained_model_lookup_synthesizes_under_cdktn():
    python = _build_venv()
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
