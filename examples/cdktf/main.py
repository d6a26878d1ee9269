"""Example CDKTF app: look up the churn-predictor model and use it downstream.

Run it the CDKTF way (``cdktf synth`` reads ``cdktf.json`` at the repository root) or directly::

    python examples/cdktf/main.py            # writes cdktf.out/stacks/churn-model/cdk.tf.json

The provider reads its endpoint from ``AWS_ENDPOINT_URL_CLEANROOMSML`` when Terraform runs
(the demo points it at the local endpoint), so nothing machine-specific lands in the JSON.

The downstream resource is ``terraform_data`` (built into Terraform 1.4+): it applies offline,
no registry needed. ``CLEANROOMSML_EXAMPLE_DOWNSTREAM=0`` leaves it out, for Terraform < 1.4
(1.0.3 has no builtin resource that works offline); the lookup's outputs stay.
``CLEANROOMSML_EXAMPLE_RESOLVE=synth`` takes the model from ``cleanroomsml.lock.json`` at synth
time instead (no data source, no provider in the JSON).

``examples/hcl-twin/main.tf`` is the same stack written in HCL; a test plans both and compares.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

# Run from a checkout without installing: make `provider/` importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "provider"))

from cleanroomsml_tf.model.errors import CleanroomsmlTfError  # noqa: E402

COLLABORATION = "3f6a1c2e-9b8d-4e7f-a1b2-c3d4e5f60718"
CHURN_ARN = (
    "arn:aws:cleanrooms-ml:us-east-1:111122223333:membership/"
    "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/trained-model/c0ffee00-1111-4a2b-9c3d-000000000001"
)
STACK_NAME = "churn-model"


def build_stack(
    scope: Any,
    name: str = STACK_NAME,
    *,
    trained_model_arn: str = CHURN_ARN,
    collaboration_identifier: str = COLLABORATION,
    lookup_id: str = "churn",
    resolve: str = "plan",
    downstream: bool = True,
    lock_path: str | None = None,
) -> Any:
    """The example stack: provider, lookup (+ its outputs), and a downstream resource."""
    from cdktf import DataResource, TerraformOutput, TerraformStack
    from cleanroomsml_tf.cdk import CleanroomsmlProvider, TrainedModelLookup

    stack = TerraformStack(scope, name)
    provider = CleanroomsmlProvider(stack, "cleanroomsml") if resolve == "plan" else None
    model = TrainedModelLookup(
        stack, lookup_id,
        trained_model_arn=trained_model_arn,
        collaboration_identifier=collaboration_identifier,
        provider=provider,
        resolve=resolve,  # type: ignore[arg-type]
        lock_path=lock_path,
    )
    if downstream:
        # A number inside a string: NumberToken keeps the ${...} reference intact.
        label = f"{model.instance_type} x{model.instance_count}, {model.volume_size_in_gb} GB"
        training = DataResource(stack, "training_profile", input={
            "instance_type": model.instance_type,
            "volume_size_in_gb": model.volume_size_in_gb,
            "image_digest": model.training_container_image_digest,
            "label": label,
        })
        TerraformOutput(stack, "training_label",
                        value=training.get_string_attribute("output.label")
                        ).override_logical_id("training_label")
    return stack


def main() -> int:
    """Synthesize the example app (errors as one line, never a traceback)."""
    try:
        import cleanroomsml_tf.cdk  # noqa: F401 - first: checks Node.js, clear error if missing
        from cdktf import App

        app = App()
        build_stack(
            app,
            resolve=os.environ.get("CLEANROOMSML_EXAMPLE_RESOLVE", "plan"),
            downstream=os.environ.get("CLEANROOMSML_EXAMPLE_DOWNSTREAM", "1") != "0",
        )
        app.synth()
    except CleanroomsmlTfError as error:
        print(f"examples/cdktf/main.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
