"""The installed botocore's Clean Rooms ML service model: shapes, patterns, limits, enums.

Loaded lazily and once: importing botocore and reading the model costs ~100 ms, which the
Terraform plugin must not pay before its handshake.
"""

from __future__ import annotations

import functools
from typing import Any

SERVICE_NAME = "cleanroomsml"
GET_OPERATION = "GetCollaborationTrainedModel"
LIST_OPERATION = "ListCollaborationTrainedModels"


@functools.cache
def service_model() -> Any:
    """botocore's ``ServiceModel`` for Clean Rooms ML (cached)."""
    import botocore.session

    return botocore.session.get_session().get_service_model(SERVICE_NAME)


def operation(name: str) -> Any:
    """botocore's ``OperationModel`` for an operation of the service."""
    return service_model().operation_model(name)


@functools.cache
def input_constraints(operation_name: str = GET_OPERATION) -> dict[str, dict[str, Any]]:
    """``{api member name: {"min", "max", "pattern"}}`` for the string inputs of an operation."""
    members = operation(operation_name).input_shape.members
    return {
        name: {k: shape.metadata[k] for k in ("min", "max", "pattern") if k in shape.metadata}
        for name, shape in members.items()
        if shape.type_name == "string"
    }


def enum_values(shape_name: str) -> list[str]:
    """The enum values the installed botocore knows for a shape (e.g. ``TrainedModelStatus``)."""
    return list(service_model().shape_for(shape_name).enum)
