"""The attribute table against the installed botocore, and normalization rules."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleanroomsml_tf import record
from cleanroomsml_tf.service_model import GET_OPERATION, LIST_OPERATION, operation

_KINDS = {"string": "string", "integer": "number", "timestamp": "timestamp",
          "structure": "object", "list": "list"}


def _snake(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name).lower()


def _compare(attributes: tuple[record.Attribute, ...], shape, where: str) -> None:
    ours = {a.api_name: a for a in attributes}
    theirs = shape.members
    missing = sorted(set(theirs) - set(ours))
    assert not missing, f"{where}: botocore has members the table does not map: {missing}"
    extra = sorted(set(ours) - set(theirs))
    assert not extra, f"{where}: the table maps members botocore does not have: {extra}"
    for api_name, member in theirs.items():
        attribute = ours[api_name]
        assert attribute.name == _snake(api_name).replace("_in_g_b", "_in_gb"), api_name
        assert attribute.kind == _KINDS[member.type_name], f"{where}.{api_name}"
        assert attribute.enum == bool(getattr(member, "enum", None)), f"{where}.{api_name} enum"
        if member.type_name == "structure":
            _compare(attribute.children, member, f"{where}.{api_name}")
        if member.type_name == "list":
            _compare(attribute.children, member.member, f"{where}.{api_name}[]")


def test_table_maps_every_member_of_the_get_output_shape():
    _compare(record.TRAINED_MODEL, operation(GET_OPERATION).output_shape, "record")


def test_summary_table_matches_the_list_output_shape():
    summary = operation(LIST_OPERATION).output_shape.members["collaborationTrainedModels"].member
    _compare(record.TRAINED_MODEL_SUMMARY, summary, "summary")


def test_snake_case_names_from_the_issue():
    assert record.BY_NAME["resource_config"].children[2].name == "volume_size_in_gb"
    paths = dict(record.iter_leaf_paths())
    assert "resource_config.instance_type" in paths
    assert "ml_model_training_payer_account_id" in paths


def _example(name: str, version: str | None = None) -> dict:
    data = json.loads(
        resources.files("cleanroomsml_tf").joinpath("data/example_models.json").read_text()
    )
    for item in data["trainedModels"]:
        if item["name"] == name and (version is None or item.get("versionIdentifier") == version):
            return item
    raise LookupError(name)


def test_normalize_newer_api_response():
    item = _example("churn-predictor", "a1b2c3d4-0002-4e5f-8a9b-0c1d2e3f4a02")
    got = record.normalize(item)
    assert got["resource_config"] == {
        "instance_count": 2, "instance_type": "ml.m5.2xlarge", "volume_size_in_gb": 100}
    assert got["incremental_training_data_channels"] == [{
        "channel_name": "incremental",
        "version_identifier": "a1b2c3d4-0001-4e5f-8a9b-0c1d2e3f4a01",
        "model_name": "churn-predictor"}]
    assert got["training_input_mode"] == "FastFile"
    assert got["create_time"] == "2026-10-15T12:00:00.25Z"
    assert got["status_details"] == {"status_code": "OK", "message": "Training completed"}
    jsonschema.validate(got, record.record_json_schema())


def test_normalize_older_api_response_has_every_attribute_with_nulls():
    got = record.normalize(_example("fraud-scorer"))
    assert list(got) == [a.name for a in record.TRAINED_MODEL]
    assert got["version_identifier"] is None
    assert got["incremental_training_data_channels"] is None
    assert got["training_input_mode"] is None
    assert got["status_details"] is None
    jsonschema.validate(got, record.record_json_schema())


def test_unknown_enum_values_pass_through():
    item = dict(_example("fraud-scorer"), status="QUANTUM_PENDING", trainingInputMode="Stream")
    item["resourceConfig"] = dict(item["resourceConfig"], instanceType="ml.z9.mega")
    got = record.normalize(item)
    assert (got["status"], got["training_input_mode"]) == ("QUANTUM_PENDING", "Stream")
    assert got["resource_config"]["instance_type"] == "ml.z9.mega"


def test_normalize_drops_response_metadata_and_unknown_members():
    item = dict(_example("fraud-scorer"), ResponseMetadata={"RequestId": "x"}, brandNew=1)
    assert set(record.normalize(item)) == {a.name for a in record.TRAINED_MODEL}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "2026-01-02T03:04:05Z"),
        (dt.datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=dt.UTC), "2026-01-02T03:04:05.12Z"),
        (dt.datetime(2026, 1, 2, 5, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))),
         "2026-01-02T03:04:05Z"),
        (dt.datetime(2026, 1, 2, 3, 4, 5), "2026-01-02T03:04:05Z"),
        ("2026-01-02T03:04:05+00:00", "2026-01-02T03:04:05Z"),
        ("2026-01-02T03:04:05.500Z", "2026-01-02T03:04:05.5Z"),
    ],
)
def test_timestamps_are_rfc3339_utc_with_z(value, expected):
    assert record.format_timestamp(value) == expected


@given(st.datetimes(timezones=st.timezones()))
def test_timestamp_round_trips_to_the_same_instant(value):
    text = record.format_timestamp(value)
    assert text.endswith("Z")
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert parsed == value.astimezone(dt.UTC)


def test_record_schema_rejects_a_missing_attribute():
    got = record.normalize(_example("fraud-scorer"))
    del got["status"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(got, record.record_json_schema())


def test_attribute_at_walks_dotted_paths():
    assert record.attribute_at("resource_config.volume_size_in_gb").api_name == "volumeSizeInGB"
    assert record.attribute_at("status").kind == "string"
    with pytest.raises(KeyError, match="resource_config.nope"):
        record.attribute_at("resource_config.nope")


def test_get_path():
    got = record.normalize(_example("fraud-scorer"))
    assert record.get_path(got, "resource_config.instance_type") == "ml.c5.2xlarge"
    assert record.get_path(got, "status_details.message") is None
