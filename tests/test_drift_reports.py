"""Reports people can read: two models with the same name stay distinguishable in every format
(display names), markdown keeps its table compact with the full keys in a details block,
github annotations name each entry uniquely, and SARIF validates against the OASIS SARIF 2.1.0
JSON Schema (shipped in tests/data) with a stable rule per drifted field.

One ``drift`` run of the installed console script writes every format (``--report``)."""

from __future__ import annotations

import copy
import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.drift import reports as drift_reports
from cleanroomsml_tf.drift import sarif as drift_sarif
from cleanroomsml_tf.emulator import Emulator, example_models
from cleanroomsml_tf.lockfile import synth as lockfile_synth
from cleanroomsml_tf.model.identifiers import ModelRef
from tests.support.console import run_console
from tests.support.example_ids import CHURN, CHURN_V1, COLLABORATION, FRAUD
from tests.support.reports import SARIF_SCHEMA, SARIF_SCHEMA_SHA256, sarif_validator

OTHER_COLLABORATION = "7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b"
OTHER_CHURN = ("arn:aws:cleanrooms-ml:us-east-1:444455556666:membership/"
               "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/trained-model/"
               "d00dfeed-1111-4a2b-9c3d-000000000001")
REFS = {
    "churn-predictor (collaboration 3f6a1c2e, @latest)": ModelRef(CHURN, COLLABORATION),
    "churn-predictor (collaboration 3f6a1c2e, @a1b2c3d4)": ModelRef(CHURN, COLLABORATION,
                                                                    CHURN_V1),
    "churn-predictor (collaboration 7e1d2c3b)": ModelRef(OTHER_CHURN, OTHER_COLLABORATION),
    "fraud-scorer": ModelRef(FRAUD, COLLABORATION),
}
"""display name -> the entry it must name (three churn-predictors, one fraud-scorer)."""
NAMES = {ref.key: name for name, ref in REFS.items()}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Iterator[tuple[Any, Path]]:
    """(drift result, directory of reports): every churn-predictor drifted, fraud deleted.
    One drift run for the whole module (the tests only read its reports)."""
    example_data = example_models()
    other = copy.deepcopy(example_data[0])
    other.update(trainedModelArn=OTHER_CHURN, collaborationIdentifier=OTHER_COLLABORATION)
    served = [*example_data, other]
    directory = tmp_path_factory.mktemp("reports")
    with Emulator(served) as server:
        lock = directory / "cleanroomsml.lock.json"
        for ref in REFS.values():
            lockfile_synth.add(ref, lock, settings=ClientSettings(endpoint_url=server.url))
        live = [m for m in copy.deepcopy(served) if m["trainedModelArn"] != FRAUD]
        for model in live:
            model["status"] = "INACTIVE"
        server.replace_models(live)
        args = ["drift", "--lock-file", lock.name, "--endpoint-url", server.url,
                "--format", "text"]
        for fmt in drift_reports.FORMATS:
            args += ["--report", f"{fmt}=report.{fmt}"]
        result = run_console(*args, cwd=directory)
    assert result.returncode == 2, result.stderr
    yield result, directory




def _read(directory: Path, fmt: str) -> str:
    return (directory / f"report.{fmt}").read_text(encoding="utf-8")


def test_text_names_each_entry(reports):
    result, directory = reports
    assert result.stdout == _read(directory, "text")
    for key, name in NAMES.items():
        assert f"DRIFT  {name}  [{key}]" in result.stdout


def test_json_carries_display_name_and_key(reports):
    _, directory = reports
    entries = json.loads(_read(directory, "json"))["entries"]
    assert {e["key"]: e["display_name"] for e in entries} == NAMES


def test_junit_cases_are_distinct(reports):
    _, directory = reports
    cases = ET.fromstring(_read(directory, "junit")).findall(".//testcase")
    assert sorted(c.get("name") for c in cases) == sorted(
        f"{name} [{key}]" for key, name in NAMES.items())


