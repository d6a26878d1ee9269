"""The lock file: format, schema, refusal of broken files, atomic and concurrent writes,
synth-time resolution (read-only in CI) and the ``lock`` subcommand, over real HTTP."""

from __future__ import annotations

import copy
import json
import os
import shlex
import threading
from pathlib import Path

import pytest

from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.cli import main as cli_main
from cleanroomsml_tf.lockfile import model as lockfile_model
from cleanroomsml_tf.lockfile import project as lockfile_project
from cleanroomsml_tf.lockfile import store as lockfile_store
from cleanroomsml_tf.lockfile.model import LockFileError
from cleanroomsml_tf.lockfile.project import LockEntryMissingError
from cleanroomsml_tf.lockfile.synth import resolve_for_synth
from cleanroomsml_tf.model import json_schemas, record
from cleanroomsml_tf.model.identifiers import ModelRef
from cleanroomsml_tf.output.atomic import atomic_write_text
from tests.support.emulator import run_cli
from tests.support.example_ids import (
    ARN_PREFIX,
    CHURN,
    CHURN_V1,
    CHURN_V2,
    COLLABORATION,
    FRAUD,
)

SECRET = "AKIAIOSFODNN7SECRETX"


@pytest.fixture
def lock_path(tmp_path: Path) -> Path:
    return tmp_path / lockfile_model.LOCK_FILE_NAME


def _settings(url: str) -> ClientSettings:
    return ClientSettings(endpoint_url=url)


def _locked_example(emulator, lock_path: Path) -> str:
    """Lock churn (latest), churn v1 and fraud; return the file text."""
    for ref in (ModelRef(CHURN, COLLABORATION), ModelRef(CHURN, COLLABORATION, CHURN_V1),
                ModelRef(FRAUD, COLLABORATION)):
        resolve_for_synth(ref, lock_path=lock_path, settings=_settings(emulator.url))
    return lock_path.read_text()


# --------------------------------------------------------------------------- schema


def test_shipped_schema_is_the_generated_one():
    shipped = json_schemas.source_path(json_schemas.LOCK_FILE).read_text()
    assert shipped == json_schemas.render(json_schemas.lockfile_json_schema()), (
        "schemas/lockfile.schema.json is stale: run `python scripts/regenerate_schemas.py`"
    )


def test_record_part_of_the_schema_comes_from_the_table():
    expected = json_schemas.record_json_schema()
    expected.pop("$schema")
    assert json_schemas.lockfile_json_schema()["$defs"]["record"] == expected


# --------------------------------------------------------------------------- format


def test_synth_resolves_once_then_reads_the_lock_file(emulator, lock_path, example_data):
    ref = ModelRef(CHURN, COLLABORATION)
    got = resolve_for_synth(ref, lock_path=lock_path, settings=_settings(emulator.url))
    expected = record.normalize(next(m for m in example_data
                                     if m.get("versionIdentifier") == CHURN_V2))
    assert got == expected
    before = emulator.request_count
    again = resolve_for_synth(ref, lock_path=lock_path, settings=_settings(emulator.url))
    assert again == expected and emulator.request_count == before  # no request: locked

    document = json.loads(lock_path.read_text())
    assert document["format_version"] == lockfile_model.FORMAT_VERSION
    entry = document["entries"][ref.key]
    assert entry["ref"] == {"collaboration_identifier": COLLABORATION,
                            "trained_model_arn": CHURN, "version_identifier": None}
    assert entry["record"] == expected
    assert entry["resolved_at"].endswith("Z")


