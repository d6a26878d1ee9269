"""Response timestamps (aws/timestamps.py): the fast ISO-8601 path gives what botocore's own
parser gives, every other form goes to botocore's parser, and clients built by our sessions use
it (a real read from the local endpoint)."""

from __future__ import annotations

import datetime as dt

from botocore.utils import parse_timestamp as botocore_parse
from hypothesis import given
from hypothesis import strategies as st

from cleanroomsml_tf.aws.timestamps import _ISO, parse_timestamp

OFFSETS = st.sampled_from(["Z", "+00:00", "-07:00", "+05:30", ""])


@given(st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2200, 1, 1)),
       st.integers(0, 6), OFFSETS)
def test_iso_forms_parse_like_botocore(moment: dt.datetime, digits: int, offset: str) -> None:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{moment.microsecond:06d}"[:digits]
    text += offset
    assert _ISO.fullmatch(text)
    ours, theirs = parse_timestamp(text), botocore_parse(text)
    assert ours == theirs
    assert (ours.tzinfo is None) == (theirs.tzinfo is None)
    if ours.tzinfo is not None:
        assert ours.utcoffset() == theirs.utcoffset()


def test_other_forms_are_botocore_s() -> None:
    for value in (1760529600, 1760529600.25, "1760529600", "Wed, 15 Oct 2026 12:00:00 GMT",
                  "2026-10-15", "2026-10-15 12:00:00Z"):
        assert not (isinstance(value, str) and _ISO.fullmatch(value))
        assert parse_timestamp(value) == botocore_parse(value)


def test_clients_of_our_sessions_use_it(emulator) -> None:
    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.aws.settings import ClientSettings
    from cleanroomsml_tf.model.identifiers import ModelRef
    from tests.support.example_ids import CHURN, COLLABORATION

    calls: list[object] = []
    import cleanroomsml_tf.aws.timestamps as timestamps

    original = timestamps.parse_timestamp

    def counting(value: object) -> dt.datetime:
        calls.append(value)
        return original(value)

    timestamps.parse_timestamp = counting  # looked up when the session is made
    try:
        # Settings no other test uses: a client of its own (clients are shared per settings).
        resolver = Resolver(ClientSettings(endpoint_url=emulator.url, deadline=58.25))
        record = resolver.get_trained_model(ModelRef(CHURN, COLLABORATION, None))
    finally:
        timestamps.parse_timestamp = original
    assert len(calls) == 2  # createTime and updateTime, parsed by ours
    assert record["create_time"].startswith("2026-10-15T12:00:00.25")
