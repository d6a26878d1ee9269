"""Protocol-level tests: the object type on the wire, the generated schema, and the RPC handlers
driven directly with real protobuf/msgpack messages (no Terraform, no mocks)."""

from __future__ import annotations

import json

import msgpack
import pytest
from tf.gen import tfplugin_pb2 as pb

from cleanroomsml_tf.aws.settings import AssumeRole, ClientSettings
from cleanroomsml_tf.model import record
from cleanroomsml_tf.plugin.config import settings_from_config
from cleanroomsml_tf.plugin.schema import tf_type
from cleanroomsml_tf.plugin.servicer import error_response
from cleanroomsml_tf.plugin.types import List, Number, Object, String
from cleanroomsml_tf.plugin.values import Unknown
from tests.support.example_ids import CHURN, COLLABORATION
from tests.support.pb_servicer import pb_servicer, read_dynamic_value, to_dynamic_value

MODEL = "cleanroomsml_collaboration_trained_model"
MODELS = "cleanroomsml_collaboration_trained_models"

CHANNEL = Object({"channel_name": String(), "size": Number()})
NESTED = Object({"name": String(), "inner": Object({"n": Number()}), "items": List(CHANNEL)})


def roundtrip(value):
    """Through the exact msgpack path the framework uses for DynamicValue."""
    return read_dynamic_value(to_dynamic_value(value))


def test_object_type_string_is_cty_json() -> None:
    assert json.loads(NESTED.tf_type()) == [
        "object",
        {"name": "string", "inner": ["object", {"n": "number"}],
         "items": ["list", ["object", {"channel_name": "string", "size": "number"}]]},
    ]


def test_object_encode_fills_absent_members_with_null() -> None:
    encoded = NESTED.encode({"name": "x", "items": [{"channel_name": "c"}]})
    assert encoded == {"name": "x", "inner": None,
                       "items": [{"channel_name": "c", "size": None}]}
    assert roundtrip(encoded) == encoded


def test_nulls_and_unknowns_pass_through() -> None:
    from cleanroomsml_tf.plugin.types import encode

    assert encode(NESTED, None) is None and encode(NESTED, Unknown) is Unknown
    value = {"name": Unknown, "inner": {"n": 3}, "items": None}
    wire = msgpack.packb({"v": NESTED.encode(value)}, default=lambda o: msgpack.ExtType(0, b"\0"))
    assert roundtrip_bytes(wire)["v"] == value
    assert List(CHANNEL).encode([]) == []


def roundtrip_bytes(wire: bytes):
    return read_dynamic_value(pb.DynamicValue(msgpack=wire))


def test_object_rejects_unknown_members() -> None:
    with pytest.raises(ValueError, match="unsupported object attribute"):
        CHANNEL.encode({"channel_name": "c", "bogus": 1})


def test_record_kinds_map_to_terraform_types() -> None:
    by_name = {a.name: json.loads(tf_type(a).tf_type()) for a in record.TRAINED_MODEL}
    assert by_name["resource_config"][0] == "object"
    assert by_name["resource_config"][1]["volume_size_in_gb"] == "number"
    assert by_name["incremental_training_data_channels"][0] == "list"
    assert by_name["incremental_training_data_channels"][1][0] == "object"
    assert by_name["create_time"] == "string"
    for attribute in record.TRAINED_MODEL:
        if attribute.kind == "number":
            assert by_name[attribute.name] == "number"


