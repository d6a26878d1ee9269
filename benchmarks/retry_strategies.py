"""Retry strategies under the reliability suite's faults (the decision in docs/architecture.md).

    python benchmarks/retry_strategies.py STRATEGY [--entries N]

STRATEGY: policy (ours: botocore total_max_attempts=1 + RetryPolicy on needs-retry),
legacy (botocore legacy mode, 10 tries, no hook), standard (botocore standard mode, 10 tries,
no hook: its retry quota applies). The deadline's before-send refusal stays in all three.
"""
from __future__ import annotations

import copy
import socket
import sys
import time

import botocore.config

from cleanroomsml_tf.aws import retries
from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.drift.check import check_drift
from cleanroomsml_tf.emulator import Emulator, example_models
from cleanroomsml_tf.lockfile.model import LockFile, new_entry
from cleanroomsml_tf.model.identifiers import ModelRef

STRATEGY = sys.argv[1]
ENTRIES = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--entries" else 1000

TRIES = {"n": 10}  # botocore's total_max_attempts for the legacy/standard strategies

if STRATEGY != "policy":
    retries.register_retry_policy = lambda *a, **k: None  # type: ignore[assignment]
    real = botocore.config.Config

    class Config(real):  # type: ignore[misc,valid-type]
        def __init__(self, *args, **kwargs):
            kwargs["retries"] = {"mode": STRATEGY, "total_max_attempts": TRIES["n"]}
            super().__init__(*args, **kwargs)

    botocore.config.Config = Config  # connection._build imports it at call time


def models(n):
    template = example_models()[0]
    out = []
    for i in range(n):
        m = copy.deepcopy(template)
        m["trainedModelArn"] = template["trainedModelArn"].rsplit("/", 1)[0] + f"/rel-{i:04d}"
        m["name"] = f"rel-{i:04d}"
        m["versionIdentifier"] = f"a1b2c3d4-{i:04d}-4e5f-8a9b-0c1d2e3f4a01"
        out.append(m)
    return out


def ref(m):
    return ModelRef(m["trainedModelArn"], m["collaborationIdentifier"])


def run(label, fn):
    started = time.monotonic()
    try:
        result = fn()
    except Exception as error:  # noqa: BLE001
        result = f"{type(error).__name__}: {str(error)[:90]}"
    print(f"{STRATEGY:8} {label:34} {time.monotonic() - started:7.2f} s  {result}", flush=True)


ms = models(ENTRIES)
server = Emulator(ms, seed=6).start()
lock = LockFile("x.json")
base = Resolver(ClientSettings(endpoint_url=server.url))
for m in ms:
    lock.put(new_entry(ref(m), base.get_trained_model(ref(m))))
server.set_faults(throttle_rate=0.3, error_rate=0.05)
server.reset_request_count()


def drift():
    settings = ClientSettings(endpoint_url=server.url, max_pool_connections=64)
    report = check_drift(lock, settings=settings, concurrency=64)
    f = server.injected_faults
    lost = len(report.by_outcome("unchecked"))
    return (f"lost {lost}/{ENTRIES}, requests {server.request_count}, "
            f"throttled {f.throttled}, failed {f.failed}")


run(f"drift {ENTRIES} @30% thr + 5% err", drift)
server.stop()

always = Emulator(ms[:1], throttle_rate=1.0, seed=6).start()


def throttled(max_attempts=3, deadline=None):
    r = Resolver(ClientSettings(endpoint_url=always.url, max_attempts=max_attempts,
                                deadline=deadline))
    _ = r.connection  # built before the clock starts

    def call():
        always.reset_request_count()
        try:
            r.get_trained_model(ref(ms[0]))
        except Exception as error:  # noqa: BLE001
            return f"{always.request_count} requests; {type(error).__name__}"
        return "succeeded?!"
    return call


TRIES["n"] = 3
run("always throttled, max_attempts=3", throttled())
TRIES["n"] = 10
for i in range(3):
    run(f"always throttled, deadline 1.5 s #{i + 1}", throttled(10, 1.5))
always.stop()

hung = Emulator(ms[:1], latency_ms=60_000).start()


hung_resolver = Resolver(ClientSettings(endpoint_url=hung.url, deadline=1.0))
_ = hung_resolver.connection


def hung_call():
    r = hung_resolver
    try:
        r.get_trained_model(ref(ms[0]))
    except Exception as error:  # noqa: BLE001
        return f"{hung.request_count} requests; {type(error).__name__}"


run("hung endpoint, deadline 1.0 s", hung_call)
hung.stop()

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]


sent: list[int] = []
refused_resolver = Resolver(ClientSettings(endpoint_url=f"http://127.0.0.1:{port}"))
refused_resolver.connection.client.meta.events.register(
    "before-send.cleanroomsml", lambda **_: sent.append(1))


def refused():
    r = refused_resolver
    try:
        r.get_trained_model(ref(ms[0]))
    except Exception as error:  # noqa: BLE001
        return f"{len(sent)} attempts; {type(error).__name__}"


run("refused port (default 10 tries)", refused)
