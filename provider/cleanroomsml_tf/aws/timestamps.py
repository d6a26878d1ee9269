"""How response timestamps become datetimes: the common ISO-8601 form parsed directly.

The Clean Rooms ML service sends its timestamps as ISO-8601 strings (``timestampFormat:
iso8601`` in the service model), which botocore's default parser hands to ``dateutil``: about
0.3 ms per timestamp on these machines, two per model, the largest single cost of a read after
signing (``python benchmarks/lookup_overhead.py``). :func:`parse_timestamp` parses exactly the
forms the service sends (``2026-10-15T12:00:00Z``, fractions of a second, numeric offsets) with
``datetime.fromisoformat`` and hands everything else to botocore's own parser, unchanged; it is
installed through botocore's public ``response_parser_factory`` component
(``set_parser_defaults(timestamp_parser=...)``, as the AWS CLI does).
tests/test_timestamps.py checks it against botocore's parser.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})?")


def parse_timestamp(value: Any) -> _dt.datetime:
    """A response timestamp as botocore's default parser would return it (the same instant;
    naive when the text names no offset)."""
    if isinstance(value, str) and _ISO.fullmatch(value):
        text = value[:-1] + "+00:00" if value.endswith("Z") else value
        return _dt.datetime.fromisoformat(text)
    from botocore.utils import parse_timestamp as botocore_parse_timestamp

    return botocore_parse_timestamp(value)


def install(session: Any) -> None:
    """Make ``session``'s clients parse response timestamps with :func:`parse_timestamp`."""
    session.get_component("response_parser_factory").set_parser_defaults(
        timestamp_parser=parse_timestamp)
