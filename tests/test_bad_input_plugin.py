"""Bad provider and data source arguments: an error diagnostic on the argument, no request.

Driven in-process through the plugin's gRPC servicer exactly as Terraform drives it
(``ValidateProviderConfig``/``ConfigureProvider``, ``ValidateDataResourceConfig``,
``ReadDataSource`` with msgpack configs), with the provider's endpoint set to the session
emulator. Values have the types Terraform sends for the schema: strings, lists of strings, and
numbers as msgpack ints, floats or — for numbers a float64 cannot hold exactly, such as ``1.1``
— decimal text (cty's encoding). One real ``terraform plan`` closes the loop.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tf.gen import tfplugin_pb2 as pb

from cleanroomsml_tf.plugin.arguments import (
    MODEL_DATA_SOURCE,
    MODELS_DATA_SOURCE,
    PROVIDER_ARGUMENTS,
)
from tests.support.bad_input import (
    bad_endpoints,
    bad_regions,
    examples,
    invalid_identifiers,
    not_one_of,
    pattern_of,
)
from tests.support.example_ids import CHURN, COLLABORATION
from tests.support.pb_servicer import pb_servicer, to_dynamic_value

GOOD = {
    MODEL_DATA_SOURCE: {"trained_model_arn": CHURN, "collaboration_identifier": COLLABORATION},
    MODELS_DATA_SOURCE: {"collaboration_identifier": COLLABORATION},
}
IDENTIFIER_ARGUMENTS = {
    MODEL_DATA_SOURCE: ("trained_model_arn", "collaboration_identifier", "version_identifier"),
    MODELS_DATA_SOURCE: ("collaboration_identifier",),
}
FORBIDDEN_OUTPUT = ("Traceback", "Exception calling application", "plugin crashed",
                    "Internal error")


def shown(value: object) -> str:
    """``repr(value)`` as an error line shows it: URL user-info and tokens redacted."""
    from cleanroomsml_tf.output.redaction import redact

    return redact(repr(value))


def data_source_config(type_name: str, values: dict[str, Any]) -> pb.DynamicValue:
    """A data source config as Terraform sends it: every schema attribute present."""
    from cleanroomsml_tf.plugin.data_sources.trained_model import TrainedModelDataSource
    from cleanroomsml_tf.plugin.data_sources.trained_models import TrainedModelsDataSource

    klass = TrainedModelDataSource if type_name == MODEL_DATA_SOURCE else TrainedModelsDataSource
    full: dict[str, Any] = {a.name: None for a in klass.get_schema().attributes}
    full.update(values)
    return to_dynamic_value(full)


def provider_config(values: dict[str, Any]) -> pb.DynamicValue:
    """A provider config as Terraform sends it: every argument present (null when unset)."""
    full: dict[str, Any] = {a.name: None for a in PROVIDER_ARGUMENTS}
    full.update(values)
    return to_dynamic_value(full)


def error_diagnostics(response: Any) -> list[tuple[str, str, list[str]]]:
    """(summary, detail, attribute path) of every error diagnostic."""
    return [
        (d.summary, d.detail, [s.attribute_name for s in d.attribute.steps])
        for d in response.diagnostics if d.severity == pb.Diagnostic.ERROR
    ]


@pytest.fixture
def servicer(emulator):
    """The plugin's servicer with the provider configured for the session emulator."""
    servicer = pb_servicer()
    configure = pb.ConfigureProvider.Request(config=provider_config({"endpoint": emulator.url}))
    assert error_diagnostics(servicer.ConfigureProvider(configure, None)) == []
    return servicer


def validate_and_read(servicer: Any, type_name: str, values: dict[str, Any]) -> tuple[list, Any]:
    """``ValidateDataResourceConfig`` diagnostics, and the ``ReadDataSource`` response."""
    config = data_source_config(type_name, values)
    validated = servicer.ValidateDataResourceConfig(
        pb.ValidateDataResourceConfig.Request(type_name=type_name, config=config), None)
    read = servicer.ReadDataSource(pb.ReadDataSource.Request(type_name=type_name, config=config),
                                   None)
    return error_diagnostics(validated), read


def assert_one_error_on(diagnostics: list, argument: str, *fragments: str) -> None:
    """Exactly one error diagnostic, on ``argument``, whose detail names ``fragments``."""
    assert len(diagnostics) == 1, diagnostics
    summary, detail, path = diagnostics[0]
    assert summary == "Invalid input"
    assert path == [argument]
    assert "\n" not in detail
    for fragment in fragments:
        assert fragment in detail, (fragment, detail)


# --------------------------------------------------------------------------- data sources


@st.composite
def bad_data_source_identifier(draw) -> tuple[str, str, str]:
    type_name = draw(st.sampled_from(sorted(IDENTIFIER_ARGUMENTS)))
    field = draw(st.sampled_from(IDENTIFIER_ARGUMENTS[type_name]))
    return type_name, field, draw(invalid_identifiers(field))


