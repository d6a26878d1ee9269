"""docs/drift.md cannot drift from the code: its exit-code table and its example of each report
format are generated here, by running the installed console script against a local endpoint,
and this test fails when the file differs. To update the file after a change:

    python -m tests.test_drift_docs

The scenario: a collaboration locked whole (so it is watched) plus a same-named model from a
second collaboration; then one model changes instance type, one is deleted, one gets a newer
version and a new model appears in the watched collaboration. The only value normalized is
JUnit's run time (it differs on every run).
"""

from __future__ import annotations

import copy
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cleanroomsml_tf.cli import exit_codes
from cleanroomsml_tf.drift.reports import FORMATS
from cleanroomsml_tf.emulator import Emulator, example_models
from tests.support.console import run_console
from tests.support.reports import REGION_BEGIN, REGION_END, UPDATE_DOCS_COMMAND

DOC = Path(__file__).resolve().parents[1] / "docs" / "drift.md"
COLLABORATION = "3f6a1c2e-9b8d-4e7f-a1b2-c3d4e5f60718"
OTHER_COLLABORATION = "7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b"
OTHER_CHURN = ("arn:aws:cleanrooms-ml:us-east-1:444455556666:membership/"
               "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/trained-model/"
               "d00dfeed-1111-4a2b-9c3d-000000000001")
LOCK = "cleanroomsml.lock.json"
_LANGUAGE = {"text": "text", "json": "json", "junit": "xml", "github": "text",
             "markdown": "markdown", "sarif": "json"}
_BEGIN, _END = REGION_BEGIN, REGION_END


def _models() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(locked, live) model lists of the scenario."""
    locked = example_models()
    other = copy.deepcopy(locked[0])
    other.update(trainedModelArn=OTHER_CHURN, collaborationIdentifier=OTHER_COLLABORATION,
                 versionIdentifier="b2c3d4e5-0001-4e5f-8a9b-0c1d2e3f4a01")
    locked.append(other)
    live = copy.deepcopy(locked)
    live = [m for m in live if m["name"] != "fraud-scorer"]  # deleted
    for model in live:
        if model["trainedModelArn"] != OTHER_CHURN and model["name"] == "churn-predictor":
            model["resourceConfig"]["instanceType"] = "ml.c5.4xlarge"  # changed
    newer = copy.deepcopy(other)
    newer.update(versionIdentifier="b2c3d4e5-0002-4e5f-8a9b-0c1d2e3f4a02",
                 createTime="2026-10-01T00:00:00Z")  # a newer version
    appeared = copy.deepcopy(locked[0])
    prefix = locked[0]["trainedModelArn"].rsplit("/", 1)[0]
    appeared.update(name="propensity-model",  # new in the watched collaboration
                    trainedModelArn=f"{prefix}/c0ffee00-4444-4a2b-9c3d-000000000004")
    appeared.pop("versionIdentifier")
    return locked, [*live, newer, appeared]


@contextmanager
def _scenario() -> Iterator[tuple[Emulator, Path]]:
    locked, live = _models()
    with Emulator(locked) as server, tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for args in (["--all", "--collaboration-identifier", COLLABORATION],
                     ["--trained-model-arn", OTHER_CHURN, "--collaboration-identifier",
                      OTHER_COLLABORATION]):
            result = run_console("lock", "add", *args, "--lock-file", LOCK,
                                 "--endpoint-url", server.url, cwd=directory)
            assert result.returncode == 0, result.stderr
        server.replace_models(live)
        yield server, directory


def _normalize(fmt: str, text: str) -> str:
    if fmt == "junit":
        text = re.sub(r'time="[0-9.]+"', 'time="0.042"', text)
    return text


def generated_regions() -> dict[str, str]:
    """``{region name: content}`` for every generated region of docs/drift.md."""
    regions = {"exit-codes": exit_codes.markdown_table()}
    with _scenario() as (server, directory):
        for fmt in FORMATS:
            result = run_console("drift", "--lock-file", LOCK, "--format", fmt,
                                 "--endpoint-url", server.url, cwd=directory)
            assert result.returncode == exit_codes.DRIFT, (fmt, result.stderr)
            fence = "~~~~" if "```" in result.stdout else "```"
            regions[f"example-{fmt}"] = (
                f"`cleanroomsml-tf drift --format {fmt}` (exit code {result.returncode}):\n\n"
                f"{fence}{_LANGUAGE[fmt]}\n{_normalize(fmt, result.stdout)}{fence}\n"
            )
    return regions


def render(document: str, regions: dict[str, str]) -> str:
    """``document`` with every generated region's content replaced by ``regions``."""
    for name, content in regions.items():
        begin, end = _BEGIN.format(name=name), _END.format(name=name)
        assert document.count(begin) == document.count(end) == 1, (
            f"docs/drift.md needs exactly one region {name}")
        head, rest = document.split(begin)
        tail = rest.split(end)[1]
        document = f"{head}{begin}\n{content}{end}{tail}"
    return document


def test_docs_drift_md_is_generated_from_the_code():
    current = DOC.read_text(encoding="utf-8")
    expected = render(current, generated_regions())
    assert current == expected, (
        f"docs/drift.md differs from what the code prints: run `{UPDATE_DOCS_COMMAND}` and review "
        "the diff")


def test_every_format_has_an_example():
    document = DOC.read_text(encoding="utf-8")
    for fmt in FORMATS:
        assert _BEGIN.format(name=f"example-{fmt}") in document, fmt


def main() -> int:
    """Rewrite docs/drift.md's generated regions."""
    import os

    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    DOC.write_text(render(DOC.read_text(encoding="utf-8"), generated_regions()),
                   encoding="utf-8")
    print(f"rewrote the generated regions of {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