def test_github_annotations_name_each_entry_uniquely(reports):
    _, directory = reports
    errors = [line for line in _read(directory, "github").splitlines()
              if line.startswith("::error title=Drift%3A ")]
    titles = [line.split("::")[1] for line in errors]
    assert len(titles) == len(set(titles)) == 4
    for key, name in NAMES.items():
        title = f"error title=Drift%3A {drift_reports.escape_property(name)}"
        (line,) = [e for e in errors if e.split("::")[1] == title]
        assert line.split("::", 2)[2].startswith(key + "%0A")


def test_markdown_is_compact_with_keys_in_details(reports):
    _, directory = reports
    text = _read(directory, "markdown")
    table, details = text.split("<details>")
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0] == "| Model | Field | Locked | Live |"
    assert {row.split(" | ")[0][2:] for row in rows[1:]} == set(NAMES.values())
    assert not any("arn:aws" in row for row in rows)  # compact: no 160-character keys
    assert details.startswith("<summary>Lock-file entries</summary>")
    for key, name in NAMES.items():
        assert f"| {name} | `{key}` |" in details
    assert details.rstrip().endswith("</details>")


def test_sarif_validates_against_the_2_1_0_schema(reports):
    _, directory = reports
    assert hashlib.sha256(SARIF_SCHEMA.read_bytes()).hexdigest() == SARIF_SCHEMA_SHA256
    log = json.loads(_read(directory, "sarif"))
    sarif_validator().validate(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    by_entry = {}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        logical = location["logicalLocations"][0]
        by_entry.setdefault(logical["fullyQualifiedName"], set()).add(result["ruleId"])
        assert logical["name"] == NAMES[logical["fullyQualifiedName"]]
        assert result["message"]["text"].startswith(logical["name"] + ": ")
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "cleanroomsml.lock.json"
        line = (directory / "cleanroomsml.lock.json").read_text().splitlines()[
            physical["region"]["startLine"] - 1]
        assert json.dumps(logical["fullyQualifiedName"]) in line  # points at the entry
    churns = [key for key, name in NAMES.items() if name.startswith("churn")]
    assert by_entry == {**{key: {"drift/changed/status"} for key in churns},
                        ModelRef(FRAUD, COLLABORATION).key: {"drift/missing"}}
    fingerprints = [tuple(r["partialFingerprints"].items()) for r in run["results"]]
    assert len(set(fingerprints)) == 4
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_rules_are_stable(reports):
    _, directory = reports
    ids = [rule["id"] for rule in drift_sarif.all_rules()]
    assert ids[:3] == ["drift/missing", "drift/new-version", "drift/new-model"]
    assert "drift/changed/status" in ids
    assert "drift/changed/resource_config.instance_type" in ids
    assert len(ids) == len(set(ids))
    declared = json.loads(_read(directory, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    # the rules this run used, each exactly as defined, in the fixed order
    assert declared == [r for r in drift_sarif.all_rules()
                        if r["id"] in ("drift/missing", "drift/changed/status")]


def test_the_schema_rejects_a_broken_log(reports):
    _, directory = reports
    log = json.loads(_read(directory, "sarif"))
    log["runs"][0]["results"][0]["level"] = "fatal"  # not a SARIF level
    with pytest.raises(jsonschema.ValidationError):
        sarif_validator().validate(log)


def test_sarif_artifact_locations_resolve_from_the_repository_root(tmp_path, monkeypatch):
    """A base ID (%SRCROOT%) only beside a relative reference: the default lock file (an absolute
    path found by project discovery) inside the working directory becomes relative; a lock file
    elsewhere is a plain file:// URI that readers can open as it is."""
    monkeypatch.chdir(tmp_path)
    inside = drift_sarif.artifact_uri(str(tmp_path / "stacks" / "cleanroomsml.lock.json"))
    assert inside == "stacks/cleanroomsml.lock.json"
    assert drift_sarif.artifact_location(inside) == {"uri": inside, "uriBaseId": "%SRCROOT%"}
    outside = drift_sarif.artifact_uri("/srv/shared/cleanroomsml.lock.json")
    assert outside == "file:///srv/shared/cleanroomsml.lock.json"
    assert drift_sarif.artifact_location(outside) == {"uri": outside}
    assert drift_sarif.artifact_uri("a b/cleanroomsml.lock.json") == "a%20b/cleanroomsml.lock.json"
