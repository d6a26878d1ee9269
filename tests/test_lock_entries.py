"""``lock refresh`` / ``lock remove`` / ``lock add`` as a CI pipeline uses them: entries named by
key, model name or trained model ID; a refresh that writes what it could and loses nothing;
``--prune``. Every command runs the installed console script against a local endpoint."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.lockfile import synth as lockfile_synth
from cleanroomsml_tf.model.identifiers import ModelRef
from tests.support.console import run_console
from tests.support.example_ids import CHURN, COLLABORATION, FRAUD

LTV_ID = "c0ffee00-3333-4a2b-9c3d-000000000003"
FRAUD_ID = "c0ffee00-2222-4a2b-9c3d-000000000002"
OTHER_COLLABORATION = "7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b"
OTHER_CHURN = ("arn:aws:cleanrooms-ml:us-east-1:444455556666:membership/"
               "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/trained-model/"
               "d00dfeed-1111-4a2b-9c3d-000000000001")


def _by_name(models: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(m for m in models if m.get("name") == name)


@pytest.fixture
def served(example_data) -> list[dict[str, Any]]:
    """The example models plus a second churn-predictor in another collaboration."""
    other = copy.deepcopy(example_data[0])
    other.update(trainedModelArn=OTHER_CHURN, collaborationIdentifier=OTHER_COLLABORATION)
    return [*example_data, other]


@pytest.fixture
def project(make_emulator, served, tmp_path):
    """(emulator, lock path): churn, fraud, ltv and the other churn locked as latest."""
    server = make_emulator(models=served)
    path = tmp_path / "cleanroomsml.lock.json"
    for arn, collaboration in ((CHURN, COLLABORATION), (FRAUD, COLLABORATION),
                               (f"{CHURN.rsplit('/', 1)[0]}/{LTV_ID}", COLLABORATION),
                               (OTHER_CHURN, OTHER_COLLABORATION)):
        lockfile_synth.add(ModelRef(arn, collaboration), path, settings=ClientSettings(
            endpoint_url=server.url))
    return server, path


def _entries(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())["entries"]


def _key_of(path: Path, name: str, collaboration: str = COLLABORATION) -> str:
    (key,) = [k for k, e in _entries(path).items()
              if e["record"]["name"] == name and e["ref"]["collaboration_identifier"]
              == collaboration]
    return key


def _lock(server, path: Path, *args: str):
    return run_console("lock", *args, "--lock-file", str(path), "--endpoint-url", server.url)


# --------------------------------------------------------------------------- partial refresh


def test_refresh_writes_what_it_can_and_keeps_the_deleted_entry(project, served):
    server, path = project
    before = _entries(path)
    live = copy.deepcopy(served)
    _by_name(live, "fraud-scorer")["status"] = "INACTIVE"  # changed
    live.remove(_by_name(live, "ltv-regressor"))  # deleted; churn-predictor unchanged
    server.replace_models(live)

    result = _lock(server, path, "refresh")

    assert result.returncode == 1, result.stderr
    after = _entries(path)
    fraud, ltv = _key_of(path, "fraud-scorer"), _key_of(path, "ltv-regressor")
    churn = _key_of(path, "churn-predictor")
    assert after[fraud]["record"]["status"] == "INACTIVE"  # the changed one is rewritten
    assert after[ltv] == before[ltv]  # the deleted one is kept, exactly
    assert after[churn] == before[churn]  # the unchanged one too (resolved_at included)
    assert set(after) == set(before)
    failures = [line for line in result.stderr.splitlines() if ltv in line]
    assert len(failures) == 1, result.stderr
    assert "ltv-regressor kept unchanged" in failures[0] and "deleted" in failures[0]
    assert "--prune" in failures[0]
    assert f"locked    fraud-scorer  unversioned  status INACTIVE  [{fraud}]" in result.stdout
    assert "1 of 4 entries written" in result.stderr
    assert "1 could not be resolved" in result.stderr
    assert "Traceback" not in result.stderr

    pruned = _lock(server, path, "refresh", "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert ltv not in _entries(path) and set(_entries(path)) == set(before) - {ltv}
    assert f"removed   ltv-regressor  (no longer exists; pruned)  [{ltv}]" in pruned.stdout
    assert "1 removed (pruned)" in pruned.stderr


def test_refresh_names_access_denied_and_keeps_it(project, served):
    server, path = project
    live = copy.deepcopy(served)
    for model in live:
        model["status"] = "INACTIVE"
    server.replace_models(live, access_denied=[FRAUD])
    before = _entries(path)
    result = _lock(server, path, "refresh", "--prune")  # --prune never removes a denied entry
    assert result.returncode == 1
    fraud = _key_of(path, "fraud-scorer")
    assert _entries(path)[fraud] == before[fraud]
    assert f"fraud-scorer kept unchanged [{fraud}]: access denied: " in result.stderr
    assert {e["record"]["status"] for k, e in _entries(path).items() if k != fraud} == {
        "INACTIVE"}


def test_refresh_throttled_everywhere_loses_nothing(project):
    server, path = project
    text = path.read_text()
    server.set_faults(throttle_rate=1.0)
    result = _lock(server, path, "refresh", "--max-attempts", "1")
    assert result.returncode == 1
    assert path.read_text() == text
    lines = [line for line in result.stderr.splitlines() if ": throttled: " in line]
    assert len(lines) == 4, result.stderr
    assert "nothing was written" in result.stderr


# --------------------------------------------------------------------------- addressing


@pytest.mark.parametrize("how", ["name", "id", "arn", "key"])
def test_refresh_one_entry_by_name_id_arn_or_key(project, served, how):
    server, path = project
    live = copy.deepcopy(served)
    for model in live:
        model["status"] = "INACTIVE"
    server.replace_models(live)
    fraud = _key_of(path, "fraud-scorer")
    before = _entries(path)
    address = {"name": "fraud-scorer", "id": FRAUD_ID, "arn": FRAUD, "key": fraud}[how]
    result = _lock(server, path, "refresh", address)
    assert result.returncode == 0, result.stderr
    after = _entries(path)
    assert after.pop(fraud)["record"]["status"] == "INACTIVE"
    assert after == {k: e for k, e in before.items() if k != fraud}  # no other entry touched


def test_an_ambiguous_name_lists_the_matching_keys(project):
    server, path = project
    text = path.read_text()
    for action in ("refresh", "remove"):
        result = _lock(server, path, action, "churn-predictor") if action == "refresh" else \
            run_console("lock", "remove", "churn-predictor", "--lock-file", str(path))
        assert result.returncode == 1
        assert "'churn-predictor' matches 2 entries" in result.stderr
        for key in (_key_of(path, "churn-predictor"),
                    _key_of(path, "churn-predictor", OTHER_COLLABORATION)):
            assert f"\n  {key}" in result.stderr
        assert path.read_text() == text
        assert "Traceback" not in result.stderr


def test_remove_by_name_id_and_key(project):
    _, path = project
    keys = {name: _key_of(path, name) for name in ("fraud-scorer", "ltv-regressor")}
    other = _key_of(path, "churn-predictor", OTHER_COLLABORATION)
    result = run_console("lock", "remove", "fraud-scorer", LTV_ID, other, "--lock-file", str(path))
    assert result.returncode == 0, result.stderr
    assert set(_entries(path)) == {_key_of(path, "churn-predictor")}
    assert result.stdout.splitlines() == [f"removed   {k}" for k in (*keys.values(), other)]


def test_unknown_address_removes_nothing(project):
    _, path = project
    text = path.read_text()
    result = run_console("lock", "remove", "fraud-scorer", "no-such-model",
                         "--lock-file", str(path))
    assert result.returncode == 1
    assert "no entry named no-such-model" in result.stderr
    assert path.read_text() == text


# --------------------------------------------------------------------------- lock add


def test_lock_add_prints_unversioned_not_none(make_emulator, tmp_path):
    server = make_emulator()
    path = tmp_path / "l.json"
    result = run_console("lock", "add", "--trained-model-arn", FRAUD, "--collaboration-identifier",
                         COLLABORATION, "--lock-file", str(path), "--endpoint-url", server.url)
    assert result.returncode == 0, result.stderr
    assert "None" not in result.stdout
    assert result.stdout.startswith("locked    fraud-scorer  unversioned  status ACTIVE  [")
