"""Emulator data: loading and validating data files, and the indexed, immutable data set.

A data set is built once per :meth:`Emulator.replace_models` call and never mutated, so request
threads read it without locks (swapping the reference is atomic). Response bodies are encoded
once here, not per request: the drift check sends thousands of lookups through the emulator.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cleanroomsml_tf.emulator import protocol
from cleanroomsml_tf.model.errors import CleanroomsmlTfError
from cleanroomsml_tf.model.record import TRAINED_MODEL_SUMMARY, parse_timestamp


class EmulatorError(CleanroomsmlTfError):
    """The emulator cannot start or run (address in use, bad settings...)."""

    summary = "Emulator error"


class EmulatorDataError(EmulatorError):
    """A data file or model list is not valid emulator data. The message names item and field."""

    summary = "Invalid emulator data"


EXAMPLE_DATA_FILE = "example_models.json"
EXAMPLE_COLLABORATION = "3f6a1c2e-9b8d-4e7f-a1b2-c3d4e5f60718"
"""The collaboration of the built-in example data (the demo, the docs and the tests use it)."""
EXAMPLE_MODEL_ARN = (
    "arn:aws:cleanrooms-ml:us-east-1:111122223333:membership/"
    "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/trained-model/c0ffee00-1111-4a2b-9c3d-000000000001"
)
"""``churn-predictor`` in the example data: ACTIVE, two versions; the demo's model."""


def example_document() -> dict[str, Any]:
    """The built-in example data file, parsed (a fresh copy each call)."""
    text = resources.files("cleanroomsml_tf").joinpath("data", EXAMPLE_DATA_FILE).read_text(
        "utf-8"
    )
    return json.loads(text)


def example_models() -> list[dict[str, Any]]:
    """The built-in example trained models (a fresh, mutable copy each call)."""
    return example_document()["trainedModels"]


def load_data_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a data file; returns the document (``{"trainedModels": [...], ...}``).

    The result can be passed as ``models`` to :class:`Emulator` (its ``accessDenied`` is kept).
    Raises :class:`EmulatorDataError` naming the file, the item and the field.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise EmulatorDataError(f"cannot read emulator data {source}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise EmulatorDataError(f"cannot read emulator data {source}: {error}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise EmulatorDataError(f"invalid emulator data {source}: not JSON: {error}") from None
    DataSet(document, source)  # validates, and finds versions listed twice, naming the file
    return document


def validate_document(document: Any, source: str = "data") -> None:
    """Raise :class:`EmulatorDataError` unless ``document`` is valid emulator data."""
    from cleanroomsml_tf.emulator.validation import first_problem

    problem = first_problem(document)
    if problem is not None:
        raise EmulatorDataError(f"invalid emulator data {source}: {problem}")


def as_document(
    models: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
    access_denied: Iterable[str] = (),
) -> dict[str, Any]:
    """A data document from what callers pass: ``None`` (example data), a list of models, or a
    document (``{"trainedModels": [...], "accessDenied": [...]}``). ``access_denied`` adds to
    the document's own list. Deep-copied, so later changes by the caller do not leak in."""
    if models is None:
        document = example_document()
    elif isinstance(models, Mapping):
        document = copy.deepcopy(dict(models))
    else:
        document = {"trainedModels": copy.deepcopy(list(models))}
    extra = list(access_denied)
    if extra:
        document["accessDenied"] = [*document.get("accessDenied", []), *extra]
    return document


def _encode(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def summary_of(item: Mapping[str, Any]) -> dict[str, Any]:
    """The ListCollaborationTrainedModels summary of one model version (API names)."""
    return {a.api_name: item[a.api_name] for a in TRAINED_MODEL_SUMMARY if a.api_name in item}


@dataclass
class _Model:
    """All versions of one (collaboration, ARN), oldest first."""

    versions: list[tuple[_dt.datetime, int, dict[str, Any]]] = field(default_factory=list)
    bodies: dict[str | None, bytes] = field(default_factory=dict)
    latest_body: bytes = b""
    summary: dict[str, Any] = field(default_factory=dict)


class DataSet:
    """Validated models indexed for the two operations. Immutable once built."""

    def __init__(self, document: Mapping[str, Any], source: str = "data") -> None:
        validate_document(document, source)
        self._source = source
        self.access_denied = frozenset(document.get("accessDenied", ()))
        self._models: dict[tuple[str, str], _Model] = {}
        # Per collaboration, model keys in order of first appearance: a stable list order.
        self._by_collaboration: dict[str, list[tuple[str, str]]] = {}
        for index, item in enumerate(document["trainedModels"]):
            self._add(index, item)
        for model in self._models.values():
            # Latest = greatest createTime; a tie goes to the later item in the file.
            model.versions.sort(key=lambda v: (v[0], v[1]))
            latest = model.versions[-1][2]
            model.latest_body = _encode(latest)
            model.summary = summary_of(latest)
        self.served = self._served()
        # The same bodies by the request target botocore sends for them: no routing either.
        self.served_targets = {
            protocol.get_target(*key): body for key, body in self.served.items()}

    def _served(self) -> dict[tuple[str, str, str | None], bytes]:
        """The body of each successful GetCollaborationTrainedModel, by (collaboration, ARN,
        version or ``None`` for the latest): every identifier in it was validated with the
        data, so a request that hits it needs no checks (denied models are left out)."""
        served: dict[tuple[str, str, str | None], bytes] = {}
        for (collaboration, arn), model in self._models.items():
            if self.denied(collaboration, arn):
                continue
            served[(collaboration, arn, None)] = model.latest_body
            for version, body in model.bodies.items():
                served[(collaboration, arn, version)] = body
        return served

    def _add(self, index: int, item: Mapping[str, Any]) -> None:
        key = (item["collaborationIdentifier"], item["trainedModelArn"])
        model = self._models.get(key)
        if model is None:
            model = self._models[key] = _Model()
            self._by_collaboration.setdefault(key[0], []).append(key)
        version = item.get("versionIdentifier")
        if version is not None:
            if version in model.bodies:
                raise EmulatorDataError(
                    f"invalid emulator data {self._source}: trainedModels[{index}] "
                    f"(trainedModelArn {key[1]}): field 'versionIdentifier': version {version} "
                    f"appears twice for this model in collaboration {key[0]}"
                )
            model.bodies[version] = _encode(item)
        model.versions.append((parse_timestamp(item["createTime"]), index, dict(item)))

    def knows_collaboration(self, collaboration: str) -> bool:
        """True when at least one model belongs to the collaboration."""
        return collaboration in self._by_collaboration

    def get_body(self, collaboration: str, arn: str, version: str | None) -> bytes | None:
        """The encoded GetCollaborationTrainedModel response, or ``None`` when unknown."""
        model = self._models.get((collaboration, arn))
        if model is None:
            return None
        if version is None:
            return model.latest_body
        return model.bodies.get(version)

    def has_model(self, collaboration: str, arn: str) -> bool:
        """True when the collaboration has a model with this ARN (any version)."""
        return (collaboration, arn) in self._models

    def summaries(self, collaboration: str) -> list[dict[str, Any]]:
        """One summary per model of the collaboration (its latest version), in a stable order."""
        return [self._models[key].summary for key in self._by_collaboration.get(collaboration, [])]

    def denied(self, *identifiers: str) -> bool:
        """True when any of the identifiers is in the data's ``accessDenied`` list."""
        return any(i in self.access_denied for i in identifiers)
