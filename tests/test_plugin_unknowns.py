"""Unknown values on the wire, as Terraform sends them: plain (msgpack ext 0), refined (ext 12,
Terraform >= 1.6), other extension codes, nested inside objects, lists and maps.

The msgpack here is crafted byte for byte the way Terraform encodes it, then driven through the
plugin's servicer with real protobuf messages: every unknown is "not known yet" (no error, checked
at read time), except a refined string whose known prefix can never become a valid identifier.
"""

from __future__ import annotations

import re

import msgpack
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tf.gen import tfplugin_pb2 as pb

from cleanroomsml_tf.model.service_model import input_constraints
from cleanroomsml_tf.plugin import values
from cleanroomsml_tf.plugin.values import Unknown
from tests.support.example_ids import ACCOUNT, CHURN, COLLABORATION, MEMBERSHIP
from tests.support.pb_servicer import PbServicer, pb_servicer

MODEL = "cleanroomsml_collaboration_trained_model"
MODELS = "cleanroomsml_collaboration_trained_models"
ARN_PATTERN = input_constraints()["trainedModelArn"]["pattern"]
UUID_PATTERN = input_constraints()["collaborationIdentifier"]["pattern"]


def plain_unknown() -> msgpack.ExtType:
    return msgpack.ExtType(0, b"\x00")


def refined(**refinements: object) -> msgpack.ExtType:
    """A refined unknown: extension 12 whose payload is the msgpack map of refinements."""
    keys = {"nullness": 1, "prefix": 2, "lower": 3, "upper": 4, "min_len": 5, "max_len": 6}
    payload = msgpack.packb({keys[k]: v for k, v in refinements.items()})
    return msgpack.ExtType(12, payload)


def dynamic(value: object) -> pb.DynamicValue:
    return pb.DynamicValue(msgpack=msgpack.packb(value))


def model_config(**values_: object) -> pb.DynamicValue:
    """A whole config object for the one-model data source, every attribute present."""
    from cleanroomsml_tf.plugin.data_sources.trained_model import TrainedModelDataSource

    full: dict[str, object] = {a.name: None for a in TrainedModelDataSource.get_schema().attributes}
    full.update(values_)
    return dynamic(full)


@pytest.fixture
def servicer() -> PbServicer:
    return pb_servicer()


def validate(servicer: PbServicer, type_name: str, config: pb.DynamicValue) -> list:
    response = servicer.ValidateDataResourceConfig(
        pb.ValidateDataResourceConfig.Request(type_name=type_name, config=config), None)
    return [(d.summary, d.detail, [s.attribute_name for s in d.attribute.steps])
            for d in response.diagnostics]


# --- decoding --------------------------------------------------------------------------------
def test_every_extension_code_is_unknown_wherever_it_sits() -> None:
    wire = msgpack.packb({
        "plain": plain_unknown(),
        "refined": refined(prefix="arn:aws:", nullness=False),
        "future": msgpack.ExtType(7, b"whatever"),
        "object": {"role_arn": refined(prefix="arn:"), "session": None},
        "list": ["ACTIVE", refined(nullness=False), plain_unknown()],
        "map": {"k": refined(prefix="x")},
        "known": "value",
    })
    decoded = values.decode_msgpack(wire)
    assert decoded.value == {
        "plain": Unknown, "refined": Unknown, "future": Unknown,
        "object": {"role_arn": Unknown, "session": None},
        "list": ["ACTIVE", Unknown, Unknown],
        "map": {"k": Unknown},
        "known": "value",
    }
    assert decoded.value["refined"] is Unknown and decoded.value["list"][1] is Unknown
    assert decoded.refinements == {
        ("refined",): values.Refinement(not_null=True, string_prefix="arn:aws:"),
        ("object", "role_arn"): values.Refinement(string_prefix="arn:"),
        ("list", 1): values.Refinement(not_null=True),
        ("map", "k"): values.Refinement(string_prefix="x"),
    }


