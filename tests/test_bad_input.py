"""The shared oracle and validator of the bad-input tests (issue #6) checked themselves: the
strategies' base values are valid to both, near misses and wrong types are refused naming the
field, the value and the expected form, and each oracle accepts what is valid.

The strategies and oracles live in ``tests/support/bad_input.py``; the entrance tests
(``test_bad_input_cli.py``, ``_plugin``, ``_cdk``, ``_files``) use them.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.bad_input import (
    IDENTIFIERS,
    endpoint_ok,
    examples,
    is_valid_identifier,
    one_bad_identifier,
    pattern_of,
    positive_int_ok,
    positive_seconds_ok,
    region_ok,
    shard_ok,
    valid_identifiers,
    wrong_types,
)


@examples(40)
@given(field=st.sampled_from(IDENTIFIERS), data=st.data())
def test_valid_values_from_the_model_pass_the_package_validator(field, data) -> None:
    """The base of every near miss is valid to both the oracle and the package: the
    properties elsewhere really test the mutation, not a value that was never valid."""
    from cleanroomsml_tf.model.identifiers import validate_field

    value = data.draw(valid_identifiers(field))
    assert is_valid_identifier(field, value)
    assert validate_field(field, value) == value


@examples(120)
@given(bad=one_bad_identifier())
def test_near_misses_are_refused_naming_field_value_and_expected_form(bad) -> None:
    """The validator every entrance shares: the error names the field, the exact value (repr)
    and the expected form, which includes botocore's pattern."""
    from cleanroomsml_tf.model.errors import InvalidInputError
    from cleanroomsml_tf.model.identifiers import validate_field

    field, value = bad
    with pytest.raises(InvalidInputError) as caught:
        validate_field(field, value)
    message = str(caught.value)
    assert caught.value.field == field
    assert f"invalid {field} {value!r}: expected " in message
    assert f"/{pattern_of(field)}/" in message
    assert "\n" not in message


@examples(30)
@given(field=st.sampled_from(IDENTIFIERS), value=wrong_types())
def test_wrong_types_are_refused(field, value) -> None:
    from cleanroomsml_tf.model.errors import InvalidInputError
    from cleanroomsml_tf.model.identifiers import validate_field

    with pytest.raises(InvalidInputError, match=f"^invalid {field} "):
        validate_field(field, value)


def test_the_oracles_accept_what_is_valid() -> None:
    """Each oracle says yes to a plain valid value, so its filter cannot empty a strategy into
    vacuity or pass off valid input as bad."""
    assert positive_int_ok("3") and positive_int_ok(" +12 ")
    assert positive_seconds_ok("0.5") and positive_seconds_ok("1e3")
    assert shard_ok("2/4") and not shard_ok("5/4")
    assert endpoint_ok("http://127.0.0.1:8790") and endpoint_ok("https://[::1]:443")
    assert region_ok("eu-west-1") and not region_ok("eu-west-1\n")
    for field in IDENTIFIERS:
        assert not is_valid_identifier(field, "")