@examples(100)
@given(case=bad_data_source_identifier())
def test_bad_identifiers_are_diagnostics_on_the_argument(emulator, servicer, case) -> None:
    type_name, field, value = case
    before = emulator.request_count
    validated, read = validate_and_read(servicer, type_name, {**GOOD[type_name], field: value})
    expected = (f"invalid {field} {shown(value)}: expected ", f"/{pattern_of(field)}/")
    assert_one_error_on(validated, field, *expected)
    assert_one_error_on(error_diagnostics(read), field, *expected)
    assert not read.state.msgpack
    assert emulator.request_count == before


def bad_status_lists() -> st.SearchStrategy[list[str]]:
    """An allow-list that allows nothing: empty, or with an empty status in it."""
    statuses = st.sampled_from(("ACTIVE", "CREATE_IN_PROGRESS", "FAILED", "active"))
    return st.one_of(
        st.just([]),
        st.lists(statuses, max_size=3).flatmap(lambda items: st.integers(0, len(items)).map(
            lambda at: [*items[:at], "", *items[at:]])),
    )


@examples(25)
@given(statuses=bad_status_lists())
def test_an_allow_list_that_allows_nothing_is_refused(emulator, servicer, statuses) -> None:
    before = emulator.request_count
    validated, read = validate_and_read(servicer, MODEL_DATA_SOURCE,
                                        {**GOOD[MODEL_DATA_SOURCE], "allowed_statuses": statuses})
    expected = (f"invalid allowed_statuses {statuses!r}: expected a non-empty list of statuses",)
    assert_one_error_on(validated, "allowed_statuses", *expected)
    assert_one_error_on(error_diagnostics(read), "allowed_statuses", *expected)
    assert emulator.request_count == before


def _compiles(text: str) -> bool:
    try:
        re.compile(text)
    except re.error:
        return False
    return True


@pytest.mark.filterwarnings("ignore::FutureWarning")  # re's "possible nested set" notes
@examples(30)
@given(regex=st.text("()[]{}*+?\\|^$.aZ0,-:<>P=!", min_size=1, max_size=8).filter(
    lambda t: not _compiles(t)))
def test_a_name_regex_that_does_not_compile_is_refused(emulator, servicer, regex) -> None:
    before = emulator.request_count
    validated, read = validate_and_read(servicer, MODELS_DATA_SOURCE,
                                        {**GOOD[MODELS_DATA_SOURCE], "name_regex": regex})
    expected = (f"invalid name_regex {regex!r}: not a valid regular expression",)
    assert_one_error_on(validated, "name_regex", *expected)
    assert_one_error_on(error_diagnostics(read), "name_regex", *expected)
    assert emulator.request_count == before


def test_good_arguments_do_reach_the_endpoint(emulator, servicer) -> None:
    """The control: the same calls with valid values read, so request_count could move."""
    for type_name in (MODEL_DATA_SOURCE, MODELS_DATA_SOURCE):
        before = emulator.request_count
        values = {**GOOD[type_name], "allowed_statuses": ["ACTIVE"]} if (
            type_name == MODEL_DATA_SOURCE) else {**GOOD[type_name], "name_regex": "^churn"}
        validated, read = validate_and_read(servicer, type_name, values)
        assert validated == [] and error_diagnostics(read) == []
        assert read.state.msgpack
        assert emulator.request_count > before


# --------------------------------------------------------------------------- provider


def _cty_number(value: float) -> Any:
    """How Terraform sends a number: an int, a float, or text when float64 is not exact."""
    return value if value == int(value) or value in (0.5, -0.5, 1.5, -1.5) else repr(value)


def _bad_provider_arguments() -> st.SearchStrategy[tuple[str, Any, str, str]]:
    """(argument, bad value, expected form, how the detail shows the value)."""
    int64s = st.integers(min_value=-(2**63), max_value=0)  # msgpack ints; beyond: cty text
    counts = st.one_of(
        int64s,
        st.floats(-1e6, 1e6).filter(lambda f: not f.is_integer()).map(_cty_number),
        int64s.map(float),
        st.integers(max_value=-(2**63) - 1).map(str),
    )
    seconds = st.one_of(
        int64s,
        st.floats(max_value=0, allow_infinity=False).map(_cty_number),
        st.just("1e+400"),  # cty's text for a number beyond float64: infinity here
    )

    def shown_count(value: Any) -> str:
        number = float(value) if isinstance(value, str) else value
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        return f"invalid max_attempts {number!r}: expected an integer >= 1"

    def shown_seconds(value: Any) -> str:
        return f"invalid timeout {float(value):g}: expected seconds > 0"

    files = st.lists(st.text(min_size=1, max_size=8), min_size=2, max_size=3)
    return st.one_of(
        counts.map(lambda v: ("max_attempts", v, "an integer >= 1", shown_count(v))),
        seconds.map(lambda v: ("timeout", v, "seconds > 0", shown_seconds(v))),
        not_one_of(("standard", "adaptive", "legacy")).map(
            lambda v: ("retry_mode", v, "expected one of standard, adaptive, legacy",
                       f"invalid retry_mode {v!r}")),
        bad_endpoints().map(lambda v: ("endpoint", v, "expected an http(s) URL",
                                       f"invalid endpoint {shown(v)}")),
        bad_regions().map(lambda v: ("region", v, "expected an AWS region name",
                                     f"invalid region {v!r}")),
        st.sampled_from(("shared_config_files", "shared_credentials_files")).flatmap(
            lambda name: files.map(lambda v: (name, v, "give exactly one",
                                              f"invalid {name} {v!r}"))),
    )


