"""What users configure: the arguments of the provider and of the two data sources, once.

The companion of the attribute table (:mod:`cleanroomsml_tf.model.record`, what the data sources
*export*): the Terraform plugin builds its schema from these rows (``plugin/schema.py``), the
CDKTF bindings take their keyword arguments from them (tested), and the docs describe them.
Pure data (the record table and the client defaults, nothing of the ``tf`` framework): the
plugin, the CDKTF binding and the docs read it. Each data source's type name is written here,
once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cleanroomsml_tf.aws.settings import DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT
from cleanroomsml_tf.model import record

ArgKind = Literal["string", "number", "bool", "list", "block"]

PROVIDER_TYPE = "cleanroomsml"
"""The provider's local name (``terraform_resource_type`` of the provider)."""

TYPE_PREFIX = f"{PROVIDER_TYPE}_"
"""Every data source's type name starts with this."""

MODEL_DATA_SOURCE = "cleanroomsml_collaboration_trained_model"
"""Terraform type of the one-model data source."""

MODELS_DATA_SOURCE = "cleanroomsml_collaboration_trained_models"
"""Terraform type of the list data source."""


@dataclass(frozen=True)
class Argument:
    """One configurable argument: name, kind, and whether Terraform requires it.

    Kinds: ``string``, ``number``, ``bool``, ``list`` (of strings) and ``block`` (a single
    nested block).

    ``computed`` marks optional arguments the plugin fills in when unset (version_identifier).
    ``children`` are the arguments of a nested block. ``exactly_one_of`` names the group of
    alternative arguments this one belongs to (itself included): exactly one of them must be
    set (Terraform's ``ExactlyOneOf``), the others are filled in from the model.
    ``sensitive`` ones are hidden by Terraform in plans and redacted from logs (external_id).
    """

    name: str
    kind: ArgKind
    description: str
    required: bool = False
    computed: bool = False
    sensitive: bool = False
    children: tuple[Argument, ...] = ()
    exactly_one_of: tuple[str, ...] = ()


PROVIDER_ARGUMENTS: tuple[Argument, ...] = (
    Argument("region", "string",
             "AWS region. Default: `AWS_REGION`/`AWS_DEFAULT_REGION` or the profile."),
    Argument("profile", "string",
             "Named profile of the shared AWS config files. Default: `AWS_PROFILE`."),
    Argument("endpoint", "string",
             "Clean Rooms ML endpoint URL. Default: `AWS_ENDPOINT_URL_CLEANROOMSML`, "
             "`AWS_ENDPOINT_URL`, the profile's `endpoint_url`, AWS when a region is configured, "
             "else the local endpoint `http://127.0.0.1:8790`."),
    Argument("shared_config_files", "list",
             "Shared AWS config file (one path). Default: `AWS_CONFIG_FILE`."),
    Argument("shared_credentials_files", "list",
             "Shared AWS credentials file (one path). Default: `AWS_SHARED_CREDENTIALS_FILE`."),
    Argument("max_attempts", "number",
             f"Total tries per request, retries included (default {DEFAULT_MAX_ATTEMPTS}). "
             "A refused connection is not retried."),
    Argument("retry_mode", "string",
             "botocore retry mode: `standard` (default), `adaptive` or `legacy`."),
    Argument("timeout", "number",
             "Seconds one lookup may take, retries and back-off included "
             f"(default {DEFAULT_TIMEOUT:g}); also bounds each connection attempt and read."),
    Argument("insecure", "bool",
             "Turn TLS certificate verification off (default `false`). Warned about at every "
             "plan; prefer trusting a private CA with `AWS_CA_BUNDLE`."),
    Argument(
        "assume_role", "block",
        "Assume an IAM role (STS AssumeRole) on top of the base credentials.",
        children=(
            Argument("role_arn", "string", "ARN of the IAM role to assume.", required=True),
            Argument("session_name", "string", "Session name (default: generated)."),
            Argument("external_id", "string",
                     "External ID the role's trust policy requires (sensitive).",
                     sensitive=True),
        ),
    ),
)
"""Provider configuration arguments (``alias`` is a meta-argument, handled separately)."""

MODEL_LOOKUP_KEYS = ("trained_model_arn", "name")
"""The alternative ways to name the model: by ARN, or by name within the collaboration."""

MODEL_ARGUMENTS: tuple[Argument, ...] = (
    Argument("trained_model_arn", "string", record.BY_NAME["trained_model_arn"].description,
             computed=True, exactly_one_of=MODEL_LOOKUP_KEYS),
    Argument("name", "string",
             "The trained model's name: looked up in the collaboration through "
             "ListCollaborationTrainedModels; no model or several with that name is an error.",
             computed=True, exactly_one_of=MODEL_LOOKUP_KEYS),
    Argument("collaboration_identifier", "string",
             record.BY_NAME["collaboration_identifier"].description, required=True),
    Argument("version_identifier", "string",
             "The version to read; when unset, the latest version, and this attribute then "
             "holds the version that was resolved (null on the older API).", computed=True),
    Argument("allowed_statuses", "list",
             "Fail the read unless the model's status is one of these (e.g. `[\"ACTIVE\"]`); "
             "unset: no gate."),
)
"""Arguments of ``cleanroomsml_collaboration_trained_model``."""

MODELS_ARGUMENTS: tuple[Argument, ...] = (
    Argument("collaboration_identifier", "string",
             "The collaboration whose trained models to list.", required=True),
    Argument("statuses", "list",
             "Keep only models with one of these statuses (e.g. `[\"ACTIVE\"]`)."),
    Argument("name_regex", "string",
             "Keep only models whose name matches this regular expression."),
)
"""Arguments of ``cleanroomsml_collaboration_trained_models``."""

TRAINED_MODELS_ATTRIBUTE = "trained_models"
"""The computed list attribute of the list data source (elements: the summary table)."""
