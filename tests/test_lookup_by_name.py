"""Lookup by name: ``name`` instead of ``trained_model_arn`` (exactly one of the two), resolved
through ListCollaborationTrainedModels, in every front end: the resolver, the plugin (driven
with real protobuf messages, and by the real ``terraform``), ``cleanroomsml-tf describe --name``
and ``TrainedModelLookup(trained_model_name=...)``."""

from __future__ import annotations

import copy
import json
from typing import Any

import msgpack
import pytest
from tf.gen import tfplugin_pb2 as pb

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.model.errors import (
    AmbiguousModelNameError,
    InvalidInputError,
    ModelNameNotFoundError,
)
from tests.support.emulator import run_cli
from tests.support.example_ids import CHURN, COLLABORATION, FRAUD
from tests.support.pb_servicer import PbServicer, pb_servicer

MODEL = "cleanroomsml_collaboration_trained_model"
TWIN = CHURN.rsplit("/", 1)[0] + "/c0ffee00-9999-4a2b-9c3d-000000000009"


def with_twin(models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The example data plus a second model also named ``fraud-scorer``."""
    fraud = next(m for m in models if m["trainedModelArn"] == FRAUD)
    twin = copy.deepcopy(fraud)
    twin["trainedModelArn"] = TWIN
    return [*models, twin]


# --- the resolver -------------------------------------------------------------------------------
def test_resolver_finds_the_one_model_with_that_name(emulator) -> None:
    resolver = Resolver(ClientSettings(endpoint_url=emulator.url))
    assert resolver.trained_model_arn_by_name(COLLABORATION, "churn-predictor") == CHURN
    assert resolver.trained_model_arn_by_name(COLLABORATION, "fraud-scorer") == FRAUD


def test_no_model_with_that_name_names_the_collaboration(emulator) -> None:
    resolver = Resolver(ClientSettings(endpoint_url=emulator.url))
    with pytest.raises(ModelNameNotFoundError) as caught:
        resolver.trained_model_arn_by_name(COLLABORATION, "Churn-Predictor")
    message = str(caught.value)
    assert message.startswith(
        f"no trained model named 'Churn-Predictor' in collaboration {COLLABORATION} (3 listed: "
        "'churn-predictor', 'fraud-scorer', 'ltv-regressor')")
    assert caught.value.summary == "Trained model not found"


def test_several_models_with_that_name_are_listed(make_emulator, example_data) -> None:
    em = make_emulator(with_twin(example_data))
    resolver = Resolver(ClientSettings(endpoint_url=em.url))
    with pytest.raises(AmbiguousModelNameError) as caught:
        resolver.trained_model_arn_by_name(COLLABORATION, "fraud-scorer")
    assert caught.value.arns == (FRAUD, TWIN)
    assert str(caught.value) == (
        f"2 trained models are named 'fraud-scorer' in collaboration {COLLABORATION}: "
        f"{FRAUD!r}, {TWIN!r}; name one by its ARN instead")


@pytest.mark.parametrize("bad", ["", "   ", "x" * 64, 7])
def test_a_name_that_cannot_exist_is_refused_before_any_request(emulator, bad) -> None:
    before = emulator.request_count
    with pytest.raises(InvalidInputError, match="expected a trained model name, 1 to 63"):
        Resolver(ClientSettings(endpoint_url=emulator.url)).trained_model_arn_by_name(
            COLLABORATION, bad)  # type: ignore[arg-type]
    assert emulator.request_count == before


# --- the plugin, over the wire ------------------------------------------------------------------
@pytest.fixture
def servicer_for():
    def make(url: str) -> PbServicer:
        servicer = pb_servicer()
        config = pb.DynamicValue(msgpack=msgpack.packb({"endpoint": url}))
        response = servicer.ConfigureProvider(pb.ConfigureProvider.Request(config=config), None)
        assert list(response.diagnostics) == []
        return servicer
    return make


def config(**values: Any) -> pb.DynamicValue:
    from cleanroomsml_tf.plugin.data_sources.trained_model import TrainedModelDataSource

    full: dict[str, Any] = {a.name: None for a in TrainedModelDataSource.get_schema().attributes}
    full.update(collaboration_identifier=COLLABORATION)
    full.update(values)
    return pb.DynamicValue(msgpack=msgpack.packb(full))


def diagnostics(response) -> list[tuple[str, str, list[str]]]:
    return [(d.summary, d.detail, [s.attribute_name for s in d.attribute.steps])
            for d in response.diagnostics]


def validate(servicer, value: pb.DynamicValue):
    return diagnostics(servicer.ValidateDataResourceConfig(
        pb.ValidateDataResourceConfig.Request(type_name=MODEL, config=value), None))


def read(servicer, value: pb.DynamicValue):
    return servicer.ReadDataSource(pb.ReadDataSource.Request(type_name=MODEL, config=value), None)


def test_schema_offers_name_and_arn_as_alternatives() -> None:
    from cleanroomsml_tf.plugin.data_sources.trained_model import TrainedModelDataSource

    attributes = {a.name: a for a in TrainedModelDataSource.get_schema().attributes}
    for key in ("trained_model_arn", "name"):
        attribute = attributes[key]
        assert (attribute.required, attribute.optional, attribute.computed) == (False, True, True)
        assert "Exactly one of `trained_model_arn` or `name` must be set." in (
            attribute.description or "")
    assert attributes["collaboration_identifier"].required


def test_exactly_one_of_arn_or_name(servicer_for, emulator) -> None:
    servicer = servicer_for(emulator.url)
    unknown = msgpack.ExtType(0, b"\x00")
    assert validate(servicer, config(name="churn-predictor")) == []
    assert validate(servicer, config(trained_model_arn=CHURN)) == []
    assert validate(servicer, config(name=unknown)) == []
    assert validate(servicer, config(name=unknown, trained_model_arn=CHURN)) == []  # may be null
    (summary, detail, path), = validate(
        servicer, config(name="churn-predictor", trained_model_arn=CHURN))
    assert (summary, path) == ("Invalid Attribute Combination", ["name"])
    assert detail.startswith("exactly one of trained_model_arn or name may be set, not "
                             "trained_model_arn and name")
    (summary, detail, path), = validate(servicer, config())
    assert (summary, detail, path) == ("Invalid Attribute Combination",
                                       "exactly one of trained_model_arn or name must be set "
                                       "(none is)", [])


def test_read_by_name(servicer_for, emulator) -> None:
    response = read(servicer_for(emulator.url), config(name="churn-predictor"))
    assert diagnostics(response) == []
    state = msgpack.unpackb(response.state.msgpack)
    assert (state["name"], state["trained_model_arn"]) == ("churn-predictor", CHURN)
    assert state["id"].startswith(f"{COLLABORATION}/{CHURN}@")
    by_arn = msgpack.unpackb(read(servicer_for(emulator.url),
                                  config(trained_model_arn=CHURN)).state.msgpack)
    assert by_arn == state


def test_read_by_name_failures_are_diagnostics_on_name(
    servicer_for, make_emulator, example_data
) -> None:
    em = make_emulator(with_twin(example_data))
    servicer = servicer_for(em.url)
    (summary, detail, path), = diagnostics(read(servicer, config(name="nope")))
    assert (summary, path) == ("Trained model not found", ["name"])
    assert f"no trained model named 'nope' in collaboration {COLLABORATION}" in detail
    (summary, detail, path), = diagnostics(read(servicer, config(name="fraud-scorer")))
    assert (summary, path) == ("Ambiguous trained model name", ["name"])
    assert FRAUD in detail and TWIN in detail
    before = em.request_count
    (summary, detail, path), = diagnostics(read(servicer, config(name=" ")))
    assert (summary, path) == ("Invalid input", ["name"])
    (summary, _, _), = diagnostics(read(servicer, config(name="a", trained_model_arn=CHURN)))
    assert summary == "Invalid Attribute Combination"
    assert em.request_count == before


# --- the CLI ------------------------------------------------------------------------------------
def test_describe_by_name(emulator) -> None:
    by_name = run_cli("describe", "--name", "churn-predictor", "--collaboration-identifier",
                     COLLABORATION, "--endpoint-url", emulator.url)
    assert by_name.returncode == 0, by_name.stderr
    by_arn = run_cli("describe", "--trained-model-arn", CHURN, "--collaboration-identifier",
                     COLLABORATION, "--endpoint-url", emulator.url)
    assert json.loads(by_name.stdout) == json.loads(by_arn.stdout)
    missing = run_cli("describe", "--name", "nope", "--collaboration-identifier",
                      COLLABORATION, "--endpoint-url", emulator.url)
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.startswith(
        f"cleanroomsml-tf describe: no trained model named 'nope' in collaboration "
        f"{COLLABORATION}")
    both = run_cli("describe", "--name", "x", "--trained-model-arn", CHURN,
                   "--collaboration-identifier", COLLABORATION)
    assert both.returncode == 1 and "not allowed with argument" in both.stderr
