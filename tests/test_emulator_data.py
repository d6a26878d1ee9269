"""Emulator data: the generated schema, data file validation and its messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cleanroomsml_tf.emulator import Emulator, EmulatorDataError, example_models, load_data_file
from cleanroomsml_tf.model.errors import CleanroomsmlTfError
from cleanroomsml_tf.model.json_schemas import EMULATOR_DATA, data_json_schema, render, source_path
from cleanroomsml_tf.model.json_schemas import load as _load
from cleanroomsml_tf.model.json_schemas import text as _text
from cleanroomsml_tf.model.record import TRAINED_MODEL


def shipped_schema_text() -> str:
    return _text(EMULATOR_DATA)


def shipped_schema() -> dict:
    return _load(EMULATOR_DATA)


def test_shipped_schema_is_the_generated_one() -> None:
    assert shipped_schema_text() == render(data_json_schema()), (
        "regenerate: python scripts/regenerate_schemas.py"
    )
    assert source_path(EMULATOR_DATA).read_text() == shipped_schema_text()


def test_schema_follows_the_table_and_botocore_required_members() -> None:
    from cleanroomsml_tf.model.service_model import GET_OPERATION, operation

    item = shipped_schema()["$defs"]["trainedModel"]
    assert list(item["properties"]) == [a.api_name for a in TRAINED_MODEL]
    shape = operation(GET_OPERATION).output_shape
    assert set(item["required"]) == set(shape.required_members) & set(item["properties"])
    assert item["properties"]["resourceConfig"]["required"] == ["instanceType", "volumeSizeInGB"]
    assert "accessDenied" in shipped_schema()["properties"]
    assert "403" in shipped_schema()["properties"]["accessDenied"]["description"]


def test_enums_are_not_restricted() -> None:
    text = shipped_schema_text()
    assert '"enum"' not in text
    jsonschema.validate(
        {"trainedModels": [{**example_models()[0], "status": "SOME_FUTURE_STATUS"}]},
        shipped_schema(),
    )


def test_example_data_is_valid() -> None:
    jsonschema.Draft202012Validator(shipped_schema()).validate(
        {"trainedModels": example_models()}
    )


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document))
    return path


def _broken(index: int, change: Any) -> dict[str, Any]:
    models = example_models()
    change(models[index])
    return {"trainedModels": models}


@pytest.mark.parametrize(
    ("index", "change", "expected"),
    [
        (1, lambda m: m.pop("name"), "field 'name': missing (required)"),
        (2, lambda m: m["resourceConfig"].update(instanceCount="2"),
         "field 'resourceConfig.instanceCount': '2' is not of type 'integer'"),
        (0, lambda m: m.update(nmae="x"), "field 'nmae': unknown field"),
        (3, lambda m: m.update(createTime="yesterday"),
         "field 'createTime': 'yesterday' is not an ISO-8601 timestamp"),
        (3, lambda m: m.update(createTime="2026-02-30T00:00:00Z"),
         "field 'createTime': '2026-02-30T00:00:00Z': day is out of range"),
        (1, lambda m: m["incrementalTrainingDataChannels"][0].pop("modelName"),
         "field 'incrementalTrainingDataChannels[0].modelName': missing (required)"),
        (0, lambda m: m.update(collaborationIdentifier="COLLAB"),
         "field 'collaborationIdentifier'"),
    ],
)
def test_bad_item_message_names_item_and_field(
    tmp_path: Path, index: int, change: Any, expected: str
) -> None:
    document = _broken(index, change)
    arn = document["trainedModels"][index]["trainedModelArn"]
    with pytest.raises(EmulatorDataError) as info:
        load_data_file(_write(tmp_path, document))
    message = str(info.value)
    assert f"trainedModels[{index}] (trainedModelArn {arn})" in message
    assert expected in message
    assert "\n" not in message
    assert isinstance(info.value, CleanroomsmlTfError)


def test_item_without_arn_is_named_by_index(tmp_path: Path) -> None:
    with pytest.raises(EmulatorDataError, match=r"trainedModels\[4\]: field 'trainedModelArn'"):
        load_data_file(_write(tmp_path, {"trainedModels": [*example_models(), {
            k: v for k, v in example_models()[0].items() if k != "trainedModelArn"
        }]}))


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({}, "document: field 'trainedModels': missing (required)"),
        ({"trainedModels": {}}, "trainedModels: {} is not of type 'array'"),
        ({"trainedModels": [], "accessDenied": [3]}, "accessDenied[0]: 3 is not of type"),
        ({"trainedModels": [], "extra": 1}, "field 'extra': unknown field"),
    ],
)
def test_bad_document_shape(tmp_path: Path, document: Any, expected: str) -> None:
    with pytest.raises(EmulatorDataError, match="invalid emulator data") as info:
        load_data_file(_write(tmp_path, document))
    assert expected in str(info.value)


def test_duplicate_version_is_refused() -> None:
    models = example_models()
    with pytest.raises(EmulatorDataError, match=r"trainedModels\[4\].*appears twice"):
        Emulator([*models, models[0]])


def test_unreadable_and_non_json_files(tmp_path: Path) -> None:
    with pytest.raises(EmulatorDataError, match="cannot read emulator data"):
        load_data_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(EmulatorDataError, match="not JSON"):
        load_data_file(bad)


def test_load_data_file_result_feeds_the_emulator(tmp_path: Path) -> None:
    document = {"trainedModels": example_models(), "accessDenied": ["x" * 3]}
    loaded = load_data_file(_write(tmp_path, document))
    assert loaded == document
    with Emulator(loaded) as em:
        assert em.url.startswith("http://127.0.0.1:")


def test_fixture_example_data_is_a_copy(example_data: list, emulator: Emulator) -> None:
    example_data[0]["name"] = "changed"
    assert example_models()[0]["name"] != "changed"


def test_example_identities_name_the_example_data() -> None:
    from cleanroomsml_tf.emulator import EXAMPLE_COLLABORATION, EXAMPLE_MODEL_ARN

    churn = [m for m in example_models() if m["trainedModelArn"] == EXAMPLE_MODEL_ARN]
    assert {m["name"] for m in churn} == {"churn-predictor"} and len(churn) == 2
    assert {m["collaborationIdentifier"] for m in churn} == {EXAMPLE_COLLABORATION}
