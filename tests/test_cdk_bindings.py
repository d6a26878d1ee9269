"""The provider and data source bindings: real cdktf synthesis, the plugin's schema as truth."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

from cleanroomsml_tf.model import record
from cleanroomsml_tf.plugin import arguments as schema
from tests.support.cdktf import CHURN_ARN, COLLABORATION, synth_json

pytestmark = pytest.mark.cdktf


def _tokens_for(obj, attributes, path=""):
    """(dotted path, value) for every attribute reached through the getters, lists via get(0)."""
    for attribute in attributes:
        value = getattr(obj, attribute.name)
        here = f"{path}{attribute.name}"
        if attribute.kind == "object":
            yield from _tokens_for(value, attribute.children, f"{here}.")
        elif attribute.kind == "list":
            yield here, value
            yield from _tokens_for(value.get(0), attribute.children, f"{here}[0].")
        else:
            yield here, value


def test_every_table_attribute_has_a_getter_that_references_it(cdk, new_stack):
    from cdktf import TerraformOutput

    stack = new_stack()
    data = cdk.DataCleanroomsmlCollaborationTrainedModel(
        stack, "m", trained_model_arn=CHURN_ARN, collaboration_identifier=COLLABORATION)
    paths = dict(_tokens_for(data, record.TRAINED_MODEL))
    for index, value in enumerate(paths.values()):
        TerraformOutput(stack, f"o{index}", value=value)
    outputs = synth_json(stack)["output"]
    got = [outputs[f"o{i}"]["value"] for i in range(len(paths))]
    prefix = "data.cleanroomsml_collaboration_trained_model.m."
    assert got == [f"${{{prefix}{p}}}" for p in paths]
    # Every scalar leaf of the table, nested ones too, is reachable.
    assert {p for p, _ in record.iter_leaf_paths()} <= set(paths)


def test_number_getters_are_number_tokens(cdk, new_stack):
    stack = new_stack()
    data = cdk.DataCleanroomsmlCollaborationTrainedModel(
        stack, "m", trained_model_arn=CHURN_ARN, collaboration_identifier=COLLABORATION)
    size = data.resource_config.volume_size_in_gb
    assert isinstance(size, cdk.NumberToken) and isinstance(size, float)
    assert size.as_number < -1e290  # cdktf's encoded number token, usable as a number
    assert isinstance(data.resource_config.instance_type, str)


def test_list_data_source_getters_cover_the_summary_table(cdk, new_stack):
    from cdktf import TerraformOutput

    stack = new_stack()
    data = cdk.DataCleanroomsmlCollaborationTrainedModels(
        stack, "all", collaboration_identifier=COLLABORATION, statuses=["ACTIVE"],
        name_regex="^churn")
    first = data.trained_models.get(0)
    paths = dict(_tokens_for(first, record.TRAINED_MODEL_SUMMARY))
    for index, value in enumerate(paths.values()):
        TerraformOutput(stack, f"o{index}", value=value)
    TerraformOutput(stack, "whole", value=data.trained_models)
    synthesized = synth_json(stack)
    prefix = "data.cleanroomsml_collaboration_trained_models.all.trained_models"
    assert synthesized["output"]["whole"]["value"] == f"${{{prefix}}}"
    assert [synthesized["output"][f"o{i}"]["value"] for i in range(len(paths))] == [
        f"${{{prefix}[0].{p}}}" for p in paths]
    assert synthesized["data"]["cleanroomsml_collaboration_trained_models"]["all"] == {
        "collaboration_identifier": COLLABORATION, "statuses": ["ACTIVE"], "name_regex": "^churn"}


def test_data_source_arguments_and_meta_arguments(cdk, new_stack):
    from cdktf import Testing

    stack = new_stack()
    provider = cdk.CleanroomsmlProvider(stack, "p", alias="west", region="us-west-2")
    other = cdk.DataCleanroomsmlCollaborationTrainedModels(
        stack, "all", collaboration_identifier=COLLABORATION, provider=provider)
    cdk.DataCleanroomsmlCollaborationTrainedModel(
        stack, "m", trained_model_arn=CHURN_ARN, collaboration_identifier=COLLABORATION,
        version_identifier="a1b2c3d4-0001-4e5f-8a9b-0c1d2e3f4a01", allowed_statuses="ACTIVE",
        provider=provider, depends_on=[other], count=1)
    synthesized = Testing.synth(stack)
    assert Testing.to_have_data_source_with_properties(
        synthesized, schema.MODEL_DATA_SOURCE, {
            "trained_model_arn": CHURN_ARN, "collaboration_identifier": COLLABORATION,
            "version_identifier": "a1b2c3d4-0001-4e5f-8a9b-0c1d2e3f4a01",
            "allowed_statuses": ["ACTIVE"], "provider": "cleanroomsml.west", "count": 1,
        })
    data = json.loads(synthesized)["data"][schema.MODEL_DATA_SOURCE]["m"]
    assert data["depends_on"] == [f"data.{schema.MODELS_DATA_SOURCE}.all"]


def test_provider_synthesizes_every_argument_and_alias(cdk, new_stack):
    from cdktf import Testing

    stack = new_stack()
    cdk.CleanroomsmlProvider(
        stack, "p", region="eu-west-1", profile="ml", endpoint="http://127.0.0.1:8790",
        shared_config_files=["~/.aws/config"], shared_credentials_files=["~/.aws/creds"],
        max_attempts=5, retry_mode="adaptive", alias="eu",
        assume_role={"role_arn": "arn:aws:iam::111122223333:role/ml", "session_name": "s"})
    cdk.CleanroomsmlProvider(stack, "default")
    synthesized = Testing.synth(stack)
    assert Testing.to_have_provider_with_properties(synthesized, "cleanroomsml", {
        "region": "eu-west-1", "profile": "ml", "endpoint": "http://127.0.0.1:8790",
        "shared_config_files": ["~/.aws/config"], "shared_credentials_files": ["~/.aws/creds"],
        "max_attempts": 5, "retry_mode": "adaptive", "alias": "eu",
        "assume_role": {"role_arn": "arn:aws:iam::111122223333:role/ml", "session_name": "s"},
    })
    parsed = json.loads(synthesized)
    assert parsed["terraform"]["required_providers"]["cleanroomsml"] == {
        "source": "cleanroomsml-tf/cleanroomsml", "version": "0.1.0"}
    assert len(parsed["provider"]["cleanroomsml"]) == 2


def _keyword_arguments(cls) -> list[str]:
    meta = {"self", "scope", "id", "provider", "depends_on", "count", "for_each", "lifecycle",
            "alias"}
    return [p for p in inspect.signature(cls.__init__).parameters if p not in meta]


def test_binding_signatures_follow_the_argument_schema(cdk):
    assert _keyword_arguments(cdk.CleanroomsmlProvider) == [
        a.name for a in schema.PROVIDER_ARGUMENTS]
    assert _keyword_arguments(cdk.DataCleanroomsmlCollaborationTrainedModel) == [
        a.name for a in schema.MODEL_ARGUMENTS]
    assert _keyword_arguments(cdk.DataCleanroomsmlCollaborationTrainedModels) == [
        a.name for a in schema.MODELS_ARGUMENTS]
    for cls in (cdk.DataCleanroomsmlCollaborationTrainedModel,
                cdk.DataCleanroomsmlCollaborationTrainedModels):
        parameters = inspect.signature(cls.__init__).parameters
        assert {"provider", "depends_on", "count", "for_each", "lifecycle"} <= set(parameters)


def _plugin_arguments(attributes) -> dict[str, tuple[bool, bool]]:
    return {a.name: (bool(a.required), bool(a.computed))
            for a in attributes if a.required or a.optional}


def _ours(arguments) -> dict[str, tuple[bool, bool]]:
    return {a.name: (a.required, a.computed) for a in arguments if a.kind != "block"}


def test_data_source_arguments_match_the_plugin_schema():
    from cleanroomsml_tf.plugin.data_sources.trained_model import TrainedModelDataSource
    from cleanroomsml_tf.plugin.data_sources.trained_models import TrainedModelsDataSource

    model = TrainedModelDataSource.get_schema().attributes
    models = TrainedModelsDataSource.get_schema().attributes
    assert _plugin_arguments(model) == _ours(schema.MODEL_ARGUMENTS)
    assert _plugin_arguments(models) == _ours(schema.MODELS_ARGUMENTS)
    # Computed-only attributes: the table (getters generated from it) plus id.
    arguments = {a.name for a in schema.MODEL_ARGUMENTS}
    assert {a.name for a in model} == {a.name for a in record.TRAINED_MODEL} | arguments | {"id"}
    assert {a.name for a in models if a.computed} == {schema.TRAINED_MODELS_ATTRIBUTE, "id"}


def test_provider_arguments_match_the_plugin_schema():
    from cleanroomsml_tf.plugin.provider import provider_schema

    plugin = provider_schema()
    assert _plugin_arguments(plugin.attributes) == _ours(schema.PROVIDER_ARGUMENTS)
    blocks = {b.type_name: b for b in plugin.block_types}
    ours = {a.name: a for a in schema.PROVIDER_ARGUMENTS if a.kind == "block"}
    assert set(blocks) == set(ours)
    for name, block in blocks.items():
        assert _plugin_arguments(block.block.attributes) == _ours(ours[name].children)


def test_the_plugin_never_imports_cdktf():
    code = ("import sys, cleanroomsml_tf.plugin.main, cleanroomsml_tf.plugin.provider, "
            "cleanroomsml_tf.plugin.data_sources.trained_model;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('cdktf', 'cdktn', 'jsii', 'constructs') or m.startswith('cleanroomsml_tf.cdk')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"
