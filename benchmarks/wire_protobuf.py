"""The plugin's own proto3 codec (``plugin/wire/protobuf.py``) against protobuf's upb runtime.

Import cost per plugin launch: ``python -I -c`` importing the codec and its tfplugin6 table,
against importing ``google.protobuf`` and ``tf.gen.tfplugin_pb2`` (what the plugin imported before),
both beside ``python -I -c pass``, interleaved. Then per-message speed, in process: encoding the
plugin's GetProviderSchema response (once per launch) and decoding a ReadDataSource request and
encoding its response (once per data source), ours against upb's ``SerializeToString`` /
``FromString`` of the same message.

    python benchmarks/wire_protobuf.py [--quick] [-n 20]

Target: the codec's import adds at most a fifth of what the protobuf runtime's adds
(``(ours - python) / (protobuf - python) <= 0.2``). The per-message rows have no target: they
show what the codec costs where upb was (microseconds per launch, against the tens of
milliseconds its import cost).
"""

from __future__ import annotations

import argparse
import py_compile
import sys
import time
from collections.abc import Callable, Sequence

import harness
from harness import Row

NAME = "wire_protobuf"
TARGET_IMPORT_FRACTION = 0.2

IMPORT_OURS = "import cleanroomsml_tf.plugin.wire.protobuf, cleanroomsml_tf.plugin.wire.tfplugin6"
IMPORT_UPB = "import google.protobuf, tf.gen.tfplugin_pb2"


def _per_call(function: Callable[[], object], calls: int) -> Callable[[], float]:
    """A sample: seconds per call, over a batch of ``calls`` calls."""
    def sample() -> float:
        started = time.perf_counter()
        for _ in range(calls):
            function()
        return (time.perf_counter() - started) / calls
    return sample


def import_rows(rounds: int) -> list[Row]:
    # Bytecode as an installed package has it (pip compiles on install; PYTHONDONTWRITEBYTECODE
    # in a developer's shell would otherwise leave a stale .pyc and time the compiler).
    from cleanroomsml_tf.plugin.wire import protobuf, tfplugin6

    for module in (protobuf, tfplugin6):
        py_compile.compile(module.__file__ or "", doraise=True)
    command = [sys.executable, "-I", "-c"]
    samples = harness.interleaved({
        "python -I -c pass": lambda: harness.time_command([*command, "pass"]),
        "import protobuf + tfplugin_pb2": lambda: harness.time_command([*command, IMPORT_UPB]),
        "import wire.protobuf + tfplugin6": lambda: harness.time_command([*command, IMPORT_OURS]),
    }, rounds)
    python, upb, ours = (Row(NAME, variant, values) for variant, values in samples.items())
    harness.compare([python, upb, ours], python)
    added_upb = (upb.median or 0.0) - (python.median or 0.0)
    added_ours = (ours.median or 0.0) - (python.median or 0.0)
    fraction = added_ours / added_upb if added_upb > 0 else float("inf")
    harness.check_target(ours, f"adds <= {TARGET_IMPORT_FRACTION:g} x protobuf's import",
                         fraction <= TARGET_IMPORT_FRACTION)
    ours.note = (f"adds {added_ours * 1e3:.1f} ms over python, protobuf adds "
                 f"{added_upb * 1e3:.1f} ms ({fraction:.2f}x)")
    return [python, upb, ours]


def message_rows(rounds: int) -> list[Row]:
    from tf.gen import tfplugin_pb2 as pb

    from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider
    from cleanroomsml_tf.plugin.servicer import ProviderServicer
    from cleanroomsml_tf.plugin.wire import protobuf

    schema_dict = ProviderServicer(CleanroomsmlProvider()).GetProviderSchema({})
    schema = pb.GetProviderSchema.Response.FromString(
        protobuf.encode("GetProviderSchema.Response", schema_dict))
    config = (b"\x83\xb1trained_model_arn\xd9\x7c" + b"a" * 124
              + b"\xa4name\xc0\xb0allowed_statuses\xc0")
    request = pb.ReadDataSource.Request(
        type_name="cleanroomsml_collaboration_trained_model",
        config=pb.DynamicValue(msgpack=config), provider_meta=pb.DynamicValue(msgpack=b"\xc0"))
    request_bytes = request.SerializeToString()
    state = config * 12  # a read's state: the record, about 2 KB of msgpack
    rows: list[Row] = []
    cases = [
        ("GetProviderSchema.Response encode", 200,
         lambda: schema.SerializeToString(),
         lambda: protobuf.encode("GetProviderSchema.Response", schema_dict)),
        ("ReadDataSource.Request decode", 5000,
         lambda: pb.ReadDataSource.Request.FromString(request_bytes),
         lambda: protobuf.decode("ReadDataSource.Request", request_bytes)),
        ("ReadDataSource.Response encode", 5000,
         lambda: pb.ReadDataSource.Response(state=pb.DynamicValue(msgpack=state))
         .SerializeToString(),
         lambda: protobuf.encode("ReadDataSource.Response", {"state": {"msgpack": state}})),
    ]
    for label, calls, upb_call, our_call in cases:
        samples = harness.interleaved({
            f"{label}: upb": _per_call(upb_call, calls),
            f"{label}: wire.protobuf": _per_call(our_call, calls),
        }, rounds)
        upb, ours = (Row(NAME, variant, values) for variant, values in samples.items())
        harness.compare([upb, ours], upb)
        ours.note = "per message, in process"
        rows += [upb, ours]
    return rows


def run(quick: bool = False, n: int | None = None) -> list[Row]:
    """Import cost and per-message speed, ours against the protobuf runtime."""
    rounds = n or (7 if quick else 20)
    return import_rows(rounds) + message_rows(rounds)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", type=int, help="rounds per variant (default 20, --quick 7)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run this benchmark alone and print its table."""
    return harness.standalone(__doc__, run, argv, _options)


if __name__ == "__main__":
    sys.exit(main())
