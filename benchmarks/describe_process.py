"""One ``cleanroomsml-tf describe`` process, against the same call made other ways.

Each variant is a fresh process making one GetCollaborationTrainedModel call to the local
endpoint and printing the result as JSON (interpreter start, imports, client creation
included):

* baseline: ``python -c`` with boto3 (same interpreter): create the client, make the call, print;
* ``cleanroomsml-tf describe`` (the console script): validate, call, normalize, print;
* ``aws cleanroomsml get-collaboration-trained-model --endpoint-url ...`` when the AWS CLI is
  installed (a pyenv shim is resolved to the real executable), else a row saying so.

All run with a private HOME and dummy credentials, so no profile or credential chain is read.

    python benchmarks/describe_process.py [--quick] [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import harness
from harness import Row
from local_endpoint import CLI, EndpointProcess, many_models

NAME = "describe_process"

BOTO3_SCRIPT = """
import json, sys
import boto3
client = boto3.client("cleanroomsml", endpoint_url=sys.argv[1])
response = client.get_collaboration_trained_model(
    trainedModelArn=sys.argv[2], collaborationIdentifier=sys.argv[3])
response.pop("ResponseMetadata", None)
print(json.dumps(response, indent=2, default=str))
"""


def describe_command() -> list[str]:
    """The ``cleanroomsml-tf`` console script next to this interpreter (what users run)."""
    script = Path(sys.executable).parent / "cleanroomsml-tf"
    return [str(script)] if script.exists() else list(CLI)


def aws_env(home: Path) -> dict[str, str]:
    """Dummy credentials and a region, a HOME without ~/.aws, no inherited AWS endpoints."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k != "CLEANROOMSML_TF_LOCKED"}
    env.update(
        HOME=str(home),
        AWS_ACCESS_KEY_ID="AKIDBENCHMARK",
        AWS_SECRET_ACCESS_KEY="benchmark-secret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",  # AWS CLI v2 would otherwise pipe the output through `less`
    )
    return env


def run(quick: bool = False, rounds: int | None = None) -> list[Row]:
    """Median wall time of one process per variant, against ``python -c`` with boto3."""
    rounds = rounds or (5 if quick else 15)
    model = many_models(1)[0]
    arn, collaboration = model["trainedModelArn"], model["collaborationIdentifier"]
    aws = harness.which("aws")
    with tempfile.TemporaryDirectory(prefix="bench-describe-") as tmp, \
            EndpointProcess([model]) as endpoint:
        env = aws_env(Path(tmp))
        url = endpoint.url

        def command(argv: list[str]) -> Callable[[], float]:
            return lambda: harness.time_command(argv, env=env, cwd=Path(tmp))

        variants = {
            "python -c boto3": command(
                [sys.executable, "-c", BOTO3_SCRIPT, url, arn, collaboration]),
            "cleanroomsml-tf describe": command(
                [*describe_command(), "describe", "--endpoint-url", url,
                 "--trained-model-arn", arn, "--collaboration-identifier", collaboration]),
        }
        if aws:
            variants["aws cleanroomsml get-..."] = command(
                [aws, "cleanroomsml", "get-collaboration-trained-model", "--endpoint-url", url,
                 "--trained-model-arn", arn, "--collaboration-identifier", collaboration,
                 "--output", "json"])
        samples = harness.interleaved(variants, rounds)
    rows = [Row(NAME, variant, values) for variant, values in samples.items()]
    harness.compare(rows, rows[0])
    for row in rows:
        row.note = "one process, one call"
    if not aws:
        rows.append(harness.skipped(NAME, "aws cleanroomsml get-...", "aws CLI not installed"))
    return rows


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, help="processes per variant (default 15, --quick 5)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
