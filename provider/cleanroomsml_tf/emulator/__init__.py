"""The local Clean Rooms ML endpoint ("emulator"): restJson1 exactly as boto3 expects it.

::

    from cleanroomsml_tf.emulator import Emulator

    with Emulator() as em:          # the built-in example data
        client = boto3.client("cleanroomsml", endpoint_url=em.url, ...)

Modules, one per concern: ``data`` (data files, the indexed data set), ``schema`` (the data
file's JSON Schema, generated from the attribute table), ``validation`` (readable data errors),
``protocol`` (routes, input checks, errors, pagination tokens), ``faults`` (injected throttling,
errors, latency), ``http1`` (request and response heads, fast for the common case) and
``server`` (HTTP server, :class:`Emulator`).
"""

from __future__ import annotations

from cleanroomsml_tf.emulator.data import (
    EXAMPLE_COLLABORATION,
    EXAMPLE_MODEL_ARN,
    EmulatorDataError,
    EmulatorError,
    example_models,
    load_data_file,
)
from cleanroomsml_tf.emulator.server import Emulator

__all__ = [
    "EXAMPLE_COLLABORATION",
    "EXAMPLE_MODEL_ARN",
    "Emulator",
    "EmulatorDataError",
    "EmulatorError",
    "example_models",
    "load_data_file",
]
