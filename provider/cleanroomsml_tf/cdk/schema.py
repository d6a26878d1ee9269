"""The arguments of the provider and the data sources, as the bindings see them.

Pure data, no cdktf import: the schema test compares it with the Terraform plugin's schema, and
the bindings build their keyword arguments and ``synthesize_attributes`` from it. The computed
attributes are not listed here: they come from :mod:`cleanroomsml_tf.record`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cleanroomsml_tf import record

ArgKind = Literal["string", "number", "list", "block"]

PROVIDER_TYPE = "cleanroomsml"
"""The provider's local name (``terraform_resource_type`` of the provider)."""

MODEL_DATA_SOURCE = "cleanroomsml_collaboration_trained_model"
"""Terraform type of the one-model data source."""

MODELS_DATA_SOURCE = "cleanroomsml_collaboration_trained_models"
"""Terraform type of the list data source."""


@dataclass(frozen=True)
class Argument:
    """One configurable argument: name, kind, and whether Terraform requires it.

    ``computed`` marks optional arguments the plugin fills in when unset (version_identifier).
    ``children`` are the arguments of a nested block.
    """

    name: str
    kind: ArgKind
    description: str
    required: bool = False
    computed: bool = False
    children: tuple[Argument, ...] = ()


PROVIDER_ARGUMENTS: tuple[Argument, ...] = (
    Argument("region", "string", "AWS region (default: the AWS environment and config files)."),
    Argument("profile", "string", "Named profile from the AWS config files."),
    Argument("endpoint", "string", "Clean Rooms ML endpoint URL (e.g. the local endpoint)."),
    Argument("shared_config_files", "list", "AWS config file to read (exactly one)."),
    Argument("shared_credentials_files", "list", "AWS credentials file to read (exactly one)."),
    Argument("max_attempts", "number", "Total tries per call, retries included."),
    Argument("retry_mode", "string", "botocore retry mode: standard, adaptive or legacy."),
    Argument(
        "assume_role", "block", "An IAM role to assume on top of the base credentials.",
        children=(
            Argument("role_arn", "string", "ARN of the role to assume.", required=True),
            Argument("session_name", "string", "Session name of the assumed role."),
            Argument("external_id", "string", "External ID the role's trust policy expects."),
        ),
    ),
)
"""Provider configuration arguments (``alias`` is a meta-argument, handled separately)."""

MODEL_ARGUMENTS: tuple[Argument, ...] = (
    Argument("trained_model_arn", "string", record.BY_NAME["trained_model_arn"].description,
             required=True),
    Argument("collaboration_identifier", "string",
             record.BY_NAME["collaboration_identifier"].description, required=True),
    Argument("version_identifier", "string",
             "The version to read (default: the latest version).", computed=True),
    Argument("allowed_statuses", "list",
             "Fail the plan unless the model's status is one of these (unset: no gate)."),
)
"""Arguments of ``cleanroomsml_collaboration_trained_model``."""

MODELS_ARGUMENTS: tuple[Argument, ...] = (
    Argument("collaboration_identifier", "string",
             "The collaboration whose trained models to list.", required=True),
    Argument("statuses", "list", "Only models whose status is one of these."),
    Argument("name_regex", "string", "Only models whose name matches this regular expression."),
)
"""Arguments of ``cleanroomsml_collaboration_trained_models``."""

TRAINED_MODELS_ATTRIBUTE = "trained_models"
"""The computed list attribute of the list data source (elements: the summary table)."""
