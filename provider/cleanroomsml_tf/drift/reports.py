"""Drift report renderers: text, json, junit, github (workflow commands), markdown, sarif.

Service text (names, statuses, errors) is escaped for each format: control characters in the
text and GitHub reports, HTML too in the markdown one (:mod:`cleanroomsml_tf.output.escape`).

Each renderer takes a :class:`~cleanroomsml_tf.drift.check.DriftReport` and returns the whole
output as one string (ending in a newline), so ``--output`` can write it atomically. Every format
names an entry by its display name (:attr:`DriftReport.display_names`: the model name, plus the
collaboration or model ID when names collide) and keeps the full entry key within reach. SARIF
lives in :mod:`cleanroomsml_tf.drift.sarif`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cleanroomsml_tf.output.escape import markdown, terminal

if TYPE_CHECKING:  # types only: the CLI's parser imports FORMATS, and must stay light
    from cleanroomsml_tf.drift.check import DriftReport, EntryResult, NewModel

FORMATS = ("text", "json", "junit", "github", "markdown", "sarif")


def render(report: DriftReport, fmt: str) -> str:
    """The report in format ``fmt`` (one of :data:`FORMATS`)."""
    renderers: dict[str, Callable[[DriftReport], str]] = {
        "text": render_text,
        "json": render_json,
        "junit": render_junit,
        "github": render_github,
        "markdown": render_markdown,
        "sarif": _render_sarif,
    }
    return renderers[fmt](report)


def _render_sarif(report: DriftReport) -> str:
    from cleanroomsml_tf.drift.sarif import render_sarif

    return render_sarif(report)


def _verdict(report: DriftReport) -> str:
    return {0: "no drift", 2: "drift found", 1: "check failed"}[report.exit_code]


# --------------------------------------------------------------------------- text


def render_text(report: DriftReport) -> str:
    """Human-readable: one block per drifted/unchecked entry, then a summary line."""
    lines: list[str] = []
    for result in report.results:
        name = report.display_name(result)
        if result.outcome == "drifted":
            lines.append(f"DRIFT  {name}  [{result.key}]")
            lines.extend(f"         {finding.message()}" for finding in result.findings)
        elif result.outcome == "unchecked":
            lines.append(f"ERROR  {name}  [{result.key}]")
            lines.append(f"         could not be checked: {result.error}")
    for model in report.new_models:
        lines.append(f"NEW    {report.display_names[model.key]}  [{model.trained_model_arn}]")
        lines.append(f"         {model.message()}")
    for error in report.watch_errors:
        lines.append(f"ERROR  {error}")
    lines.append(f"{_verdict(report)}: {report.summary()}; lock file {report.lock_path}")
    # Names, statuses and errors are service text: no raw control character reaches a terminal.
    return "\n".join(terminal(line) for line in lines) + "\n"


# --------------------------------------------------------------------------- json


def report_json(report: DriftReport) -> dict[str, Any]:
    """The report as a JSON-ready dict (documented in docs/drift.md)."""
    return {
        "lock_file": report.lock_path,
        "fields": list(report.fields),
        "shard": str(report.shard) if report.shard else None,
        "exit_code": report.exit_code,
        "summary": {
            "entries_in_lock_file": report.total_entries,
            "checked": len(report.results),
            "drifted": len(report.by_outcome("drifted")),
            "unchecked": len(report.by_outcome("unchecked")),
            "clean": len(report.by_outcome("clean")),
            "new_models": len(report.new_models),
        },
        "entries": [_entry_json(result, report.display_name(result))
                    for result in report.results],
        "new_models": [_new_model_json(model, report.display_names[model.key])
                       for model in report.new_models],
        "watch_errors": list(report.watch_errors),
    }


def _new_model_json(model: NewModel, display_name: str) -> dict[str, Any]:
    return {
        "key": model.key,
        "display_name": display_name,
        "name": model.name,
        "trained_model_arn": model.trained_model_arn,
        "collaboration_identifier": model.collaboration_identifier,
        "status": model.status,
        "message": model.message(),
    }


def _entry_json(result: EntryResult, display_name: str) -> dict[str, Any]:
    ref = result.entry.ref
    return {
        "key": result.key,
        "display_name": display_name,
        "name": result.entry.record.get("name"),
        "trained_model_arn": ref.trained_model_arn,
        "collaboration_identifier": ref.collaboration_identifier,
        "requested_version": ref.version_identifier or "latest",
        "outcome": result.outcome,
        "findings": [
            {
                "kind": f.kind,
                "field": f.field,
                "locked": f.locked,
                "live": f.live,
                "message": f.message(),
            }
            for f in result.findings
        ],
        "error": (
            {"kind": result.error_kind, "message": result.error} if result.error else None
        ),
    }


def render_json(report: DriftReport) -> str:
    """Stable JSON (two-space indent, trailing newline)."""
    return json.dumps(report_json(report), indent=2) + "\n"


# --------------------------------------------------------------------------- junit

# XML 1.0 cannot carry most control characters even escaped; ElementTree would emit them raw
# and produce a document no parser accepts.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _XML_INVALID.sub("\ufffd", value)


def render_junit(report: DriftReport) -> str:
    """JUnit XML: one testcase per entry, ``failure`` when drifted, ``error`` when unchecked."""
    import xml.etree.ElementTree as ET

    drifted, unchecked = report.by_outcome("drifted"), report.by_outcome("unchecked")
    counts = {
        "tests": str(len(report.results)),
        "failures": str(len(drifted)),
        "errors": str(len(unchecked)),
        "skipped": "0",
        "time": f"{report.duration_s:.3f}",
    }
    suites = ET.Element("testsuites", {"name": "cleanroomsml-tf drift", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "cleanroomsml-tf drift", **counts})
    properties = ET.SubElement(suite, "properties")
    for name, value in (("lock_file", report.lock_path), ("fields", ",".join(report.fields)),
                        ("shard", str(report.shard or ""))):
        ET.SubElement(properties, "property", {"name": name, "value": _xml_text(value)})
    for result in report.results:
        _junit_case(suite, result, report.display_name(result))
    for model in report.new_models:
        _junit_new_model(suite, model, report.display_names[model.key])
    for message in report.watch_errors:
        case = ET.SubElement(suite, "testcase", {
            "classname": "cleanroomsml-tf.drift.watched", "name": _xml_text(message),
            "time": "0"})
        ET.SubElement(case, "error", {"message": _xml_text(message), "type": "watch"})
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _junit_new_model(suite: Any, model: NewModel, name: str) -> None:
    import xml.etree.ElementTree as ET

    case = ET.SubElement(suite, "testcase", {
        "classname": _xml_text(f"cleanroomsml-tf.drift.{model.collaboration_identifier}"),
        "name": _xml_text(f"{name} [{model.key}]"),
        "time": "0",
    })
    failure = ET.SubElement(case, "failure", {
        "message": _xml_text(f"{name}: {model.message()}"), "type": "new_model"})
    failure.text = _xml_text(model.message())


def _junit_case(suite: Any, result: EntryResult, name: str) -> None:
    import xml.etree.ElementTree as ET

    collaboration = result.entry.ref.collaboration_identifier
    case = ET.SubElement(suite, "testcase", {
        "classname": _xml_text(f"cleanroomsml-tf.drift.{collaboration}"),
        "name": _xml_text(f"{name} [{result.key}]"),
        "time": "0",
    })
    if result.outcome == "drifted":
        messages = [f.message() for f in result.findings]
        failure = ET.SubElement(case, "failure", {
            "message": _xml_text(f"{name} drifted: " + "; ".join(messages)),
            "type": "drift",
        })
        failure.text = _xml_text("\n".join(messages))
    elif result.outcome == "unchecked":
        error = ET.SubElement(case, "error", {
            "message": _xml_text(f"{name} could not be checked: {result.error}"),
            "type": result.error_kind or "error",
        })
        error.text = _xml_text(result.error or "")


# --------------------------------------------------------------------------- github


def escape_data(text: str) -> str:
    """Escape a workflow-command message (the part after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value (``title=...``): data escapes plus ``:`` ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, title: str, message: str) -> str:
    # Control characters escaped first (ESC would color or rewrite the CI log); CR and LF are
    # left to the workflow-command escaping (%0D, %0A).
    title, message = (terminal(text, keep_line_breaks=True) for text in (title, message))
    return f"::{kind} title={escape_property(title)}::{escape_data(message)}"


