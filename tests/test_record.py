"""The attribute table against the installed botocore, and normalization rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from importlib import resources

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleanroomsml_tf.model import json_schemas, record
from cleanroomsml_tf.model.errors import MalformedDataError, MalformedRecordError
from cleanroomsml_tf.model.service_model import GET_OPERATION, LIST_OPERATION, operation

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
    required = set(shape.required_members)
    ours_required = {a.api_name for a in attributes if a.required}
    assert ours_required - required == set(), f"{where}: required in the table only"
    assert required - ours_required == set(), f"{where}: required in botocore only"
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


def test_list_member_is_the_required_list_of_summaries():
    shape = operation(LIST_OPERATION).output_shape
    assert shape.required_members == [record.LIST_MEMBER]
    assert shape.members[record.LIST_MEMBER].type_name == "list"
    assert set(shape.members) == {record.LIST_MEMBER, "nextToken"}


def test_required_flags_are_where_the_api_requires_members():
    required = {path for path, a in _all_paths(record.TRAINED_MODEL) if a.required}
    assert required == {
        "membershipIdentifier", "collaborationIdentifier", "trainedModelArn", "name", "status",
        "configuredModelAlgorithmAssociationArn", "createTime", "updateTime", "creatorAccountId",
        "incrementalTrainingDataChannels[].channelName",
        "incrementalTrainingDataChannels[].modelName",
        "resourceConfig.instanceType", "resourceConfig.volumeSizeInGB",
    }


def _all_paths(attributes, prefix=""):
    for a in attributes:
        yield prefix + a.api_name, a
        suffix = "[]." if a.kind == "list" else "."
        yield from _all_paths(a.children, prefix + a.api_name + suffix)


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
    jsonschema.validate(got, json_schemas.record_json_schema())


def test_normalize_older_api_response_has_every_attribute_with_nulls():
    got = record.normalize(_example("fraud-scorer"))
    assert list(got) == [a.name for a in record.TRAINED_MODEL]
    assert got["version_identifier"] is None
    assert got["incremental_training_data_channels"] is None
    assert got["training_input_mode"] is None
    assert got["status_details"] is None
    jsonschema.validate(got, json_schemas.record_json_schema())


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
        jsonschema.validate(got, json_schemas.record_json_schema())


def test_attribute_at_walks_dotted_paths():
    assert record.attribute_at("resource_config.volume_size_in_gb").api_name == "volumeSizeInGB"
    assert record.attribute_at("status").kind == "string"
    with pytest.raises(KeyError, match="resource_config.nope"):
        record.attribute_at("resource_config.nope")


def test_get_path():
    got = record.normalize(_example("fraud-scorer"))
    assert record.get_path(got, "resource_config.instance_type") == "ml.c5.2xlarge"
    assert record.get_path(got, "status_details.message") is None


def test_required_flag_mismatch_is_caught_both_ways():
    shape = operation(GET_OPERATION).output_shape
    flipped = tuple(
        dataclasses.replace(a, required=not a.required) if a.api_name in ("name", "description")
        else a for a in record.TRAINED_MODEL)
    with pytest.raises(AssertionError, match="required in the table only"):
        _compare(flipped, shape, "record")
    dropped = tuple(dataclasses.replace(a, required=False) for a in record.TRAINED_MODEL)
    with pytest.raises(AssertionError, match="required in botocore only"):
        _compare(dropped, shape, "record")


def _churn_v2() -> dict:
    return _example("churn-predictor", "a1b2c3d4-0002-4e5f-8a9b-0c1d2e3f4a02")


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"status": None}, "status", "required member status is null"),
        ({"name": 7}, "name", "member name is 7, expected a string"),
        ({"resourceConfig": {"instanceType": "ml.m5.xlarge", "volumeSizeInGB": "30"}},
         "resourceConfig.volumeSizeInGB",
         "member resourceConfig.volumeSizeInGB is '30', expected an integer"),
        ({"resourceConfig": {"instanceType": "ml.m5.xlarge", "volumeSizeInGB": False}},
         "resourceConfig.volumeSizeInGB",
         "member resourceConfig.volumeSizeInGB is False, expected an integer"),
        ({"stoppingCondition": "1h"}, "stoppingCondition",
         "member stoppingCondition is '1h', expected an object"),
        ({"incrementalTrainingDataChannels": [{"channelName": 1, "modelName": "m"}]},
         "incrementalTrainingDataChannels[0].channelName",
         "member incrementalTrainingDataChannels[0].channelName is 1, expected a string"),
        ({"incrementalTrainingDataChannels": "c"}, "incrementalTrainingDataChannels",
         "member incrementalTrainingDataChannels is 'c', expected a list of objects"),
        ({"createTime": "2026-13-45T00:00:00Z"}, "createTime",
         "member createTime is '2026-13-45T00:00:00Z', expected an ISO-8601 timestamp"),
        ({"updateTime": {"epoch": 1}}, "updateTime",
         "member updateTime is {'epoch': 1}, expected an ISO-8601 timestamp"),
    ],
)
def test_normalize_refuses_what_does_not_fit(change, path, message):
    with pytest.raises(MalformedRecordError) as caught:
        record.normalize({**_churn_v2(), **change})
    assert str(caught.value) == message
    assert caught.value.path == path
    assert caught.value.summary == "Malformed response from Clean Rooms ML"


def test_a_missing_required_member_is_named():
    item = _churn_v2()
    del item["creatorAccountId"]
    with pytest.raises(MalformedRecordError, match="^required member creatorAccountId is missing$"):
        record.normalize(item)


def test_what_botocore_hands_over_normalizes():
    # botocore parses timestamps into aware datetimes; JSON's 2.0 is the integer 2.
    item = _churn_v2()
    item["createTime"] = dt.datetime(2026, 10, 15, 14, 0, 0, 250000,
                                     tzinfo=dt.timezone(dt.timedelta(hours=2)))
    item["resourceConfig"] = dict(item["resourceConfig"], volumeSizeInGB=100.0)
    got = record.normalize(item)
    assert got["create_time"] == "2026-10-15T12:00:00.25Z"
    assert got["resource_config"]["volume_size_in_gb"] == 100
    assert type(got["resource_config"]["volume_size_in_gb"]) is int


def test_a_response_that_is_not_an_object_is_refused():
    with pytest.raises(MalformedDataError, match=r"^the response is \['x'\], expected an object$"):
        record.normalize(["x"])  # type: ignore[arg-type]


def test_normalize_page():
    summary = {a.api_name: _churn_v2()[a.api_name] for a in record.TRAINED_MODEL_SUMMARY
               if a.api_name in _churn_v2()}
    summaries, token = record.normalize_page(
        {"collaborationTrainedModels": [summary], "nextToken": "n", "ResponseMetadata": {}})
    assert token == "n"
    assert summaries == [record.normalize_summary(summary)]
    assert record.normalize_page({"collaborationTrainedModels": []}) == ([], None)
    with pytest.raises(MalformedRecordError,
                       match=r"member collaborationTrainedModels\[0\]\.status is 3, expected a"):
        record.normalize_page({"collaborationTrainedModels": [{**summary, "status": 3}]})
    with pytest.raises(MalformedRecordError, match="required member collaborationTrainedModels"):
        record.normalize_page({"nextToken": "n"})
