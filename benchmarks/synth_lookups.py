"""Synth time of a 100-lookup stack: TrainedModelLookup against raw TerraformDataSource objects.

Both stacks have the same Terraform content: per model one data source (with allowed_statuses)
and five outputs with fixed names. The raw variant sets arguments with ``add_override`` and
references attributes with ``interpolation_for_attribute``; the lookup variant goes through
the generated bindings (a Python ``synthesize_attributes`` callback per data source). Rounds
alternate between the variants in one process (one jsii runtime) after a small warm-up stack
and (full run) one untimed full-size round.

    python benchmarks/synth_lookups.py [--quick] [--lookups 100] [--rounds 11]

Target: lookups within 10% of raw (ratio <= 1.10).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

import harness
from harness import Row

NAME = "synth_lookups"
TARGET_RATIO = 1.10
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
    return str(cdktf.Testing.synth(stack))


def raw_stack(cdktf: Any, count: int) -> str:
    """The same Terraform from raw TerraformDataSource/TerraformOutput objects."""
    from constructs import Construct

    from cleanroomsml_tf.cdk import CleanroomsmlProvider

    stack = cdktf.TerraformStack(cdktf.Testing.app(), "bench")
    provider = CleanroomsmlProvider(stack, "cleanroomsml")
    for i in range(count):
        group = Construct(stack, f"m{i}")  # same construct depth as a lookup
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
    return str(cdktf.Testing.synth(stack))


def synth(build: Callable[[Any, int], str], cdktf: Any, count: int) -> Callable[[], float]:
    """A measurement: seconds for one build + synth of ``count`` models."""
    return lambda: harness.time_call(lambda: build(cdktf, count))


def run(quick: bool = False, lookups: int = 100, rounds: int | None = None) -> list[Row]:
    """Median build + synth time, TrainedModelLookup against raw TerraformDataSource."""
    from cleanroomsml_tf.cdk.compat import cdktf_module

    rounds = rounds or (3 if quick else 11)
    cdktf = cdktf_module()
    # Warm-up: jsii start, class generation, caches; then (full run) one full-size round, as
    # the first large stacks of a process are slower (seen: 2-3x on this VM).
    lookup_stack(cdktf, 5)
    raw_stack(cdktf, 5)
    samples = harness.interleaved({
        f"raw TerraformDataSource x{lookups}": synth(raw_stack, cdktf, lookups),
        f"TrainedModelLookup x{lookups}": synth(lookup_stack, cdktf, lookups),
    }, rounds, warmup=0 if quick else 1)
    raw, lookup = (Row(NAME, variant, values) for variant, values in samples.items())
    harness.compare([raw, lookup], raw)
    harness.check_target(lookup, f"ratio <= {TARGET_RATIO:.2f}",
                         (lookup.ratio or 0) <= TARGET_RATIO)
    raw.note = lookup.note = f"{cdktf.__name__}, build + synth"
    return [raw, lookup]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lookups", type=int, default=100, help="models in the stack")
    parser.add_argument("--rounds", type=int, help="synths per variant (default 11, quick 3)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
