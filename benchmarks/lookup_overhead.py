"""Per-lookup cost inside one process, against one raw HTTP round trip to the local endpoint.

In one process, with the endpoint in another, times sequential ``Resolver.get_trained_model``
calls (validation, botocore request building and signing, parsing, normalization), the bare
boto3 client call they wrap, and the floor: a keep-alive ``http.client`` GET of the same path
botocore requests (``/collaborations/{id}/trained-models/{percent-encoded ARN}``), body read,
not parsed. Each run is ``--calls`` calls; the figure is seconds per call, median over runs.

    python benchmarks/lookup_overhead.py [--quick] [--calls 500] [--rounds 9]

No target: the ratio says what a lookup costs above the network floor.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import time
import urllib.parse
from collections.abc import Callable, Sequence

import harness
from harness import BenchmarkError, Row
from local_endpoint import EndpointProcess, many_models

NAME = "lookup_overhead"


def per_call(call: Callable[[], object], calls: int) -> Callable[[], float]:
    """A measurement: seconds per call over ``calls`` sequential calls."""

    def measure() -> float:
        started = time.perf_counter()
        for _ in range(calls):
            call()
        return (time.perf_counter() - started) / calls

    return measure


def raw_get(url: str, path: str) -> Callable[[], object]:
    """One keep-alive GET of ``path`` per call, on one connection (as botocore's pool does)."""
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port)

    def call() -> bytes:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise BenchmarkError(f"raw GET {path} answered {response.status}: {body[:200]!r}")
        return body

    return call


def run(quick: bool = False, calls: int | None = None, rounds: int | None = None) -> list[Row]:
    """Seconds per lookup: Resolver and boto3 client against a raw keep-alive GET."""
    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.aws.settings import ClientSettings
    from cleanroomsml_tf.model.identifiers import ModelRef

    calls = calls or (200 if quick else 500)
    rounds = rounds or (3 if quick else 9)
    model = many_models(1)[0]
    arn, collaboration = model["trainedModelArn"], model["collaborationIdentifier"]
    path = (f"/collaborations/{urllib.parse.quote(collaboration, safe='')}/trained-models/"
            f"{urllib.parse.quote(arn, safe='')}")
    with EndpointProcess([model]) as endpoint:
        resolver = Resolver(ClientSettings(endpoint_url=endpoint.url))
        ref = ModelRef(arn, collaboration)
        client = resolver.connection.client
        record = resolver.get_trained_model(ref)
        if record["trained_model_arn"] != arn:
            raise BenchmarkError(f"the endpoint answered another model: {record}")
        samples = harness.interleaved({
            "raw http.client GET": per_call(raw_get(endpoint.url, path), calls),
            "boto3 client call": per_call(lambda: client.get_collaboration_trained_model(
                trainedModelArn=arn, collaborationIdentifier=collaboration), calls),
            "Resolver.get_trained_model": per_call(lambda: resolver.get_trained_model(ref),
                                                   calls),
        }, rounds)
    rows = [Row(NAME, variant, values) for variant, values in samples.items()]
    harness.compare(rows, rows[0])
    for row in rows:
        row.note = f"per call, {calls} calls/run"
    rows[1].note += ", botocore only"
    return rows


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--calls", type=int, help="calls per run (default 500, --quick 200)")
    parser.add_argument("--rounds", type=int, help="runs per variant (default 9, --quick 3)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
