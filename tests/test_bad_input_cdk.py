"""Bad ``TrainedModelLookup`` props: a typed error at construction, naming the prop; no request.

Both modes: ``resolve="plan"`` (a data source; Terraform would read later) and ``resolve="synth"``
(the lock file, resolved live from the session emulator when the entry is missing). In synth mode
a bad prop must not create the lock file or reach the emulator.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.model.errors import CleanroomsmlTfError, InvalidInputError
from tests.support.bad_input import (
    IDENTIFIERS,
    examples,
    invalid_identifiers,
    not_one_of,
    pattern_of,
    wrong_types,
)
from tests.support.cdktf import CHURN_ARN, COLLABORATION, synth_json

pytestmark = pytest.mark.cdktf

_ids = itertools.count()


@pytest.fixture
def stack(new_stack):
    """One stack for every example of a test (each lookup gets a fresh construct id)."""
    return new_stack()


def construct(cdk, stack, emulator, lock_path, mode: str, **props: Any):
    """A TrainedModelLookup with good identifiers unless ``props`` say otherwise."""
    props.setdefault("trained_model_arn", CHURN_ARN)
    props.setdefault("collaboration_identifier", COLLABORATION)
    if mode == "synth":
        props.update(resolve="synth", lock_path=lock_path,
                     settings=ClientSettings(endpoint_url=emulator.url, max_attempts=1))
    return cdk.TrainedModelLookup(stack, f"lookup{next(_ids)}", **props)


@st.composite
def bad_identifier_props(draw) -> tuple[str, Any]:
    """A near-miss string or a value of the wrong type for one identifier prop."""
    field = draw(st.sampled_from(IDENTIFIERS))
    wrong = wrong_types()
    if field in ("version_identifier", "trained_model_arn"):
        # None means "the latest version" / "named by trained_model_name instead" (refused by
        # test_exactly_one_of_arn_or_name in test_cdk_lookup_by_name.py).
        wrong = wrong.filter(lambda v: v is not None)
    return field, draw(st.one_of(invalid_identifiers(field), wrong))


@examples(80)
@given(mode=st.sampled_from(("plan", "synth")), bad=bad_identifier_props())
def test_bad_identifiers_raise_at_construction(cdk, stack, emulator, tmp_path, mode, bad) -> None:
    field, value = bad
    lock_path = tmp_path / "cleanroomsml.lock.json"
    before = emulator.request_count
    with pytest.raises(InvalidInputError) as caught:
        construct(cdk, stack, emulator, lock_path, mode, **{field: value})
    message = str(caught.value)
    assert caught.value.field == field
    assert message.startswith(f"invalid {field} {value!r}: expected "), message
    assert f"/{pattern_of(field)}/" in message and "\n" not in message
    assert not lock_path.exists()
    assert emulator.request_count == before


def bad_allow_lists() -> st.SearchStrategy[Any]:
    """Allow-lists that allow nothing or are not lists of statuses."""
    status = st.sampled_from(("ACTIVE", "FAILED"))
    return st.one_of(
        st.just([]), st.just(()), st.just(""),
        st.lists(st.one_of(status, st.just("")), min_size=1, max_size=3).filter(
            lambda items: "" in items),
        st.lists(st.one_of(status, st.integers(), st.none(), st.binary(max_size=2)),
                 min_size=1, max_size=3).filter(lambda items: not all(
                     isinstance(i, str) for i in items)),
        st.integers(), st.floats(allow_nan=False), st.booleans(), st.binary(min_size=1, max_size=3),
    )


@examples(30)
@given(mode=st.sampled_from(("plan", "synth")), allowed=bad_allow_lists())
def test_bad_allow_lists_raise_at_construction(cdk, stack, emulator, tmp_path, mode,
                                               allowed) -> None:
    from cleanroomsml_tf.cdk.lookup import LookupConfigurationError

    lock_path = tmp_path / "cleanroomsml.lock.json"
    before = emulator.request_count
    with pytest.raises(LookupConfigurationError) as caught:
        construct(cdk, stack, emulator, lock_path, mode, allowed_statuses=allowed)
    message = str(caught.value)
    assert message.startswith(f"invalid allowed_statuses {allowed!r} for TrainedModelLookup "), (
        message)
    assert "expected None or a non-empty list of statuses" in message
    assert not lock_path.exists()
    assert emulator.request_count == before


@examples(20)
@given(resolve=st.one_of(not_one_of(("plan", "synth")), wrong_types()))
def test_bad_resolve_raises_at_construction(cdk, stack, emulator, tmp_path, resolve) -> None:
    from cleanroomsml_tf.cdk.lookup import LookupConfigurationError

    lock_path = tmp_path / "cleanroomsml.lock.json"
    before = emulator.request_count
    with pytest.raises(LookupConfigurationError) as caught:
        cdk.TrainedModelLookup(stack, f"lookup{next(_ids)}", trained_model_arn=CHURN_ARN,
                               collaboration_identifier=COLLABORATION, resolve=resolve,
                               lock_path=lock_path,
                               settings=ClientSettings(endpoint_url=emulator.url))
    assert str(caught.value).startswith(f"invalid resolve {resolve!r} for TrainedModelLookup ")
    assert "expected 'plan' or 'synth'" in str(caught.value)
    assert isinstance(caught.value, CleanroomsmlTfError)
    assert not lock_path.exists()
    assert emulator.request_count == before


def test_good_props_construct_in_both_modes(cdk, stack, emulator, tmp_path) -> None:
    """The control: valid props build; synth mode reaches the emulator and writes the file."""
    lock_path = tmp_path / "cleanroomsml.lock.json"
    planned = construct(cdk, stack, emulator, lock_path, "plan", allowed_statuses=["ACTIVE"])
    assert planned.data_source is not None
    before = emulator.request_count
    pinned = construct(cdk, stack, emulator, lock_path, "synth", allowed_statuses="ACTIVE")
    assert pinned.status == "ACTIVE"
    assert emulator.request_count > before and lock_path.is_file()
    assert "cleanroomsml_collaboration_trained_model" in synth_json(stack)["data"]


def test_a_broken_lock_file_stops_synth_mode_before_any_request(cdk, stack, emulator,
                                                                tmp_path) -> None:
    from cleanroomsml_tf.lockfile.model import LockFileError

    lock_path = tmp_path / "cleanroomsml.lock.json"
    broken = b'{"format_version": 1, "entries": {}'  # truncated
    lock_path.write_bytes(broken)
    before = emulator.request_count
    with pytest.raises(LockFileError) as caught:
        construct(cdk, stack, emulator, lock_path, "synth")
    assert str(caught.value).startswith(f"lock file {lock_path}: is not valid JSON: ")
    assert lock_path.read_bytes() == broken
    assert emulator.request_count == before