def test_stable_formatting_and_no_credentials(emulator, lock_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", SECRET)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET.lower())
    text = _locked_example(emulator, lock_path)
    document = json.loads(text)
    assert text == json.dumps(document, sort_keys=True, indent=2) + "\n"
    for forbidden in (SECRET, SECRET.lower(), emulator.url, "127.0.0.1", "endpoint"):
        assert forbidden not in text


def test_unchanged_refresh_leaves_the_file_byte_identical(emulator, lock_path):
    text = _locked_example(emulator, lock_path)
    assert cli_main(["lock", "refresh", "--lock-file", str(lock_path),
                     "--endpoint-url", emulator.url]) == 0
    assert lock_path.read_text() == text


# --------------------------------------------------------------------------- refusal


def _broken_variants(text: str) -> dict[str, tuple[str, str]]:
    """name -> (broken text, expected words of the reason)."""
    doc = json.loads(text)
    key = next(iter(doc["entries"]))

    def edited(change) -> str:
        d = copy.deepcopy(doc)
        change(d)
        return json.dumps(d, indent=2)

    return {
        "truncated": (text[: len(text) // 2], "not valid JSON"),
        "merge conflict": ("<<<<<<< HEAD\n" + text, "not valid JSON"),
        "empty": ("", "not valid JSON"),
        "not an object": ("[]", "schema"),
        "future format": (edited(lambda d: d.update(format_version=99)), "format_version 99"),
        "missing record member": (
            edited(lambda d: d["entries"][key]["record"].pop("status")), "'status' is a required"),
        "wrong type": (edited(lambda d: d["entries"][key]["record"].update(status=5)),
                       "record.status"),
        "unknown member": (edited(lambda d: d["entries"][key].update(endpoint="x")),
                           "endpoint"),
        "bad timestamp": (edited(lambda d: d["entries"][key].update(resolved_at="yesterday")),
                          "resolved_at"),
        "key mismatch": (edited(lambda d: d["entries"].update({key + "x": d["entries"].pop(key)})),
                         "does not match"),
        "record of another model": (
            edited(lambda d: d["entries"][key]["record"].update(trained_model_arn=FRAUD)),
            "does not match the key"),
        "duplicate key": (text.replace('"format_version": 1', '"format_version": 1,\n'
                                       '  "format_version": 1'), "duplicate key"),
    }


def test_broken_files_are_refused_with_path_and_reason(emulator, lock_path):
    text = _locked_example(emulator, lock_path)
    for name, (broken, reason) in _broken_variants(text).items():
        lock_path.write_text(broken)
        with pytest.raises(LockFileError) as caught:
            lockfile_store.read(lock_path)
        message = str(caught.value)
        assert str(lock_path) in message, name
        assert reason in message, (name, message)
        assert "\n" not in message, name
        # never half-used: synth refuses too instead of resolving around the damage
        with pytest.raises(LockFileError):
            resolve_for_synth(ModelRef(CHURN, COLLABORATION), lock_path=lock_path,
                                       settings=_settings(emulator.url))
        assert lock_path.read_text() == broken, name


def test_cli_refuses_a_broken_file_in_one_line(emulator, lock_path):
    text = _locked_example(emulator, lock_path)
    lock_path.write_text(text.replace('"ACTIVE"', '"ACTIVE",', 1))
    result = run_cli("lock", "show", "--lock-file", str(lock_path))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(lock_path) in result.stderr and "not valid JSON" in result.stderr


# --------------------------------------------------------------------------- atomic writes


def test_atomic_write_failure_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "file.json"
    target.write_text("old\n")
    os.chmod(target, 0o640)

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write_text(target, "new\n" * 1000)
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["file.json"]
    monkeypatch.undo()
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert os.stat(target).st_mode & 0o777 == 0o640  # permissions survive the replace
    assert os.listdir(tmp_path) == ["file.json"]


def test_lock_write_failure_is_a_lock_file_error(emulator, lock_path, monkeypatch):
    text = _locked_example(emulator, lock_path)
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(13, "denied")))
    with pytest.raises(LockFileError, match="cannot be written"):
        lockfile_store.write(lockfile_store.read(lock_path))
    assert lock_path.read_text() == text
    assert sorted(p.name for p in lock_path.parent.iterdir()) == sorted(
        [lock_path.name, lockfile_store.sidecar_path(lock_path).name])


def test_concurrent_writers_lose_nothing(emulator, lock_path, example_data):
    base = record.normalize(example_data[0])
    refs = [ModelRef(f"{ARN_PREFIX}writer-{i:02d}", COLLABORATION) for i in range(24)]

    def add(ref: ModelRef) -> None:
        rec = dict(base, trained_model_arn=ref.trained_model_arn)
        lockfile_store.update(lock_path, lambda lock: lock.put(lockfile_model.new_entry(ref, rec)))

    threads = [threading.Thread(target=add, args=(ref,)) for ref in refs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(lockfile_store.read(lock_path).entries) == {ref.key for ref in refs}


# --------------------------------------------------------------------------- location and CI


def test_default_location_is_next_to_cdktf_json(tmp_path, monkeypatch):
    (tmp_path / "cdktf.json").write_text("{}")
    nested = tmp_path / "src" / "stacks"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    assert lockfile_project.default_lock_path() == tmp_path.resolve() / "cleanroomsml.lock.json"
    bare = tmp_path.parent / f"{tmp_path.name}-bare"
    bare.mkdir()
    monkeypatch.chdir(bare)
    assert lockfile_project.default_lock_path() == bare.resolve() / "cleanroomsml.lock.json"


@pytest.mark.parametrize("variables", [{"CI": "true"}, {lockfile_project.LOCKED_VARIABLE: "1"}])
def test_read_only_missing_entry_names_the_command(emulator, lock_path, monkeypatch, variables):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    ref = ModelRef(CHURN, COLLABORATION, CHURN_V1)
    before = emulator.request_count
    with pytest.raises(LockEntryMissingError) as caught:
        resolve_for_synth(ref, lock_path=lock_path, settings=_settings(emulator.url))
    assert not lock_path.exists() and emulator.request_count == before
    command = caught.value.command
    assert command in str(caught.value)
    assert command.startswith("cleanroomsml-tf lock add --trained-model-arn ")
    words = shlex.split(command)
    assert words[words.index("--version-identifier") + 1] == CHURN_V1
    assert words[words.index("--lock-file") + 1] == str(lock_path)
    # the named command really fixes it
    result = run_cli(*words[1:], "--endpoint-url", emulator.url)
    assert result.returncode == 0, result.stderr
    got = resolve_for_synth(ref, lock_path=lock_path, settings=_settings(emulator.url))
    assert got["version_identifier"] == CHURN_V1


def test_explicit_zero_overrides_ci(emulator, lock_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv(lockfile_project.LOCKED_VARIABLE, "0")
    resolve_for_synth(ModelRef(FRAUD, COLLABORATION), lock_path=lock_path,
                               settings=_settings(emulator.url))
    assert lock_path.exists()


# --------------------------------------------------------------------------- lock subcommand


def test_lock_add_all_show_and_remove(emulator, lock_path, capsys):
    assert cli_main(["lock", "add", "--collaboration-identifier", COLLABORATION, "--all",
                     "--lock-file", str(lock_path), "--endpoint-url", emulator.url]) == 0
    lock = lockfile_store.read(lock_path)
    assert {e.ref.trained_model_arn for e in lock.entries.values()} == {
        CHURN, FRAUD, ARN_PREFIX + "c0ffee00-3333-4a2b-9c3d-000000000003"}
    assert all(e.follows_latest for e in lock.entries.values())
    assert lock.entries[ModelRef(CHURN, COLLABORATION).key].record["version_identifier"] == CHURN_V2
    capsys.readouterr()

    assert cli_main(["lock", "show", "--lock-file", str(lock_path)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["NAME", "REQUESTED", "VERSION", "STATUS"]
    assert len(table) == 4 and any("churn-predictor" in line for line in table)

    assert cli_main(["lock", "show", "--lock-file", str(lock_path), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [e["key"] for e in shown] == sorted(lock.entries)

    key = ModelRef(FRAUD, COLLABORATION).key
    assert cli_main(["lock", "remove", key, "--lock-file", str(lock_path)]) == 0
    assert key not in lockfile_store.read(lock_path).entries


def test_refresh_selected_entry_only(make_emulator, example_data, lock_path):
    server = make_emulator(models=example_data)
    _locked_example(server, lock_path)
    for model in example_data:
        model["status"] = "INACTIVE"
    server.replace_models(example_data)
    fraud_key = ModelRef(FRAUD, COLLABORATION).key
    assert cli_main(["lock", "refresh", fraud_key, "--lock-file", str(lock_path),
                     "--endpoint-url", server.url]) == 0
    statuses = {k: e.record["status"] for k, e in lockfile_store.read(lock_path).entries.items()}
    assert statuses.pop(fraud_key) == "INACTIVE"
    assert set(statuses.values()) == {"ACTIVE"}


def test_lock_add_failure_writes_nothing(tmp_path, lock_path):
    result = run_cli("lock", "add", "--trained-model-arn", CHURN, "--collaboration-identifier",
                     COLLABORATION, "--lock-file", str(lock_path),
                     "--endpoint-url", "http://127.0.0.1:9", "--max-attempts", "1")
    assert result.returncode == 1
    assert "endpoint unreachable" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr and not lock_path.exists()


def test_lock_usage_errors(lock_path, capsys):
    with pytest.raises(SystemExit) as caught:
        cli_main(["lock", "add", "--collaboration-identifier", COLLABORATION, "--all",
                  "--trained-model-arn", CHURN, "--lock-file", str(lock_path)])
    assert caught.value.code == 1
    assert "--all" in capsys.readouterr().err
    assert cli_main(["lock", "refresh", "nope", "--lock-file", str(lock_path)]) == 1
    assert "does not exist" in capsys.readouterr().err