def test_settings_from_config_maps_every_argument() -> None:
    config = {
        "region": "eu-west-1", "profile": "p", "endpoint": "http://127.0.0.1:9",
        "shared_config_files": ["~/c"], "shared_credentials_files": ["~/k"],
        "max_attempts": 4, "retry_mode": "adaptive",
        "assume_role": {"role_arn": "arn:aws:iam::1:role/r", "session_name": None,
                        "external_id": "x"},
    }
    assert settings_from_config(config) == ClientSettings(
        region="eu-west-1", profile="p", endpoint_url="http://127.0.0.1:9",
        shared_config_files=("~/c",), shared_credentials_files=("~/k",), max_attempts=4,
        retry_mode="adaptive", assume_role=AssumeRole("arn:aws:iam::1:role/r", None, "x"),
    )
    unset = dict.fromkeys(config)
    assert settings_from_config(unset) == ClientSettings()
    assert settings_from_config({"region": Unknown}) == ClientSettings()


@pytest.fixture
def servicer():
    return pb_servicer()


def config_value(schema_type: str, values: dict) -> pb.DynamicValue:
    """A config DynamicValue as Terraform sends it: every schema attribute present."""
    from cleanroomsml_tf.plugin.data_sources.trained_model import TrainedModelDataSource
    from cleanroomsml_tf.plugin.data_sources.trained_models import TrainedModelsDataSource

    klass = TrainedModelDataSource if schema_type == MODEL else TrainedModelsDataSource
    full = {a.name: None for a in klass.get_schema().attributes}
    full.update(values)
    return to_dynamic_value(full)


def errors(response) -> list[tuple[str, str, list[str]]]:
    return [
        (d.summary, d.detail, [s.attribute_name for s in d.attribute.steps])
        for d in response.diagnostics if d.severity == pb.Diagnostic.ERROR
    ]


def test_validate_attaches_diagnostics_to_attributes(servicer) -> None:
    request = pb.ValidateDataResourceConfig.Request(type_name=MODEL, config=config_value(
        MODEL, {"trained_model_arn": "nope", "collaboration_identifier": "BAD",
                "version_identifier": Unknown}))
    found = errors(servicer.ValidateDataResourceConfig(request, None))
    assert [(s, p) for s, _, p in found] == [
        ("Invalid input", ["trained_model_arn"]), ("Invalid input", ["collaboration_identifier"])]
    assert "invalid trained_model_arn 'nope'" in found[0][1]

    unknown = pb.ValidateDataResourceConfig.Request(type_name=MODEL, config=config_value(
        MODEL, {"trained_model_arn": Unknown, "collaboration_identifier": COLLABORATION}))
    assert errors(servicer.ValidateDataResourceConfig(unknown, None)) == []

    regex = pb.ValidateDataResourceConfig.Request(type_name=MODELS, config=config_value(
        MODELS, {"collaboration_identifier": COLLABORATION, "name_regex": "("}))
    assert [p for _, _, p in errors(servicer.ValidateDataResourceConfig(regex, None))] == [
        ["name_regex"]]


def test_provider_settings_errors_become_diagnostics(servicer) -> None:
    request = pb.ConfigureProvider.Request(config=to_dynamic_value(
        {"retry_mode": "sometimes", "shared_config_files": None, "assume_role": None}))
    found = errors(servicer.ConfigureProvider(request, None))
    assert found and found[0][0] == "Invalid configuration"
    assert "retry_mode" in found[0][1]
    validate = pb.ValidateProviderConfig.Request(config=to_dynamic_value({"max_attempts": 0}))
    assert "max_attempts" in errors(servicer.ValidateProviderConfig(validate, None))[0][1]


def test_unexpected_failures_are_diagnostics_not_exceptions(servicer) -> None:
    unknown_type = servicer.ReadDataSource(
        pb.ReadDataSource.Request(type_name="cleanroomsml_nope"), None)
    assert [(s, p) for s, _, p in errors(unknown_type)] == [("Unknown data source", [])]
    # Bytes that are not msgpack (0xc1 is never used): decoding fails, the guard answers.
    garbage = pb.ValidateDataResourceConfig.Request(
        type_name=MODEL, config=pb.DynamicValue(msgpack=b"\xc1"))
    (summary, detail, _), = errors(servicer.ValidateDataResourceConfig(garbage, None))
    assert summary == "Internal error in the cleanroomsml provider"
    assert "in ValidateDataResourceConfig" in detail
    stop = error_response("StopProvider", "s", "d")
    assert stop == {"Error": "s: d"}
    call = error_response("CallFunction", "s", "d")
    assert call == {"error": {"text": "s: d"}}


