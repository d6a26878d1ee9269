"""CDK for Terraform support: provider/data source bindings and ``TrainedModelLookup``.

Importing this package imports cdktf (or cdktn, see :mod:`cleanroomsml_tf.cdk.compat`) and so
starts the jsii runtime; it raises :class:`~cleanroomsml_tf.cdk.compat.NodeJsMissingError`
when Node.js is missing. The Terraform plugin never imports it.

One module per concern: ``compat`` (flavour, Node.js check),
``tokens`` (number tokens), ``generated`` (typed getters generated from the attribute table
by ``codegen``; ``getters`` holds their runtime helpers),
``provider`` and ``data_sources`` (the bindings), ``lookup`` (the construct).
"""

from __future__ import annotations

from cleanroomsml_tf.cdk.compat import CdktfUnavailableError, NodeJsMissingError, cdktf_module

cdktf_module()  # fail here, with the Node.js message, rather than inside the bindings

from cleanroomsml_tf.cdk.data_sources import (  # noqa: E402
    DataCleanroomsmlCollaborationTrainedModel,
    DataCleanroomsmlCollaborationTrainedModels,
)
from cleanroomsml_tf.cdk.lookup import TrainedModelLookup  # noqa: E402
from cleanroomsml_tf.cdk.provider import CleanroomsmlProvider  # noqa: E402
from cleanroomsml_tf.cdk.tokens import Number, NumberToken  # noqa: E402

__all__ = [
    "CdktfUnavailableError",
    "CleanroomsmlProvider",
    "DataCleanroomsmlCollaborationTrainedModel",
    "DataCleanroomsmlCollaborationTrainedModels",
    "NodeJsMissingError",
    "Number",
    "NumberToken",
    "TrainedModelLookup",
]