def render_github(report: DriftReport) -> str:
    """GitHub Actions workflow commands: ``::error`` per drifted or unchecked entry, one
    ``::notice`` summing up the clean ones (GitHub shows at most 10 annotations of a kind per
    step, so one per clean model would crowd out the errors)."""
    lines: list[str] = []
    for result in report.results:
        name = report.display_name(result)
        if result.outcome == "drifted":
            body = "\n".join(f.message() for f in result.findings)
            lines.append(_command("error", f"Drift: {name}", f"{result.key}\n{body}"))
        elif result.outcome == "unchecked":
            lines.append(_command(
                "error", f"Drift check failed: {name}",
                f"{result.key}\ncould not be checked: {result.error}",
            ))
    for model in report.new_models:
        lines.append(_command("warning", f"New model: {report.display_names[model.key]}",
                              f"{model.trained_model_arn}\n{model.message()}"))
    lines += [_command("error", "Drift check failed: watched collaboration", error)
              for error in report.watch_errors]
    clean = report.by_outcome("clean")
    if clean:
        names = ", ".join(report.display_name(r) for r in clean[:20]) + (
            " ..." if len(clean) > 20 else "")
        lines.append(_command("notice", "No drift", f"{len(clean)} model(s) unchanged: {names}"))
    lines.append(_command("notice" if report.exit_code == 0 else "error",
                          f"Drift check: {_verdict(report)}", report.summary()))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- markdown