def test_read_data_source_over_the_wire(servicer, emulator) -> None:
    configure = pb.ConfigureProvider.Request(config=to_dynamic_value({"endpoint": emulator.url}))
    assert errors(servicer.ConfigureProvider(configure, None)) == []
    request = pb.ReadDataSource.Request(type_name=MODEL, config=config_value(
        MODEL, {"trained_model_arn": CHURN, "collaboration_identifier": COLLABORATION}))
    response = servicer.ReadDataSource(request, None)
    assert errors(response) == []
    state = msgpack.unpackb(response.state.msgpack)
    assert set(state) == {a.name for a in record.TRAINED_MODEL} | {"allowed_statuses", "id"}
    assert state["resource_config"] == {"instance_count": 2, "instance_type": "ml.m5.2xlarge",
                                        "volume_size_in_gb": 100}
    assert state["incremental_training_data_channels"][0]["channel_name"] == "incremental"

    gated = pb.ReadDataSource.Request(type_name=MODEL, config=config_value(
        MODEL, {"trained_model_arn": CHURN, "collaboration_identifier": COLLABORATION,
                "allowed_statuses": ["CREATE_FAILED"]}))
    (summary, detail, _), = errors(servicer.ReadDataSource(gated, None))
    assert summary == "Trained model status not allowed" and CHURN in detail

    listing = pb.ReadDataSource.Request(type_name=MODELS, config=config_value(
        MODELS, {"collaboration_identifier": COLLABORATION, "statuses": ["CREATE_IN_PROGRESS"]}))
    state = msgpack.unpackb(servicer.ReadDataSource(listing, None).state.msgpack)
    assert [m["name"] for m in state["trained_models"]] == ["ltv-regressor"]
    assert state["id"] == COLLABORATION


@pytest.mark.parametrize(
    ("faults", "summary"),
    [({"access_denied": [CHURN]}, "Access denied"),
     ({"throttle_rate": 1.0}, "Throttled")],
    ids=["access-denied", "throttled"],
)
def test_service_failures_name_the_model(servicer, make_emulator, faults, summary) -> None:
    em = make_emulator(**faults)
    configure = pb.ConfigureProvider.Request(config=to_dynamic_value(
        {"endpoint": em.url, "max_attempts": 2}))
    assert errors(servicer.ConfigureProvider(configure, None)) == []
    request = pb.ReadDataSource.Request(type_name=MODEL, config=config_value(
        MODEL, {"trained_model_arn": CHURN, "collaboration_identifier": COLLABORATION}))
    (got, detail, _), = errors(servicer.ReadDataSource(request, None))
    assert got == summary
    assert CHURN in detail and COLLABORATION in detail


def test_service_text_with_a_lone_surrogate_is_still_a_diagnostic(servicer, monkeypatch) -> None:
    """Text quoting the service may hold a lone surrogate (JSON allows "\\ud800"); UTF-8 and so
    protobuf cannot carry one: it arrives as U+FFFD in the diagnostic, never as a gRPC error."""
    from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider

    def validate_config(self, diags, config) -> None:
        diags.add_error("Model not found", "no model named 'churn\ud800' here",
                        path=["assume_role", ("k\udfff",)])

    monkeypatch.setattr(CleanroomsmlProvider, "validate_config", validate_config)
    response = servicer.ValidateProviderConfig(
        pb.ValidateProviderConfig.Request(config=to_dynamic_value({})), None)
    (diagnostic,) = response.diagnostics
    assert diagnostic.detail == "no model named 'churn\ufffd' here"
    assert diagnostic.attribute.steps[1].element_key_string == "k\ufffd"