@examples(120)
@given(case=_bad_provider_arguments())
def test_bad_provider_arguments_are_diagnostics_before_any_request(emulator, case) -> None:
    argument, value, expected, shown = case
    servicer = pb_servicer()
    values = {"endpoint": emulator.url, argument: value}
    before = emulator.request_count
    for call, request_type in ((servicer.ValidateProviderConfig, pb.ValidateProviderConfig),
                               (servicer.ConfigureProvider, pb.ConfigureProvider)):
        found = error_diagnostics(call(request_type.Request(config=provider_config(values)), None))
        assert len(found) == 1, found
        summary, detail, _ = found[0]
        assert summary == "Invalid configuration", found
        assert shown in detail and expected in detail, (shown, expected, detail)
        assert "\n" not in detail
    assert emulator.request_count == before


def test_number_arguments_arrive_as_text_too() -> None:
    """The premise of the text cases above: cty encodes 1.1 as text (checked on the wire by
    the terraform test below); our mapping reads it as the number it is."""
    from cleanroomsml_tf.plugin.config import settings_from_provider_config

    settings = settings_from_provider_config({"max_attempts": "4", "timeout": "0.1"})
    assert settings.max_attempts == 4 and math.isclose(settings.deadline or 0, 0.1)


# --------------------------------------------------------------------------- real terraform


CONFIG = """
terraform {{
  required_providers {{
    cleanroomsml = {{ source = "cleanroomsml-tf/cleanroomsml" }}
  }}
}}

variable "max_attempts" {{
  type    = number
  default = 2
}}

variable "collaboration" {{
  type    = string
  default = "{collaboration}"
}}

variable "allowed" {{
  type    = list(string)
  default = ["ACTIVE"]
}}

provider "cleanroomsml" {{
  endpoint     = "{endpoint}"
  max_attempts = var.max_attempts
}}

data "cleanroomsml_collaboration_trained_model" "by_collaboration" {{
  trained_model_arn        = "{arn}"
  collaboration_identifier = var.collaboration
}}

data "cleanroomsml_collaboration_trained_model" "gated" {{
  trained_model_arn        = "{arn}"
  collaboration_identifier = "{collaboration}"
  allowed_statuses         = var.allowed
}}

output "status" {{
  value = data.cleanroomsml_collaboration_trained_model.gated.status
}}
"""


@pytest.mark.terraform
def test_terraform_plan_fails_on_bad_arguments_before_any_request(
        terraform_binary, make_terraform, emulator) -> None:
    """Values from variables are only known when the plan reads: the read itself refuses them.
    ``max_attempts = 1.1`` reaches the plugin as text (cty) and is refused by name."""
    tf = make_terraform(terraform_binary, files={"main.tf": CONFIG.format(
        endpoint=emulator.url, arn=CHURN, collaboration=COLLABORATION)})
    tf.init()
    cases = [
        (["-var", "max_attempts=1.1"], ["Error: Invalid configuration",
                                        "invalid max_attempts 1.1: expected an integer >= 1"]),
        (["-var", "collaboration=NOT-A-UUID", "-var", "allowed=[]"],
         ["Error: Invalid input", "invalid collaboration_identifier 'NOT-A-UUID': expected ",
          "invalid allowed_statuses []: expected a non-empty list of statuses"]),
    ]
    for args, fragments in cases:
        before = emulator.request_count
        result = tf.run("plan", "-input=false", *args, check=False)
        output = " ".join((result.stdout + result.stderr).split())  # undo line wrapping
        assert result.returncode == 1, output
        for text in FORBIDDEN_OUTPUT:
            assert text not in output
        for fragment in fragments:
            assert fragment in output, (fragment, output)
        assert emulator.request_count == before, args

    before = emulator.request_count  # the control: the defaults plan, and do send requests
    result = tf.run("plan", "-input=false", "-out=plan.bin")
    assert emulator.request_count > before
    shown = json.loads(tf.run("show", "-json", "plan.bin").stdout)
    assert shown["planned_values"]["outputs"]["status"]["value"] == "ACTIVE"
