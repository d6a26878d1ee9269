"""The Terraform data sources, one module per data source (``common`` holds what they share).

:func:`registered` is the one list of them: the provider serves exactly these. Each class's
``NAME`` comes from its type name in :mod:`cleanroomsml_tf.plugin.arguments`, written there once.
"""

from __future__ import annotations

from typing import Any


def registered() -> tuple[Any, ...]:
    """Every data source class of the provider (imported on first call: start-up stays light)."""
    from cleanroomsml_tf.plugin.data_sources.trained_model import TrainedModelDataSource
    from cleanroomsml_tf.plugin.data_sources.trained_models import TrainedModelsDataSource

    return (TrainedModelDataSource, TrainedModelsDataSource)