def test_a_value_without_unknowns_decodes_as_msgpack_reads_it() -> None:
    known = {"a": [1, None, {"b": "c", "d": [True, 2.5]}], "e": {"f": []}, "g": "h"}
    decoded = values.decode_msgpack(msgpack.packb(known))
    assert decoded.value == known and decoded.refinements == {}
    # One unknown anywhere still makes every level a resolved copy (no marker left over).
    decoded = values.decode_msgpack(msgpack.packb({**known, "u": [{"v": plain_unknown()}]}))
    assert decoded.value == {**known, "u": [{"v": Unknown}]}
    assert decoded.value["u"][0]["v"] is Unknown


def test_refinement_payload_fields() -> None:
    payload = msgpack.packb({1: False, 3: [1.5, True], 4: [10, False], 5: 1, 6: 3, 99: "new"})
    assert values.parse_refinement(payload) == values.Refinement(
        not_null=True, number_lower=(1.5, True), number_upper=(10, False),
        length_lower=1, length_upper=3)
    # Terraform never sends these, but a payload that is not a map must not break decoding.
    assert values.parse_refinement(b"\xc1") == values.Refinement()
    assert values.parse_refinement(msgpack.packb([1, 2])) == values.Refinement()
    assert values.parse_refinement(msgpack.packb({2: 5, 5: True})) == values.Refinement()


def test_json_dynamic_values_and_empty_ones() -> None:
    assert values.decode({"json": b'{"a": [1, null]}'}).value == {"a": [1, None]}
    assert values.decode({}).value is None


def test_encoding_writes_plain_unknowns() -> None:
    wire = values.encode_msgpack({"a": Unknown, "b": [Unknown, 1]})
    raw = msgpack.unpackb(wire, ext_hook=lambda code, data: (code, data))
    assert raw == {"a": (0, b"\x00"), "b": [(0, b"\x00"), 1]}
    with pytest.raises(TypeError, match="cannot encode"):
        values.encode_msgpack({"a": object()})


# --- validation at plan/validate time ---------------------------------------------------------
@pytest.mark.parametrize("prefix", [
    "arn:aws:cleanrooms-ml:",  # "arn:aws:cleanrooms-ml:${var.region}:..."
    "arn:aws",
    "arn:aws-us-gov:cleanrooms-ml:us-gov-west-1:",
    f"arn:aws:cleanrooms-ml:us-east-1:{ACCOUNT}:membership/",
    f"arn:aws:cleanrooms-ml:us-east-1:{ACCOUNT}:membership/{MEMBERSHIP}/trained-model/",
    CHURN,  # the whole value known as a prefix: it may still grow ("...${var.suffix}")
    "a",
])
def test_refined_unknown_with_a_possible_prefix_is_silent(servicer, prefix) -> None:
    config = model_config(trained_model_arn=refined(prefix=prefix, nullness=False),
                          collaboration_identifier=COLLABORATION)
    assert validate(servicer, MODEL, config) == []


@pytest.mark.parametrize("prefix", [
    "arm:aws:cleanrooms-ml:",
    "arn:aws:cleanrooms:",
    "arn:aws:s3:::bucket/",
    "ARN:aws",
    f"arn:aws:cleanrooms-ml:us-east-1:{ACCOUNT}0:",  # 13-digit account
    f"arn:aws:cleanrooms-ml:us-east-1:{ACCOUNT}:model/",
    f"arn:aws:cleanrooms-ml:us-east-1:{ACCOUNT}:membership/{MEMBERSHIP.upper()}",
    "arn:aws:cleanrooms-ml:" + "x" * 3000,  # longer than the 2048 characters allowed
])
def test_refined_unknown_that_can_never_match_is_an_error_on_its_attribute(
    servicer, prefix
) -> None:
    config = model_config(trained_model_arn=refined(prefix=prefix),
                          collaboration_identifier=COLLABORATION)
    (summary, detail, path), = validate(servicer, MODEL, config)
    assert (summary, path) == ("Invalid input", ["trained_model_arn"])
    assert f"starts with {prefix!r}" in detail
    assert "arn:aws:cleanrooms-ml:REGION:ACCOUNT:membership/UUID/trained-model/ID" in detail


