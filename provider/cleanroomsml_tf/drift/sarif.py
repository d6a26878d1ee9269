"""The drift report as SARIF 2.1.0 (``drift --format sarif``), for GitHub code scanning and
other SARIF readers.

One run. Every rule has a fixed ID and definition, the same on every run whatever
``--fields`` says (the tool declares the rules its results use, in the fixed order of
:func:`all_rules`):

* ``drift/missing``: the model (or the pinned version) no longer exists;
* ``drift/new-version``: an entry locked as latest has a newer version;
* ``drift/new-model``: a model appeared in a watched collaboration and is not locked;
* ``drift/changed/<field>``: one per comparable record field (``drift/changed/status``,
  ``drift/changed/resource_config.instance_type``...).

Each finding is one result located at its entry's line in the lock file (the artifact), with
the entry's display name and full key as its logical location and a partial fingerprint from
rule + key, so a code-scanning alert follows the same entry from run to run. Entries that could
not be checked are tool execution notifications (the invocation then reports
``executionSuccessful: false``): they are failures of the check, not findings.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cleanroomsml_tf.drift.check import DriftReport, EntryResult, Finding

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "cleanroomsml-tf"
FINGERPRINT = "cleanroomsmlDriftEntry/v1"

_FIXED_RULES: tuple[tuple[str, str, str, str], ...] = (
    ("drift/missing", "ModelMissing", "error",
     "The locked trained model (or its pinned version) no longer exists."),
    ("drift/new-version", "NewerVersion", "warning",
     "An entry locked as latest now resolves to another version."),
    ("drift/new-model", "NewModelInWatchedCollaboration", "warning",
     "A trained model appeared in a watched collaboration and is not in the lock file."),
)


def changed_rule_id(field: str) -> str:
    """The rule of a changed field: ``drift/changed/<dotted path>``."""
    return f"drift/changed/{field}"


def rule_id(finding: Finding) -> str:
    """The rule a finding breaks."""
    fixed = {"missing": "drift/missing", "new_version": "drift/new-version"}
    return fixed.get(finding.kind) or changed_rule_id(finding.field or "")


def all_rules() -> list[dict[str, Any]]:
    """Every rule, in their fixed order (fixed rules, then each record field's)."""
    from cleanroomsml_tf.drift.fields import leaf_fields

    result = [_rule(rule_id, name, level, text) for rule_id, name, level, text in _FIXED_RULES]
    for field in sorted(leaf_fields()):
        result.append(_rule(
            changed_rule_id(field), "Changed" + "".join(
                part.title() for part in field.replace(".", "_").split("_")),
            "error", f"The locked value of {field} differs from the live one."))
    return result


def _rule(rule_id: str, name: str, level: str, text: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": text},
        "help": {"text": "Re-lock the entry with `cleanroomsml-tf lock refresh ENTRY` (or "
                         "`lock add` a new model) once the change is intended; see "
                         "docs/drift.md."},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["drift", "clean-rooms-ml"]},
    }


def sarif_log(report: DriftReport) -> dict[str, Any]:
    """The SARIF log object."""
    from cleanroomsml_tf import __version__

    findings = [(r, f) for r in report.by_outcome("drifted") for f in r.findings]
    used = {rule_id(f) for _, f in findings} | ({"drift/new-model"} if report.new_models else set())
    rule_list = [rule for rule in all_rules() if rule["id"] in used]
    index = {rule["id"]: i for i, rule in enumerate(rule_list)}
    uri = artifact_uri(report.lock_path)
    lines = entry_lines(Path(report.lock_path))
    results = [_result(report, result, finding, index, uri, lines) for result, finding in findings]
    results += [_new_model_result(report, model, index, uri)
                for model in report.new_models]
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME, "semanticVersion": __version__, "rules": rule_list}},
            "automationDetails": {"id": f"{TOOL_NAME}/drift/" + (
                f"shard-{report.shard.index}-of-{report.shard.count}" if report.shard else "")},
            "artifacts": [{"location": artifact_location(uri),
                           "roles": ["analysisTarget"]}],
            "invocations": [_invocation(report, uri, lines)],
            "results": results,
            "properties": {"summary": report.summary(), "exitCode": report.exit_code},
        }],
    }


