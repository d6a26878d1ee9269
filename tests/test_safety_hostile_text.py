"""Hostile service text (issue 11): names and descriptions other collaboration members write.

One model's description holds a lone surrogate, terminal control sequences and raw HTML. Every
other model must stay usable; text outputs must escape control characters, the markdown report
HTML. Lone surrogates become U+FFFD (the replacement character). Real processes and Terraform.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.emulator import run_cli
from tests.support.example_ids import COLLABORATION, FRAUD
from tests.support.terraform import REQUIRED_PROVIDERS

EVIL_NAME = "fraud\x1b]0;pwned\x07\x1b[2J-scorer"
EVIL_DESCRIPTION = ("lone \ud800 surrogate; \x1b[31mred\x1b[0m; bell\x07; cr\rover; "
                    "<!-- hide --> <img src=x onerror=alert(1)>")
RAW_CONTROLS = ("\x1b", "\x07", "\r")


@pytest.fixture
def hostile(make_emulator, example_data) -> Any:
    """An emulator whose fraud-scorer (the version-less model) has a hostile name and
    description; the other models are the examples."""
    models = copy.deepcopy(example_data)
    for model in models:
        if model["trainedModelArn"] == FRAUD:
            model["name"] = EVIL_NAME
            model["description"] = EVIL_DESCRIPTION
    return make_emulator(models=models)


def _clean_of_controls(text: str) -> None:
    for char in RAW_CONTROLS:
        assert char not in text.replace("\r\n", "\n"), f"raw {char!r} in output"
    assert "\ud800" not in text


def test_describe_text_escapes_controls_and_replaces_the_surrogate(hostile):
    result = run_cli("describe", "--format", "text", "--trained-model-arn", FRAUD,
                     "--collaboration-identifier", COLLABORATION, "--endpoint-url", hostile.url)
    assert result.returncode == 0, result.stderr
    _clean_of_controls(result.stdout)
    assert "\\x1b[31mred" in result.stdout and "\\x07" in result.stdout
    assert "lone \ufffd surrogate" in result.stdout


def test_describe_json_carries_the_replacement_character(hostile):
    result = run_cli("describe", "--trained-model-arn", FRAUD, "--collaboration-identifier",
                     COLLABORATION, "--endpoint-url", hostile.url)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["description"] == EVIL_DESCRIPTION.replace("\ud800", "\ufffd")
    assert record["name"] == EVIL_NAME  # JSON escapes controls itself: the value is kept


def test_lock_add_all_locks_every_model_and_lock_show_escapes(hostile, tmp_path):
    lock = tmp_path / "cleanroomsml.lock.json"
    result = run_cli("lock", "add", "--all", "--collaboration-identifier", COLLABORATION,
                     "--lock-file", str(lock), "--endpoint-url", hostile.url)
    assert result.returncode == 0, result.stderr
    _clean_of_controls(result.stdout + result.stderr)
    entries = json.loads(lock.read_text(encoding="utf-8"))["entries"]
    assert len(entries) == 3
    fraud = next(e for e in entries.values() if e["ref"]["trained_model_arn"] == FRAUD)
    assert fraud["record"]["description"] == EVIL_DESCRIPTION.replace("\ud800", "\ufffd")
    show = run_cli("lock", "show", "--lock-file", str(lock))
    assert show.returncode == 0, show.stderr
    _clean_of_controls(show.stdout)
    assert "fraud\\x1b]0;pwned\\x07" in show.stdout


def _drifted_lock(hostile, tmp_path: Path) -> Path:
    lock = tmp_path / "cleanroomsml.lock.json"
    result = run_cli("lock", "add", "--all", "--collaboration-identifier", COLLABORATION,
                     "--lock-file", str(lock), "--endpoint-url", hostile.url)
    assert result.returncode == 0, result.stderr
    # The locked status of the hostile model differs from the live one: it shows in reports.
    document = json.loads(lock.read_text(encoding="utf-8"))
    for entry in document["entries"].values():
        if entry["ref"]["trained_model_arn"] == FRAUD:
            entry["record"]["status"] = "<b>INACTIVE</b>\x1b[5m"
    lock.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return lock


def test_text_and_github_drift_reports_escape_control_characters(hostile, tmp_path):
    lock = _drifted_lock(hostile, tmp_path)
    for fmt in ("text", "github"):
        result = run_cli("drift", "--lock-file", str(lock), "--format", fmt, "--endpoint-url",
                         hostile.url)
        assert result.returncode == 2, result.stderr
        _clean_of_controls(result.stdout)
        assert "pwned" in result.stdout


def test_the_markdown_report_escapes_html(hostile, tmp_path):
    lock = _drifted_lock(hostile, tmp_path)
    result = run_cli("drift", "--lock-file", str(lock), "--format", "markdown",
                     "--endpoint-url", hostile.url)
    assert result.returncode == 2, result.stderr
    _clean_of_controls(result.stdout)
    assert "<b>" not in result.stdout and "&lt;b&gt;INACTIVE&lt;/b&gt;" in result.stdout
    assert "</details>" in result.stdout  # the report's own markup is kept


def test_the_list_data_source_keeps_every_model(hostile, terraform_binary, make_terraform):
    config = REQUIRED_PROVIDERS + f"""
provider "cleanroomsml" {{
  endpoint = "{hostile.url}"
}}
data "cleanroomsml_collaboration_trained_models" "all" {{
  collaboration_identifier = "{COLLABORATION}"
}}
data "cleanroomsml_collaboration_trained_model" "fraud" {{
  trained_model_arn        = "{FRAUD}"
  collaboration_identifier = "{COLLABORATION}"
}}
output "names" {{
  value = [for m in data.cleanroomsml_collaboration_trained_models.all.trained_models : m.name]
}}
output "description" {{
  value = data.cleanroomsml_collaboration_trained_model.fraud.description
}}
"""
    tf = make_terraform(terraform_binary, {"main.tf": config})
    tf.init()
    tf.apply()
    outputs = tf.outputs()
    assert len(outputs["names"]) == 3 and EVIL_NAME in outputs["names"]
    assert outputs["description"] == EVIL_DESCRIPTION.replace("\ud800", "\ufffd")