def test_plain_and_nested_unknowns_are_never_errors(servicer) -> None:
    config = model_config(
        trained_model_arn=plain_unknown(),
        collaboration_identifier=refined(nullness=False),
        version_identifier=msgpack.ExtType(9, b""),
        allowed_statuses=["ACTIVE", refined(prefix="ACT")],
    )
    assert validate(servicer, MODEL, config) == []
    unknown_list = model_config(trained_model_arn=CHURN, collaboration_identifier=COLLABORATION,
                                allowed_statuses=refined(min_len=1))
    assert validate(servicer, MODEL, unknown_list) == []


def test_other_identifiers_get_the_same_prefix_check(servicer) -> None:
    good = model_config(trained_model_arn=CHURN, collaboration_identifier=refined(prefix="0f3a"))
    assert validate(servicer, MODEL, good) == []
    bad = model_config(trained_model_arn=CHURN, version_identifier=refined(prefix="V1-"),
                       collaboration_identifier=COLLABORATION)
    assert [p for _, _, p in validate(servicer, MODEL, bad)] == [["version_identifier"]]
    listing = dynamic({"collaboration_identifier": refined(prefix="Not-A-Uuid"),
                       "statuses": None, "name_regex": None, "trained_models": None, "id": None})
    assert [p for _, _, p in validate(servicer, MODELS, listing)] == [
        ["collaboration_identifier"]]


def test_provider_config_with_unknowns_validates(servicer) -> None:
    config = dynamic({
        "region": refined(prefix="eu-"), "profile": None, "endpoint": plain_unknown(),
        "shared_config_files": None, "shared_credentials_files": None, "max_attempts": None,
        "retry_mode": None, "timeout": refined(lower=[1, True]), "insecure": None,
        "assume_role": {"role_arn": refined(prefix="arn:aws:iam::"), "session_name": None,
                        "external_id": None},
    })
    response = servicer.ValidateProviderConfig(
        pb.ValidateProviderConfig.Request(config=config), None)
    assert list(response.diagnostics) == []


# --- the prefix matcher against the service model's own regex ---------------------------------
def test_every_prefix_of_a_valid_value_can_start_a_match() -> None:
    from cleanroomsml_tf.model.patterns import can_start_match

    for pattern, value in ((ARN_PATTERN, CHURN), (UUID_PATTERN, COLLABORATION)):
        assert re.fullmatch(pattern, value)
        for end in range(len(value) + 1):
            assert can_start_match(pattern, value[:end]), value[:end]


@given(st.text(alphabet="arnws:-cleoms0123456789abcdef/tidxyz.", max_size=60))
def test_a_rejected_prefix_really_cannot_match(text: str) -> None:
    """Whenever the matcher says "never", no completion from a generous alphabet matches: the
    string itself, and it plus a valid tail, fail botocore's pattern."""
    from cleanroomsml_tf.model.patterns import can_start_match

    if can_start_match(ARN_PATTERN, text):
        return
    assert not re.fullmatch(ARN_PATTERN, text)
    for tail in ("", "x", "/trained-model/id", ":" + CHURN):
        assert not re.fullmatch(ARN_PATTERN, text + tail)
    # Monotone: once a prefix fails, every longer string fails too.
    assert not can_start_match(ARN_PATTERN, text + "-")


@given(st.from_regex(ARN_PATTERN, fullmatch=True))
def test_prefixes_of_generated_valid_arns_are_accepted(arn: str) -> None:
    from cleanroomsml_tf.model.patterns import can_start_match

    for end in range(0, len(arn) + 1, 7):
        assert can_start_match(ARN_PATTERN, arn[:end])


def test_patterns_outside_the_subset_answer_maybe() -> None:
    from cleanroomsml_tf.model.patterns import can_start_match

    assert can_start_match("(a|b)c", "zzz")
    assert can_start_match(r"\d+", "x")
    assert not can_start_match("a{2}b", "aaa")
    assert can_start_match("a{2,}b", "aaaa")
    assert can_start_match("[^a]", "a")  # negated classes: cannot tell, so "maybe"
