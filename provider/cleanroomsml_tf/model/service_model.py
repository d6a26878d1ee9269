"""The installed botocore's Clean Rooms ML service model: shapes, patterns, limits, enums.

Two sources, one truth:

* what validation needs (input patterns and lengths, enum values) is precomputed from
  botocore's model into :mod:`cleanroomsml_tf.model.service_constraints`, a generated,
  checked-in module, so that validating an identifier never imports botocore (~100 ms, paid
  in two of the three plugin launches of every ``terraform plan``).
  ``tests/test_service_model.py`` regenerates it from the installed botocore and fails when it
  differs; ``python -m cleanroomsml_tf.model.service_model`` rewrites it after an upgrade.
* everything else (output shapes, for the emulator and the tests) comes from botocore's
  ``ServiceModel``, loaded lazily and exactly once per process, even when many threads ask at
  once (``functools.cache`` would let each of them load it).
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

SERVICE_NAME = "cleanroomsml"
GET_OPERATION = "GetCollaborationTrainedModel"
LIST_OPERATION = "ListCollaborationTrainedModels"
OPERATIONS = (GET_OPERATION, LIST_OPERATION)

_lock = threading.Lock()
_model: list[Any] = []  # the one ServiceModel, once loaded


def service_model() -> Any:
    """botocore's ``ServiceModel`` for Clean Rooms ML, loaded once per process.

    Read with botocore's loader, not through a session: a session reads the AWS config files
    and the selected profile, and validation must work (offline, in ``terraform validate``)
    whatever ``AWS_PROFILE`` names — even a profile that does not exist.
    """
    if not _model:
        with _lock:
            if not _model:  # another thread may have loaded it while this one waited
                import botocore.loaders
                import botocore.model

                data = botocore.loaders.create_loader().load_service_model(
                    SERVICE_NAME, "service-2")
                _model.append(botocore.model.ServiceModel(data, service_name=SERVICE_NAME))
    return _model[0]


def operation(name: str) -> Any:
    """botocore's ``OperationModel`` for an operation of the service."""
    return service_model().operation_model(name)


def input_constraints(operation_name: str = GET_OPERATION) -> dict[str, dict[str, Any]]:
    """``{api member name: {"min", "max", "pattern"}}`` for the string inputs of an operation
    (precomputed: no botocore import)."""
    from cleanroomsml_tf.model.service_constraints import INPUT_CONSTRAINTS

    return INPUT_CONSTRAINTS[operation_name]


TRAINED_MODEL_STATUS = "TrainedModelStatus"
"""The shape of a trained model's ``status`` (what an allow-list of statuses is checked against)."""


def enum_values(shape_name: str) -> list[str]:
    """The enum values the installed botocore knows for a shape (e.g. ``TrainedModelStatus``)
    (precomputed: no botocore import)."""
    from cleanroomsml_tf.model.service_constraints import ENUMS

    return list(ENUMS[shape_name])


# -- generating service_constraints.py ---------------------------------------------------------


def constraints_from_model(model: Any) -> dict[str, Any]:
    """What validation needs from a botocore ``ServiceModel``: the string inputs' constraints
    of both operations, and every enum their outputs can hold."""
    inputs = {
        name: {
            member: {k: shape.metadata[k] for k in ("min", "max", "pattern")
                     if k in shape.metadata}
            for member, shape in model.operation_model(name).input_shape.members.items()
            if shape.type_name == "string"
        }
        for name in OPERATIONS
    }
    enums: dict[str, list[str]] = {}
    seen: set[str] = set()

    def walk(shape: Any) -> None:
        if shape.name in seen:
            return
        seen.add(shape.name)
        if getattr(shape, "enum", None):
            enums[shape.name] = list(shape.enum)
        if shape.type_name == "structure":
            for member in shape.members.values():
                walk(member)
        elif shape.type_name == "list":
            walk(shape.member)
        elif shape.type_name == "map":
            walk(shape.key)
            walk(shape.value)

    for name in OPERATIONS:
        walk(model.operation_model(name).output_shape)
    return {"api_version": model.api_version, "inputs": inputs,
            "enums": dict(sorted(enums.items()))}


def render_constraints(data: dict[str, Any]) -> str:
    """The text of ``service_constraints.py`` for ``data`` (from :func:`constraints_from_model`).

    JSON literals are Python literals here (strings, integers, lists, dicts), so ``json.dumps``
    renders them deterministically."""
    def literal(value: Any) -> str:
        return json.dumps(value, indent=4, ensure_ascii=True)

    return (
        '"""What validation needs from botocore\'s Clean Rooms ML service model, precomputed.\n'
        "\n"
        "GENERATED from the installed botocore by\n"
        "``python -m cleanroomsml_tf.model.service_model``; do not edit.\n"
        "tests/test_service_model.py fails when this differs from the installed botocore's\n"
        "model: regenerate, and review the diff.\n"
        '"""\n'
        "# ruff: noqa: E501\n"
        "\n"
        "from typing import Any\n"
        "\n"
        f"API_VERSION = {literal(data['api_version'])}\n"
        "\n"
        "# operation -> string input member -> {min, max, pattern}\n"
        f"INPUT_CONSTRAINTS: dict[str, dict[str, dict[str, Any]]] = {literal(data['inputs'])}\n"
        "\n"
        "# enum shape (of either operation's output) -> values\n"
        f"ENUMS: dict[str, list[str]] = {literal(data['enums'])}\n"
    )


def generated_path() -> Path:
    """Where the generated module lives (next to this one)."""
    from pathlib import Path  # here: validation (the plugin's launches) never needs it

    return Path(__file__).with_name("service_constraints.py")


def main(argv: list[str] | None = None) -> int:
    """Regenerate ``service_constraints.py`` from the installed botocore (``--check``: only
    say whether it is current, exit 1 when not)."""
    args = sys.argv[1:] if argv is None else argv
    text = render_constraints(constraints_from_model(service_model()))
    path = generated_path()
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if "--check" in args:
        print(f"{path.name}: {'current' if current == text else 'OUT OF DATE'}")
        return 0 if current == text else 1
    if current != text:
        path.write_text(text, encoding="utf-8")
    print(f"{path.name}: {'unchanged' if current == text else 'rewritten'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
