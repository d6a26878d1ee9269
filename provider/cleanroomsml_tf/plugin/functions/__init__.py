"""Provider functions (Terraform >= 1.8: ``provider::cleanroomsml::NAME(...)``), registered here.

A function is a class (``common.ProviderFunction``) with ``NAME``, ``signature()`` (a
``tfplugin6.Function`` message) and ``call(arguments) -> Outcome``. The servicer lists them in
GetMetadata, GetProviderSchema and GetFunctions and runs them in CallFunction. Terraform before
1.8 never asks for functions, so offering them costs older versions nothing.
"""

from __future__ import annotations

from cleanroomsml_tf.plugin.functions.common import ProviderFunction


def functions() -> list[type[ProviderFunction]]:
    """Every provider function (imported here, when Terraform asks)."""
    from cleanroomsml_tf.plugin.functions.parse_trained_model_arn import ParseTrainedModelArn

    return [ParseTrainedModelArn]