def render_sarif(report: DriftReport) -> str:
    """The SARIF log as text (two-space indent, trailing newline)."""
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"


def artifact_uri(lock_path: str) -> str:
    """The lock file as a URI reference: relative paths stay relative (code scanning resolves
    them from the repository root, ``%SRCROOT%``), and so does an absolute path inside the
    working directory (the default lock file found by project discovery); any other absolute
    path becomes a ``file://`` URI."""
    path = Path(lock_path)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_uri()
    return urllib.parse.quote(path.as_posix())


def artifact_location(uri: str) -> dict[str, Any]:
    """An artifact location: a base ID only on a relative reference (SARIF 2.1.0, 3.4.4: a
    ``uriBaseId`` is meaningless beside an absolute URI, and readers cannot resolve it)."""
    if uri.startswith("file:"):
        return {"uri": uri}
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def entry_lines(path: Path) -> dict[str, int]:
    """``{entry key: line number}`` of each entry in the lock file (best effort: the file may
    have changed since it was read, or be gone; then results point at line 1)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.endswith(": {") and stripped.startswith('"'):
            try:
                key = json.loads(stripped[:-3])
            except ValueError:
                continue
            if isinstance(key, str):
                found.setdefault(key, number)
    return found


def _location(uri: str, line: int, name: str, key: str) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {**artifact_location(uri), "index": 0},
            "region": {"startLine": line},
        },
        "logicalLocations": [{"name": name, "fullyQualifiedName": key, "kind": "resource"}],
    }


def _fingerprint(rule: str, key: str) -> dict[str, str]:
    digest = hashlib.sha256(f"{rule}\n{key}".encode()).hexdigest()[:32]
    return {FINGERPRINT: digest}


def _result(
    report: DriftReport, result: EntryResult, finding: Finding, index: dict[str, int],
    uri: str, lines: dict[str, int],
) -> dict[str, Any]:
    rule = rule_id(finding)
    name = report.display_name(result)
    return {
        "ruleId": rule,
        "ruleIndex": index[rule],
        "level": "warning" if finding.kind == "new_version" else "error",
        "message": {"text": f"{name}: {finding.message()}"},
        "locations": [_location(uri, lines.get(result.key, 1), name, result.key)],
        "partialFingerprints": _fingerprint(rule, result.key),
        "properties": {
            "entryKey": result.key,
            "trainedModelArn": result.entry.ref.trained_model_arn,
            "collaborationIdentifier": result.entry.ref.collaboration_identifier,
            "field": finding.field,
            "locked": finding.locked,
            "live": finding.live,
        },
    }


def _new_model_result(
    report: DriftReport, model: Any, index: dict[str, int], uri: str
) -> dict[str, Any]:
    rule = "drift/new-model"
    name = report.display_names[model.key]
    return {
        "ruleId": rule,
        "ruleIndex": index[rule],
        "level": "warning",
        "message": {"text": f"{name}: {model.message()}"},
        "locations": [_location(uri, 1, name, model.key)],
        "partialFingerprints": _fingerprint(rule, model.key),
        "properties": {
            "trainedModelArn": model.trained_model_arn,
            "collaborationIdentifier": model.collaboration_identifier,
        },
    }


def _invocation(report: DriftReport, uri: str, lines: dict[str, int]) -> dict[str, Any]:
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{report.display_name(r)} could not be checked: {r.error}"},
            "descriptor": {"id": "drift/unchecked"},
            "locations": [_location(uri, lines.get(r.key, 1), report.display_name(r), r.key)],
        }
        for r in report.by_outcome("unchecked")
    ]
    notifications += [
        {"level": "error", "message": {"text": text}, "descriptor": {"id": "drift/unchecked"}}
        for text in report.watch_errors
    ]
    return {
        "executionSuccessful": not notifications,
        "exitCode": report.exit_code,
        "toolExecutionNotifications": notifications,
    }
