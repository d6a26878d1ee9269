"""Watching a collaboration: ``lock add --all`` records the collaboration it locked whole;
``drift`` then reports models that appeared there since (new, not locked) as drift, in every
format, until someone adopts them with ``lock add``. Installed console script, local endpoint."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.console import run_console
from tests.support.example_ids import ARN_PREFIX, COLLABORATION
from tests.support.reports import sarif_validator

NEW_ARN = ARN_PREFIX + "c0ffee00-4444-4a2b-9c3d-000000000004"
OTHER_COLLABORATION = "7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b"


def _new_model(template: dict[str, Any], arn: str, collaboration: str) -> dict[str, Any]:
    model = copy.deepcopy(template)
    model.update(trainedModelArn=arn, collaborationIdentifier=collaboration,
                 name="propensity-model")
    return model


@pytest.fixture
def watched(make_emulator, example_data, tmp_path):
    """(emulator, lock path, served models): the example collaboration locked with --all."""
    server = make_emulator(models=example_data)
    path = tmp_path / "cleanroomsml.lock.json"
    result = run_console("lock", "add", "--all", "--collaboration-identifier", COLLABORATION,
                         "--lock-file", str(path), "--endpoint-url", server.url)
    assert result.returncode == 0, result.stderr
    assert f"watching collaboration {COLLABORATION}" in result.stderr
    return server, path, example_data


def _drift(server, path: Path, *args: str):
    return run_console("drift", "--lock-file", str(path), "--endpoint-url", server.url, *args)


def test_lock_add_all_records_the_watch(watched):
    _, path, _ = watched
    document = json.loads(path.read_text())
    watch = document["watched_collaborations"][COLLABORATION]
    assert watch["added_at"].endswith("Z")
    assert len(watch["known_trained_model_arns"]) == 3
    show = run_console("lock", "show", "--lock-file", str(path))
    assert f"watching collaboration {COLLABORATION}" in show.stderr
    assert len(show.stdout.splitlines()) == 4  # the table: a header and three entries


def test_a_new_model_in_a_watched_collaboration_is_drift(watched):
    server, path, served = watched
    assert _drift(server, path).returncode == 0
    server.replace_models([*served, _new_model(served[0], NEW_ARN, COLLABORATION)])

    text = _drift(server, path)
    assert text.returncode == 2, text.stderr
    assert f"NEW    propensity-model  [{NEW_ARN}]" in text.stdout
    assert (f"cleanroomsml-tf lock add --trained-model-arn {NEW_ARN} "
            f"--collaboration-identifier {COLLABORATION}") in text.stdout
    assert "1 new model in watched collaborations" in text.stdout

    formats = ("json", "sarif", "github", "markdown", "junit")
    reports = _drift(server, path, *(f"--report={fmt}={path.parent / fmt}" for fmt in formats))
    assert reports.returncode == 2
    read = {fmt: (path.parent / fmt).read_text() for fmt in formats}

    report = json.loads(read["json"])
    assert [(m["name"], m["trained_model_arn"], m["collaboration_identifier"])
            for m in report["new_models"]] == [("propensity-model", NEW_ARN, COLLABORATION)]
    assert report["summary"]["new_models"] == 1

    sarif = json.loads(read["sarif"])
    sarif_validator().validate(sarif)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["drift/new-model"]

    for fmt, expected in (("github", "::warning title=New model%3A propensity-model::"),
                          ("markdown", "| propensity-model | "),
                          ("junit", 'name="propensity-model [')):
        assert expected in read[fmt], (fmt, read[fmt])

    adopt = run_console("lock", "add", "--trained-model-arn", NEW_ARN,
                        "--collaboration-identifier", COLLABORATION,
                        "--lock-file", str(path), "--endpoint-url", server.url)
    assert adopt.returncode == 0, adopt.stderr
    assert _drift(server, path).returncode == 0


def test_removed_entries_do_not_come_back_as_new(watched):
    server, path, _ = watched
    removed = run_console("lock", "remove", "fraud-scorer", "--lock-file", str(path))
    assert removed.returncode == 0, removed.stderr
    assert _drift(server, path).returncode == 0


def test_unwatched_collaborations_are_not_listed(watched):
    server, path, served = watched
    other = _new_model(served[0], ARN_PREFIX + "c0ffee00-5555-4a2b-9c3d-000000000005",
                       OTHER_COLLABORATION)
    server.replace_models([*served, other])
    before = server.request_count
    result = _drift(server, path)
    assert result.returncode == 0, result.stdout
    assert server.request_count - before == 4  # 3 entries + 1 listing of the watched one


def test_a_watch_that_cannot_be_listed_fails_the_check(watched):
    server, path, served = watched
    server.replace_models(served, access_denied=[COLLABORATION])
    result = _drift(server, path, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert any(COLLABORATION in error and "access denied" in error.lower()
               for error in report["watch_errors"])


def test_unwatch_stops_reporting_new_models(watched):
    server, path, served = watched
    server.replace_models([*served, _new_model(served[0], NEW_ARN, COLLABORATION)])
    assert _drift(server, path).returncode == 2
    unknown = run_console("lock", "unwatch", OTHER_COLLABORATION, "--lock-file", str(path))
    assert unknown.returncode == 1 and "is not watched" in unknown.stderr
    result = run_console("lock", "unwatch", COLLABORATION, "--lock-file", str(path))
    assert result.returncode == 0, result.stderr
    assert "watched_collaborations" not in json.loads(path.read_text())
    assert len(json.loads(path.read_text())["entries"]) == 3  # the entries stay
    assert _drift(server, path).returncode == 0


@pytest.mark.parametrize(("change", "reason"), [
    (lambda w: w.update(added_at="yesterday"), "added_at: 'yesterday' does not match"),
    (lambda w: w.update(added_at="2026-13-45T00:00:00Z"), "is not an RFC 3339 UTC timestamp"),
    (lambda w: w.update(known_trained_model_arns=["arn:nope"]), "invalid trained_model_arn"),
    (lambda w: w.update(extra=1), "schema"),
])
def test_a_hand_broken_watch_refuses_the_file(watched, change, reason):
    server, path, _ = watched
    document = json.loads(path.read_text())
    change(document["watched_collaborations"][COLLABORATION])
    path.write_text(json.dumps(document))
    result = _drift(server, path)
    assert result.returncode == 1 and result.stdout == ""
    assert reason in result.stderr and str(path) in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