def _cell(value: Any) -> str:
    """A table cell (or inline code): no HTML, no control characters, one line."""
    text = markdown("null" if value is None else str(value))
    return " ".join(text.split()) or " "


def render_markdown(report: DriftReport) -> str:
    """A summary for ``$GITHUB_STEP_SUMMARY``: the verdict, a compact table of differences
    (display names), failures, and the full entry keys in a collapsed details block."""
    icon = {0: ":white_check_mark:", 2: ":warning:", 1: ":x:"}[report.exit_code]
    lines = [
        f"### {icon} Clean Rooms ML drift: {_verdict(report)}",
        "",
        f"{report.summary()}. Lock file `{_cell(report.lock_path)}`; "
        f"fields: {', '.join(f'`{f}`' for f in report.fields)}.",
    ]
    drifted = report.by_outcome("drifted")
    if drifted:
        lines += ["", "| Model | Field | Locked | Live |", "| --- | --- | --- | --- |"]
        lines += [_markdown_row(report.display_name(r), r, f) for r in drifted for f in r.findings]
    unchecked = report.by_outcome("unchecked")
    if unchecked:
        lines += ["", "**Could not be checked**", "", "| Model | Reason |", "| --- | --- |"]
        lines += [f"| {_cell(report.display_name(r))} | {_cell(r.error)} |" for r in unchecked]
        lines += [f"| (watched collaboration) | {_cell(e)} |" for e in report.watch_errors]
    elif report.watch_errors:
        lines += ["", "**Could not be checked**", "", "| Model | Reason |", "| --- | --- |"]
        lines += [f"| (watched collaboration) | {_cell(e)} |" for e in report.watch_errors]
    if report.new_models:
        lines += ["", "**New models in watched collaborations** (not locked)", "",
                  "| Model | Status | Adopt with |", "| --- | --- | --- |"]
        lines += [f"| {_cell(report.display_names[m.key])} | {_cell(m.status)} | "
                  f"`{_cell(m.adopt_command)}` |" for m in report.new_models]
    lines += _markdown_keys(report, [*drifted, *unchecked])
    return "\n".join(lines) + "\n"


def _markdown_row(name: str, result: EntryResult, finding: Any) -> str:
    field = {"missing": "(model)", "new_version": f"newer version ({finding.field})"}.get(
        finding.kind, finding.field)
    missing = finding.kind == "missing"
    # a missing model: its locked version (or, for a model without versions, that it existed)
    locked = (result.entry.record.get("version_identifier") or "exists") if missing \
        else finding.locked
    live = "not found" if missing else finding.live
    return f"| {_cell(name)} | {_cell(field)} | {_cell(locked)} | {_cell(live)} |"


def _markdown_keys(report: DriftReport, results: list[EntryResult]) -> list[str]:
    """``<details>`` with each listed model's full entry key (collaboration, ARN, version)."""
    if not results:
        return []
    lines = ["", "<details><summary>Lock-file entries</summary>", "",
             "| Model | Entry key |", "| --- | --- |"]
    lines += [f"| {_cell(report.display_name(r))} | `{_cell(r.key)}` |" for r in results]
    return [*lines, "", "</details>"]
