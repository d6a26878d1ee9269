"""The service model: the precomputed constraints match the installed botocore's, validation
never imports botocore, and the model is loaded once per process however many threads ask.

Loads are counted in fresh interpreters (``python -c``), where nothing has loaded the model yet,
by wrapping botocore's public ``Loader.load_service_model``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import botocore.session

from cleanroomsml_tf.model import service_constraints
from cleanroomsml_tf.model.service_model import (
    SERVICE_NAME,
    constraints_from_model,
    generated_path,
    render_constraints,
)

REGENERATE = "python -m cleanroomsml_tf.model.service_model"


def _run(code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_precomputed_constraints_match_installed_botocore():
    model = botocore.session.get_session().get_service_model(SERVICE_NAME)
    expected = render_constraints(constraints_from_model(model))
    assert generated_path().read_text(encoding="utf-8") == expected, (
        f"{generated_path().name} differs from the installed botocore's service model: "
        f"run `{REGENERATE}` and review the diff"
    )


def test_precomputed_constraints_are_what_botocore_says():
    # Independently of the renderer: a few members read straight from botocore's shapes.
    model = botocore.session.get_session().get_service_model(SERVICE_NAME)
    get = model.operation_model("GetCollaborationTrainedModel").input_shape.members
    arn = service_constraints.INPUT_CONSTRAINTS["GetCollaborationTrainedModel"]["trainedModelArn"]
    assert arn == {k: get["trainedModelArn"].metadata[k] for k in ("min", "max", "pattern")}
    status = model.shape_for("TrainedModelStatus")
    assert service_constraints.ENUMS["TrainedModelStatus"] == list(status.enum)
    assert "ACTIVE" in service_constraints.ENUMS["TrainedModelStatus"]
    assert model.api_version == service_constraints.API_VERSION


COUNT_LOADS = """
import json, sys, threading, time
import botocore.loaders
loads = []
original = botocore.loaders.Loader.load_service_model
def counting(self, service_name, *args, **kwargs):
    if service_name == "cleanroomsml":
        loads.append(threading.get_ident())
        time.sleep(0.05)  # a slow load widens the window in which other threads arrive
    return original(self, service_name, *args, **kwargs)
botocore.loaders.Loader.load_service_model = counting
"""


def test_service_model_loads_once_under_parallel_first_use():
    result = _run(COUNT_LOADS + """
from cleanroomsml_tf.model.service_model import service_model
barrier = threading.Barrier(16)
models = []
def first_use():
    barrier.wait()
    models.append(service_model())
threads = [threading.Thread(target=first_use) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"loads": len(loads), "distinct": len({id(m) for m in models}),
                  "calls": len(models)}))
""")
    assert result == {"loads": 1, "distinct": 1, "calls": 16}


def test_parallel_validation_never_loads_the_model_nor_imports_botocore():
    # What Terraform does in a plan: ValidateDataResourceConfig for every data source at once
    # (on gRPC worker threads), then the provider configuration. None of it needs botocore.
    result = _run("""
import json, sys, threading
from cleanroomsml_tf.plugin.diagnostics import Diagnostics
from cleanroomsml_tf.model.identifiers import ModelRef
from cleanroomsml_tf.plugin.data_sources.trained_model import TrainedModelDataSource
from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider
provider = CleanroomsmlProvider()
source = TrainedModelDataSource(provider)
UUID = "0f3a1d2c-8b7e-4c59-9a41-2d6e8f0b1c3a"
ARN = f"arn:aws:cleanrooms-ml:us-east-1:111122223333:membership/{UUID}/trained-model/{UUID}"
barrier = threading.Barrier(16)
errors = []
def validate(i):
    barrier.wait()
    diags = Diagnostics()
    bad = "not-a-uuid" if i % 2 else UUID
    source.check(diags, {"trained_model_arn": ARN, "collaboration_identifier": bad})
    errors.append(diags.has_errors())
threads = [threading.Thread(target=validate, args=(i,)) for i in range(16)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"botocore": "botocore" in sys.modules, "boto3": "boto3" in sys.modules,
                  "invalid": sum(1 for e in errors if e), "checked": len(errors),
                  "ref_errors": len(ModelRef(ARN, "x").errors())}))
""")
    assert result == {"botocore": False, "boto3": False, "invalid": 8, "checked": 16,
                      "ref_errors": 1}
