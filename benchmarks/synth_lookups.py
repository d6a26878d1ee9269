"""Synth time of 100 TrainedModelLookups vs the same stack from raw TerraformDataSource objects.

    python benchmarks/synth_lookups.py [--lookups 100] [--rounds 7]

Both stacks have the same Terraform content: per model one data source (with allowed_statuses)
and five outputs with fixed names. The raw variant sets arguments with ``add_override`` and
references attributes with ``interpolation_for_attribute``; the lookup variant goes through
the generated bindings (a Python ``synthesize_attributes`` callback per data source). Rounds
alternate between the variants in one process (one jsii runtime), the median is reported.
Target: lookups within 10% of raw (exit status 1 if missed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "provider"))

COLLABORATION = "3f6a1c2e-9b8d-4e7f-a1b2-c3d4e5f60718"
ARN = ("arn:aws:cleanrooms-ml:us-east-1:111122223333:membership/"
       "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/trained-model/c0ffee00-{:04d}-4a2b-9c3d-000000000001")
OUTPUTS = {
    "instance_type": "resource_config.instance_type",
    "volume_size_in_gb": "resource_config.volume_size_in_gb",
    "training_container_image_digest": "training_container_image_digest",
    "status": "status",
    "version_identifier": "version_identifier",
}


def lookup_stack(cdktf: Any, count: int) -> str:
    """Build and synthesize ``count`` TrainedModelLookups (provider added once)."""
    from cleanroomsml_tf.cdk import CleanroomsmlProvider, TrainedModelLookup

    stack = cdktf.TerraformStack(cdktf.Testing.app(), "bench")
    provider = CleanroomsmlProvider(stack, "cleanroomsml")
    for i in range(count):
        TrainedModelLookup(stack, f"m{i}", trained_model_arn=ARN.format(i),
                           collaboration_identifier=COLLABORATION, provider=provider)
    return cdktf.Testing.synth(stack)


def raw_stack(cdktf: Any, count: int) -> str:
    """The same Terraform from raw TerraformDataSource/TerraformOutput objects."""
    from cleanroomsml_tf.cdk import CleanroomsmlProvider

    stack = cdktf.TerraformStack(cdktf.Testing.app(), "bench")
    provider = CleanroomsmlProvider(stack, "cleanroomsml")
    for i in range(count):
        group = _construct(f"m{i}", stack)  # same construct depth as a lookup
        data = cdktf.TerraformDataSource(
            group, "model", terraform_resource_type="cleanroomsml_collaboration_trained_model",
            provider=provider)
        data.add_override("trained_model_arn", ARN.format(i))
        data.add_override("collaboration_identifier", COLLABORATION)
        data.add_override("allowed_statuses", ["ACTIVE"])
        for name, path in OUTPUTS.items():
            output = cdktf.TerraformOutput(group, name,
                                           value=data.interpolation_for_attribute(path))
            output.override_logical_id(f"m{i}_{name}")
    return cdktf.Testing.synth(stack)


def _construct(id: str, scope: Any) -> Any:  # noqa: A002
    from constructs import Construct

    return Construct(scope, id)


def measure(build: Callable[[Any, int], str], cdktf: Any, count: int) -> float:
    """Seconds for one build + synth."""
    started = time.perf_counter()
    build(cdktf, count)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run the rounds, print the table and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)

    from cleanroomsml_tf.cdk.compat import cdktf_module

    cdktf = cdktf_module()
    lookup_stack(cdktf, 5)  # warm-up: jsii start, class generation, caches
    raw_stack(cdktf, 5)
    times: dict[str, list[float]] = {"raw TerraformDataSource": [], "TrainedModelLookup": []}
    for _ in range(args.rounds):
        times["raw TerraformDataSource"].append(measure(raw_stack, cdktf, args.lookups))
        times["TrainedModelLookup"].append(measure(lookup_stack, cdktf, args.lookups))
    print(f"{args.lookups} models x (data source + 5 outputs), {args.rounds} rounds, "
          f"{cdktf.__name__}")
    print(f"{'variant':<26} {'median s':>9} {'min s':>8} {'max s':>8}")
    for name, values in times.items():
        print(f"{name:<26} {statistics.median(values):>9.3f} {min(values):>8.3f} "
              f"{max(values):>8.3f}")
    ratio = (statistics.median(times["TrainedModelLookup"])
             / statistics.median(times["raw TerraformDataSource"]))
    print(f"ratio lookup/raw: {ratio:.3f} (target <= 1.10)")
    return 0 if ratio <= 1.10 else 1


if __name__ == "__main__":
    sys.exit(main())
