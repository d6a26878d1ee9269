"""Drift checks over real HTTP: lock, change the endpoint's data, check what ``drift`` reports,
its exit codes (as a subprocess), its report formats, field selection and sharding."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.drift import check as drift_check
from cleanroomsml_tf.drift import fields as drift_fields
from cleanroomsml_tf.drift import reports as drift_reports
from cleanroomsml_tf.lockfile import model as lockfile_model
from cleanroomsml_tf.lockfile import store as lockfile_store
from cleanroomsml_tf.lockfile import synth as lockfile_synth
from cleanroomsml_tf.model import record
from cleanroomsml_tf.model.identifiers import ModelRef
from tests.support.emulator import run_cli
from tests.support.example_ids import ARN_PREFIX, COLLABORATION

NEW_DIGEST = "sha256:" + "e" * 64
NEW_VERSION = "a1b2c3d4-9999-4e5f-8a9b-0c1d2e3f4a99"
NAMES = ("digest", "instance", "newver", "deleted", "status", "same")


def _model(template: dict[str, Any], name: str, index: int) -> dict[str, Any]:
    model = copy.deepcopy(template)
    model["trainedModelArn"] = f"{ARN_PREFIX}{name}"
    model["name"] = name
    model["versionIdentifier"] = f"a1b2c3d4-{index:04d}-4e5f-8a9b-0c1d2e3f4a01"
    return model


@pytest.fixture
def models(example_data) -> dict[str, dict[str, Any]]:
    """Six one-version models plus the version-less example (fraud-scorer)."""
    built = {name: _model(example_data[0], name, i) for i, name in enumerate(NAMES)}
    built["versionless"] = copy.deepcopy(example_data[2])
    return built


def _ref(model: dict[str, Any], version: str | None = None) -> ModelRef:
    return ModelRef(model["trainedModelArn"], model["collaborationIdentifier"], version)


@pytest.fixture
def locked(make_emulator, models, tmp_path):
    """(emulator, lock path, models): every model locked as latest, "same" also pinned."""
    server = make_emulator(models=list(models.values()))
    path = tmp_path / "cleanroomsml.lock.json"
    settings = ClientSettings(endpoint_url=server.url)
    refs = [_ref(m) for m in models.values()]
    refs.append(_ref(models["same"], models["same"]["versionIdentifier"]))
    for ref in refs:
        lockfile_synth.add(ref, path, settings=settings)
    return server, path, models


def _change_everything(server, models) -> list[dict[str, Any]]:
    changed = copy.deepcopy(models)
    changed["digest"]["trainingContainerImageDigest"] = NEW_DIGEST
    changed["instance"]["resourceConfig"]["instanceType"] = "ml.c5.4xlarge"
    changed["status"]["status"] = "INACTIVE"
    del changed["deleted"]
    newer = copy.deepcopy(changed["newver"])
    newer["versionIdentifier"] = NEW_VERSION
    newer["createTime"] = "2027-01-01T00:00:00Z"
    served = [*changed.values(), newer]
    server.replace_models(served)
    return served


def _drift(server, path: Path, *args: str):
    return run_cli("drift", "--lock-file", str(path), "--endpoint-url", server.url, *args)


def _findings(report_json: dict[str, Any]) -> set[tuple[str, str, str | None]]:
    return {
        (entry["name"], f["kind"], f["field"])
        for entry in report_json["entries"]
        for f in entry["findings"]
    }


# --------------------------------------------------------------------------- exit codes


def test_unchanged_data_is_no_drift(locked):
    server, path, _ = locked
    result = _drift(server, path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("no drift: 8 entries checked")
    assert result.stderr == ""  # not a TTY: no progress output


def test_reports_exactly_the_changes_with_exit_2(locked):
    server, path, models = locked
    _change_everything(server, models)
    result = _drift(server, path, "--format", "json")
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    assert report["exit_code"] == 2
    assert _findings(report) == {
        ("digest", "changed", "training_container_image_digest"),
        ("instance", "changed", "resource_config.instance_type"),
        ("status", "changed", "status"),
        ("deleted", "missing", None),
        ("newver", "new_version", "version_identifier"),
    }
    by_name = {(e["name"], e["requested_version"]): e for e in report["entries"]}
    digest = by_name[("digest", "latest")]["findings"][0]
    assert digest["locked"] == models["digest"]["trainingContainerImageDigest"]
    assert digest["live"] == NEW_DIGEST
    newver = by_name[("newver", "latest")]["findings"][0]
    assert newver["locked"] == models["newver"]["versionIdentifier"]
    assert newver["live"] == NEW_VERSION
    assert by_name[("same", models["same"]["versionIdentifier"])]["outcome"] == "clean"
    assert report["summary"] == {"entries_in_lock_file": 8, "checked": 8, "drifted": 5,
                                 "unchecked": 0, "clean": 3, "new_models": 0}

    text = _drift(server, path)
    assert text.returncode == 2
    assert f"locked {models['digest']['trainingContainerImageDigest']}, live {NEW_DIGEST}" \
        in text.stdout
    assert "resource_config.instance_type: locked ml.m5.xlarge, live ml.c5.4xlarge" in text.stdout


def test_unreachable_endpoint_is_exit_1_with_reasons(locked):
    _, path, _ = locked
    result = run_cli("drift", "--lock-file", str(path), "--endpoint-url", "http://127.0.0.1:9",
                     "--max-attempts", "1", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"]["unchecked"] == 8
    assert all(e["error"]["kind"] == "Endpoint unreachable" for e in report["entries"])
    assert all("endpoint unreachable" in e["error"]["message"] for e in report["entries"])


def test_drift_beside_unchecked_is_exit_1(locked):
    server, path, models = locked
    changed = copy.deepcopy(models)
    changed["digest"]["trainingContainerImageDigest"] = NEW_DIGEST
    server.replace_models(list(changed.values()),
                          access_denied=[models["status"]["trainedModelArn"]])
    result = _drift(server, path)
    assert result.returncode == 1
    assert "DRIFT  digest" in result.stdout
    assert "ERROR  status" in result.stdout and "access denied" in result.stdout
    assert "1 drifted, 1 could not be checked" in result.stdout


def test_broken_lock_file_is_exit_1(locked):
    server, path, _ = locked
    path.write_text(path.read_text()[:-20])
    result = _drift(server, path)
    assert result.returncode == 1 and result.stdout == ""
    assert str(path) in result.stderr and "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_version_of_a_versionless_model_is_found_by_create_time(locked):
    server, path, models = locked
    changed = copy.deepcopy(models)
    changed["versionless"]["createTime"] = "2027-02-02T00:00:00Z"
    server.replace_models(list(changed.values()))
    settings = ClientSettings(endpoint_url=server.url)
    report = drift_check.check_drift(lockfile_store.read(path), settings=settings)
    (result,) = report.by_outcome("drifted")
    assert [(f.kind, f.field, f.live) for f in result.findings] == [
        ("new_version", "create_time", "2027-02-02T00:00:00Z")]


# --------------------------------------------------------------------------- formats


@pytest.fixture
def changed_report(locked) -> drift_check.DriftReport:
    """Five drifted entries, three clean, and one unchecked (access denied, awkward name)."""
    server, path, models = locked
    served = _change_everything(server, models)
    denied = _model(models["same"], "denied", 77)
    denied["name"] = "denied|50%,x:y\r\nz"
    lock = lockfile_store.read(path)
    lock.put(lockfile_model.new_entry(_ref(denied), record.normalize(denied)))
    server.replace_models([*served, denied], access_denied=[denied["trainedModelArn"]])
    return drift_check.check_drift(lock, settings=ClientSettings(endpoint_url=server.url))


def test_junit_parses_with_one_failure_per_drifted_entry(changed_report):
    root = ET.fromstring(drift_reports.render_junit(changed_report))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(changed_report.results) == 9
    failures = [c for c in cases if c.find("failure") is not None]
    errors = [c for c in cases if c.find("error") is not None]
    assert len(failures) == 5 and suite.get("failures") == "5"
    assert len(errors) == 1 and suite.get("errors") == "1"
    assert "access denied" in errors[0].find("error").get("message")
    assert "denied|50%,x:y" in errors[0].get("name")  # escaped by ElementTree, parsed back
    digest = next(c for c in failures if c.get("name").startswith("digest "))
    assert NEW_DIGEST in digest.find("failure").get("message")


def test_junit_survives_control_characters(changed_report):
    result = changed_report.results[0]
    weird = drift_check.EntryResult(result.entry, "unchecked", error="bad\x00\x1b<&>\"",
                                    error_kind="x")
    report = drift_check.DriftReport("p", drift_fields.DEFAULT_FIELDS, (weird,), 1)
    error = ET.fromstring(drift_reports.render_junit(report)).find("testsuite/testcase/error")
    assert "<&>\"" in error.get("message")


def test_github_annotations(changed_report):
    lines = drift_reports.render_github(changed_report).splitlines()
    errors = [line for line in lines if line.startswith("::error title=Drift%3A ")]
    assert len(errors) == 5
    failed = [line for line in lines if line.startswith("::error title=Drift check failed%3A ")]
    assert len(failed) == 1
    # %, \r, \n in data; and : , in properties, are escaped
    assert failed[0].startswith("::error title=Drift check failed%3A denied|50%25%2Cx%3Ay%0D%0Az::")
    assert "\n" not in "".join(lines)
    assert all("\r" not in line for line in lines)
    assert any(line.startswith("::notice title=No drift::3 model(s) unchanged") for line in lines)
    assert drift_reports.escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert drift_reports.escape_property("t: a, b%") == "t%3A a%2C b%25"


def test_markdown_table(changed_report):
    text = drift_reports.render_markdown(changed_report)
    assert text.startswith("### :x: Clean Rooms ML drift: check failed")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Model | Field | Locked | Live |"
    drift_rows = rows[2: 2 + 5]
    assert any("training_container_image_digest" in r and NEW_DIGEST in r for r in drift_rows)
    assert any("not found" in r for r in drift_rows)
    denied = [r for r in rows if "denied" in r and "access denied" in r]
    assert denied and "denied\\|50%,x:y" in denied[0]  # the pipe cannot break the table


def test_output_and_extra_reports(locked, tmp_path):
    server, path, models = locked
    _change_everything(server, models)
    junit, summary = tmp_path / "junit.xml", tmp_path / "summary.md"
    result = _drift(server, path, "--format", "github", "--report", f"junit={junit}",
                    "--output", str(summary), "--report", "markdown=-")
    assert result.returncode == 2
    assert result.stdout.startswith("### :warning:")  # markdown=- goes to stdout
    assert summary.read_text().startswith("::error ")  # --format github went to --output
    assert len(ET.parse(junit).getroot().findall(".//failure")) == 5
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [
        ".cleanroomsml.lock.json.lck"]  # no temp files left behind


# --------------------------------------------------------------------------- fields


def test_fields_select_what_counts(locked):
    server, path, models = locked
    _change_everything(server, models)
    lock = lockfile_store.read(path)
    settings = ClientSettings(endpoint_url=server.url)
    report = drift_check.check_drift(lock, settings=settings,
                                     fields=drift_fields.parse_fields("status"))
    assert {(r.name, f.kind) for r in report.by_outcome("drifted") for f in r.findings} == {
        ("status", "changed"), ("deleted", "missing"), ("newver", "new_version")}
    assert drift_fields.parse_fields("resource_config, status") == (
        "resource_config.instance_count", "resource_config.instance_type",
        "resource_config.volume_size_in_gb", "status")


def test_unknown_field_is_a_usage_error(locked):
    server, path, _ = locked
    result = _drift(server, path, "--fields", "status,resource_config.gpu")
    assert result.returncode == 1 and result.stdout == ""
    assert "unknown field 'resource_config.gpu'" in result.stderr
    assert "resource_config.instance_type" in result.stderr  # names the valid ones


# --------------------------------------------------------------------------- shards


def test_shards_partition_deterministically_and_completely():
    keys = [ModelRef(f"{ARN_PREFIX}m-{i}", COLLABORATION).key for i in range(500)]
    for count in (1, 2, 3, 7):
        shards = [drift_check.Shard(i, count) for i in range(1, count + 1)]
        owners = [[s for s in shards if s.owns(key)] for key in keys]
        assert all(len(o) == 1 for o in owners)  # complete and disjoint
        sizes = [sum(1 for o in owners if o[0] == s) for s in shards]
        assert min(sizes) > 500 / count * 0.6  # and reasonably even
    first = keys[:20]
    assert [drift_check.shard_of(k, 4) for k in first] == [
        drift_check.shard_of(k, 4) for k in first]
    with pytest.raises(ValueError):
        drift_check.Shard.parse("3/2")


def test_shard_option(locked):
    server, path, _ = locked
    seen: list[str] = []
    for index in (1, 2, 3):
        result = _drift(server, path, "--shard", f"{index}/3", "--format", "json")
        assert result.returncode == 0
        report = json.loads(result.stdout)
        assert report["shard"] == f"{index}/3"
        seen += [e["key"] for e in report["entries"]]
    assert sorted(seen) == sorted(lockfile_store.read(path).entries)
    bad = _drift(server, path, "--shard", "0/3")
    assert bad.returncode == 1 and "1 <= I <= N" in bad.stderr


# --------------------------------------------------------------------------- concurrency


def test_many_entries_one_client(make_emulator, example_data, tmp_path):
    models = [_model(example_data[0], f"bulk-{i:03d}", i) for i in range(300)]
    server = make_emulator(models=models)
    lock = lockfile_model.LockFile(tmp_path / "l.json")
    for model in models:
        lock.put(lockfile_model.new_entry(_ref(model), record.normalize(model)))
    before = server.request_count
    report = drift_check.check_drift(lock, settings=ClientSettings(endpoint_url=server.url),
                               concurrency=16)
    assert report.exit_code == 0 and len(report.results) == 300
    assert server.request_count - before == 300  # one request per entry, no retries


# --------------------------------------------------------------------------- progress


def test_progress_only_on_a_terminal(locked, monkeypatch, capsys):
    from cleanroomsml_tf.cli import drift_command
    from cleanroomsml_tf.cli import main as cli_main

    server, path, _ = locked
    argv = ["drift", "--lock-file", str(path), "--endpoint-url", server.url]
    assert cli_main(argv) == 0
    assert capsys.readouterr().err == ""  # captured stderr is not a TTY: quiet
    monkeypatch.setattr(drift_command.sys.stderr, "isatty", lambda: True, raising=False)
    assert cli_main(argv) == 0
    err = capsys.readouterr().err
    assert "\rchecked 8/8" in err and err.endswith("\r\033[K")
