"""What Terraform itself sees: the provider schema and the local-mirror installation."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from cleanroomsml_tf import PROVIDER_HOSTNAME, PROVIDER_SOURCE, __version__
from cleanroomsml_tf.model import record
from cleanroomsml_tf.plugin.install import executable_path

pytestmark = pytest.mark.terraform

REQUIRED = """
terraform {
  required_providers {
    cleanroomsml = { source = "cleanroomsml-tf/cleanroomsml" }
    %s
  }
}
"""
_CTY = {"string": "string", "timestamp": "string", "number": "number"}


def expected_type(attribute: record.Attribute) -> Any:
    """The cty type (JSON form) the table says an attribute has."""
    if attribute.kind == "object":
        return ["object", {c.name: expected_type(c) for c in attribute.children}]
    if attribute.kind == "list":
        return ["list", ["object", {c.name: expected_type(c) for c in attribute.children}]]
    return _CTY[attribute.kind]


def test_providers_schema_lists_every_record_attribute(terraform_binary, make_terraform) -> None:
    tf = make_terraform(terraform_binary, files={"main.tf": REQUIRED % ""})
    tf.init()
    schemas = json.loads(tf.run("providers", "schema", "-json").stdout)["provider_schemas"]
    provider = schemas[f"{PROVIDER_HOSTNAME}/{PROVIDER_SOURCE}"]
    model = provider["data_source_schemas"]["cleanroomsml_collaboration_trained_model"]["block"]
    attributes = model["attributes"]
    for attribute in record.TRAINED_MODEL:
        got = attributes[attribute.name]
        assert got["type"] == expected_type(attribute), attribute.name
        if attribute.name in ("trained_model_arn", "name"):  # the two ways to name the model
            assert got["description"] == attribute.description + (
                " Exactly one of `trained_model_arn` or `name` must be set.")
        else:
            assert got["description"] == attribute.description
    for alternative in ("trained_model_arn", "name"):
        assert attributes[alternative].get("optional") is True
        assert attributes[alternative].get("computed") is True
    assert attributes["collaboration_identifier"].get("required") is True
    version = attributes["version_identifier"]
    assert version.get("optional") is True and version.get("computed") is True
    assert attributes["allowed_statuses"]["type"] == ["list", "string"]
    assert set(attributes) == {a.name for a in record.TRAINED_MODEL} | {"allowed_statuses", "id"}
    computed = {n for n, a in attributes.items() if a.get("computed") and not a.get("optional")}
    assert computed == {a.name for a in record.TRAINED_MODEL} - {
        "trained_model_arn", "name", "collaboration_identifier", "version_identifier"} | {"id"}

    listing = provider["data_source_schemas"]["cleanroomsml_collaboration_trained_models"]
    summary = ["list", ["object", {a.name: expected_type(a)
                                   for a in record.TRAINED_MODEL_SUMMARY}]]
    assert listing["block"]["attributes"]["trained_models"]["type"] == summary

    config = provider["provider"]["block"]
    assert set(config["attributes"]) == {
        "region", "profile", "endpoint", "shared_config_files", "shared_credentials_files",
        "max_attempts", "retry_mode", "timeout", "insecure"}
    assert config["attributes"]["insecure"]["type"] == "bool"
    assert all(a.get("optional") for a in config["attributes"].values())
    role = config["block_types"]["assume_role"]
    assert role["nesting_mode"] == "single"
    assert set(role["block"]["attributes"]) == {"role_arn", "session_name", "external_id"}


def test_implied_mirror_mixes_with_other_providers(
    terraform_binary, make_terraform, tf_home
) -> None:
    """Another provider in the same implied mirror installs alongside ours; lock file has both."""
    plugins = tf_home / ".terraform.d" / "plugins"
    ours = executable_path(plugins)
    other = (plugins / PROVIDER_HOSTNAME / "example-corp" / "other" / "2.0.0"
             / ours.parent.name / "terraform-provider-other_v2.0.0")
    other.parent.mkdir(parents=True)
    shutil.copy2(ours, other)
    tf = make_terraform(terraform_binary, files={
        "main.tf": REQUIRED % 'other = { source = "example-corp/other" }'})
    result = tf.init()
    lock = (tf.workdir / ".terraform.lock.hcl").read_text()
    assert f'provider "{PROVIDER_HOSTNAME}/{PROVIDER_SOURCE}"' in lock
    assert f'version = "{__version__}"' in lock
    assert f'provider "{PROVIDER_HOSTNAME}/example-corp/other"' in lock
    assert "cleanroomsml-tf/cleanroomsml" in result.stdout
