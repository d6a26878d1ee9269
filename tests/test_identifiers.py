"""Identifier validation: driven by the service model, before any request."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.model.errors import InvalidInputError
from cleanroomsml_tf.model.identifiers import ModelRef, expected_form, validate_field
from cleanroomsml_tf.model.service_model import input_constraints
from tests.support.example_ids import COLLABORATION

ARN = (
    "arn:aws:cleanrooms-ml:us-east-1:111122223333:membership/"
    "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/trained-model/c0ffee00-1111-4a2b-9c3d-000000000001"
)
UUID_RE = re.compile(input_constraints()["collaborationIdentifier"]["pattern"])
ARN_RE = re.compile(input_constraints()["trainedModelArn"]["pattern"])


def test_valid_reference_passes():
    assert ModelRef(ARN, COLLABORATION).validate().key == f"{COLLABORATION}/{ARN}@latest"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("collaboration_identifier", "3F6A1C2E-9B8D-4E7F-A1B2-C3D4E5F60718"),  # upper case
        ("collaboration_identifier", COLLABORATION + "x"),  # unanchored pattern would pass
        ("collaboration_identifier", " " + COLLABORATION[1:]),
        ("trained_model_arn", ARN.replace("trained-model", "configured-model-algorithm")),
        ("trained_model_arn", ARN.replace("111122223333", "1111")),
        ("trained_model_arn", "arn:aws:cleanrooms-ml:us-east-1:1:x"),
        ("version_identifier", "latest"),
    ],
)
def test_error_names_field_value_and_expected_form(field, value):
    with pytest.raises(InvalidInputError) as caught:
        validate_field(field, value)
    message = str(caught.value)
    assert field in message
    assert repr(value) in message
    assert expected_form(field) in message
    assert caught.value.field == field


def test_every_invalid_field_is_reported():
    errors = ModelRef("nope", "nope", "nope").errors()
    assert [e.field for e in errors] == [
        "trained_model_arn", "collaboration_identifier", "version_identifier"]


def test_non_string_is_rejected():
    with pytest.raises(InvalidInputError, match="collaboration_identifier"):
        validate_field("collaboration_identifier", 42)


def _not_matching(pattern: re.Pattern[str]):
    return st.text(max_size=80).filter(lambda s: not pattern.fullmatch(s))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    arn=st.one_of(st.just(ARN), _not_matching(ARN_RE)),
    collaboration=st.one_of(st.just(COLLABORATION), _not_matching(UUID_RE)),
    version=st.one_of(st.none(), st.uuids().map(str), _not_matching(UUID_RE)),
)
def test_invalid_identifiers_never_reach_the_endpoint(emulator, arn, collaboration, version):
    ref = ModelRef(arn, collaboration, version)
    assume(ref.errors())
    resolver = Resolver(ClientSettings(endpoint_url=emulator.url))
    before = emulator.request_count
    with pytest.raises(InvalidInputError):
        resolver.get_trained_model(ref)
    assert emulator.request_count == before


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(collaboration=_not_matching(UUID_RE))
def test_invalid_collaboration_never_lists(emulator, collaboration):
    resolver = Resolver(ClientSettings(endpoint_url=emulator.url))
    before = emulator.request_count
    with pytest.raises(InvalidInputError):
        resolver.list_trained_models(collaboration)
    assert emulator.request_count == before


@given(st.uuids())
def test_lowercase_uuids_are_valid(value):
    assert validate_field("version_identifier", str(value)) == str(value)
