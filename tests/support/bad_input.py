"""Bad input at every entrance (issue #6): the shared strategies and the independent oracle.

The entrance tests use this module, one file per entrance (and ``test_bad_input.py`` checks the
oracle and the shared validator themselves):

* ``test_bad_input_cli.py`` — ``describe``, ``lock add``, ``drift`` flags (in-process and a few
  real processes);
* ``test_bad_input_plugin.py`` — provider and data source arguments through the gRPC handlers,
  and one real ``terraform plan``;
* ``test_bad_input_cdk.py`` — ``TrainedModelLookup`` props in both modes;
* ``test_bad_input_files.py`` — emulator data files and lock files.

Every test there asserts (a) the package's typed error (or the CLI's exit status and one readable
stderr line), (b) a message naming the field, the value and the expected form, and (c) that no
request reached a real emulator (``request_count`` unchanged).

Strategies are derived from botocore's service model, read here directly (not through the
package, so the oracle is independent of the validator under test): valid values come from the
model's patterns (``st.from_regex(..., fullmatch=True)``), near misses mutate them, and every
generated value is filtered through :func:`is_valid_identifier` (length limits plus a
whole-value ``re.fullmatch`` of botocore's pattern) so it is really invalid.
"""

from __future__ import annotations

import json
import math
import os
import re
import string
from collections.abc import Callable
from functools import cache
from typing import Any

from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

GET = "GetCollaborationTrainedModel"
LIST = "ListCollaborationTrainedModels"
IDENTIFIER_MEMBERS = {
    "trained_model_arn": (GET, "trainedModelArn"),
    "collaboration_identifier": (GET, "collaborationIdentifier"),
    "version_identifier": (GET, "versionIdentifier"),
}
IDENTIFIERS = tuple(IDENTIFIER_MEMBERS)

# Characters that make a near miss: whitespace and control characters, look-alike Unicode
# (non-ASCII digits, dotless/dotted i, full-width letters, zero-width and BOM), URL and path
# punctuation that would change a request path if it were ever sent.
WEIRD = (
    " ", "\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\u00a0", "\u200b", "\ufeff", "\u2028",
    "é", "İ", "ı", "Ａ", "٣", "𝟘", "-", "_", ".", "/", ":", "%", "%2F", "?", "#", "@", "\\",
    "..", "A", "Z", "g", "0",
)



def examples(count: int) -> settings:
    """Settings of a bad-input property: ``count`` examples on top of the active profile
    (tests/support/hypothesis_profiles.py). Emulator and tmp_path fixtures are reused across
    examples on purpose (``request_count`` and file bytes are compared before/after).

    ``BAD_INPUT_EXAMPLES=10`` runs ten times as many, for a deeper search than the suite's
    time budget allows.
    """
    return settings(
        max_examples=count * int(os.environ.get("BAD_INPUT_EXAMPLES", "1")),
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# --------------------------------------------------------------------------- the oracle


@cache
def botocore_constraints(field: str) -> dict[str, Any]:
    """``{"min", "max", "pattern"}`` of an identifier, straight from botocore's service model."""
    import botocore.session

    operation, member = IDENTIFIER_MEMBERS[field]
    model = botocore.session.get_session().get_service_model("cleanroomsml")
    shape = model.operation_model(operation).input_shape.members[member]
    return {k: shape.metadata[k] for k in ("min", "max", "pattern") if k in shape.metadata}


def is_valid_identifier(field: str, value: object) -> bool:
    """The oracle: a string within botocore's length limits whose *whole* value matches."""
    c = botocore_constraints(field)
    return (
        isinstance(value, str)
        and c.get("min", 0) <= len(value) <= c.get("max", math.inf)
        and re.fullmatch(c["pattern"], value) is not None
    )


def pattern_of(field: str) -> str:
    """botocore's pattern for the field (what a good message shows as the expected form)."""
    return botocore_constraints(field)["pattern"]


# --------------------------------------------------------------------------- identifiers


@cache
def valid_identifiers(field: str) -> st.SearchStrategy[str]:
    """Valid values generated from botocore's own pattern (not hand-copied) and, for ARNs,
    realistic ones built from botocore's partitions and regions (the oracle checks both)."""
    c = botocore_constraints(field)
    generated = st.from_regex(c["pattern"], fullmatch=True)
    if field == "trained_model_arn":
        generated = st.one_of(generated, realistic_arns())
    return generated.filter(lambda v: c.get("min", 0) <= len(v) <= c.get("max", math.inf))


@cache
def realistic_arns() -> st.SearchStrategy[str]:
    """``arn:PARTITION:cleanrooms-ml:REGION:ACCOUNT:membership/UUID/trained-model/UUID``."""
    import botocore.session

    partitions = botocore.session.get_session().get_available_partitions() or ["aws"]
    return st.builds(
        "arn:{}:cleanrooms-ml:{}:{}:membership/{}/trained-model/{}".format,
        st.sampled_from(partitions), st.sampled_from(_known_regions()),
        st.from_regex(r"[0-9]{12}", fullmatch=True), st.uuids().map(str), st.uuids().map(str),
    )


def _mutate(draw: Callable[..., Any], field: str, value: str) -> str:
    c = botocore_constraints(field)
    how = draw(st.sampled_from((
        "insert", "replace", "delete", "truncate", "case", "pad", "overlong", "segment", "repeat",
    )))
    weird = st.sampled_from(WEIRD)
    if how == "insert":
        at = draw(st.integers(0, len(value)))
        return value[:at] + draw(weird) + value[at:]
    if how == "replace":
        at = draw(st.integers(0, len(value) - 1))
        return value[:at] + draw(weird) + value[at + 1:]
    if how == "delete":
        at = draw(st.integers(0, len(value) - 1))
        return value[:at] + value[at + 1:]
    if how == "truncate":
        return value[: draw(st.integers(0, len(value) - 1))]
    if how == "case":
        return value.upper() if value != value.upper() else value.lower() + "G"
    if how == "pad":
        return draw(st.sampled_from((" {}", "{} ", "{}\n", "\t{}", "{}\x00", "\ufeff{}"))).format(
            value)
    if how == "overlong":
        # Still matching the pattern, only too long: the limit itself must be enforced.
        filler = "a" if field == "trained_model_arn" else "0"
        longer = value + filler * (c.get("max", 2048) - len(value) + draw(st.integers(1, 64)))
        return longer
    if how == "repeat":
        return value + draw(st.sampled_from(("", "/", ":", "-"))) + value
    # "segment": break one part of the structure the pattern defines (partition, service,
    # region, account, resource type, membership, id; the groups of a UUID).
    separator = draw(st.sampled_from(":/")) if field == "trained_model_arn" else "-"
    parts = value.split(separator)
    at = draw(st.integers(0, len(parts) - 1))
    parts[at] = draw(st.sampled_from((
        "", parts[at].upper(), parts[at][:-1], parts[at] + "0", parts[at] + "x",
        parts[at].replace("-", "_"), parts[at] + " ", "٣" * len(parts[at]),
        "AWS", "aws1", "cleanroomsml", "cleanrooms", "trained-models", "configured-model-algorithm",
        "US-EAST-1", "us_east_1", "11112222333", "1111222233334", "11112222333x",
    )))
    return separator.join(parts)


@st.composite
def invalid_identifiers(draw: Callable[..., Any], field: str) -> str:
    """A near miss of a valid ``field`` value (or junk), checked invalid by the oracle."""
    if draw(st.integers(0, 9)) == 0:
        value = draw(st.one_of(st.just(""), st.text(max_size=60), st.text(" \t\n", max_size=4)))
    else:
        value = _mutate(draw, field, draw(valid_identifiers(field)))
    assume(not is_valid_identifier(field, value))
    return value


def wrong_types() -> st.SearchStrategy[Any]:
    """Values of the wrong Python type for a string argument (Python entrances only)."""
    return st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
        st.binary(max_size=8), st.lists(st.text(max_size=4), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )


@st.composite
def one_bad_identifier(draw: Callable[..., Any], fields: tuple[str, ...] = IDENTIFIERS
                       ) -> tuple[str, str]:
    """``(field, invalid value)`` for one of ``fields``."""
    field = draw(st.sampled_from(fields))
    return field, draw(invalid_identifiers(field))


# --------------------------------------------------------------------------- numbers and flags

# Junk for numeric flags: no Unicode decimal digits (Python's int()/float() read "٣" as 3, a
# leniency we accept) and no "_" (int("1_0") is 10). Everything else is fair game.
_JUNK_ALPHABET = st.characters(
    blacklist_categories=("Cs", "Nd"), blacklist_characters="_"
) | st.sampled_from("0123456789.-+eE/ ")
_SPECIAL_FLOATS = ("nan", "NaN", "inf", "-inf", "Infinity", "+inf", "1e400", "-1e400")
_INT_RE = re.compile(r"\s*\+?[0-9]+\s*", re.ASCII)
_FLOAT_RE = re.compile(r"\s*\+?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*", re.ASCII)
_SHARD_RE = re.compile(r"\s*\+?([0-9]+)\s*/\s*\+?([0-9]+)\s*", re.ASCII)


def positive_int_ok(text: str) -> bool:
    """Oracle for ``N >= 1`` flags: ASCII digits, optional sign/space, value at least 1."""
    return _INT_RE.fullmatch(text) is not None and int(text) >= 1


def positive_seconds_ok(text: str) -> bool:
    """Oracle for ``S > 0`` seconds: a plain decimal number, finite, above zero."""
    if _FLOAT_RE.fullmatch(text) is None:
        return False
    value = float(text)
    return math.isfinite(value) and value > 0


def shard_ok(text: str) -> bool:
    """Oracle for ``I/N``: two plain integers with 1 <= I <= N."""
    m = _SHARD_RE.fullmatch(text)
    return m is not None and 1 <= int(m.group(1)) <= int(m.group(2))


def bad_positive_ints() -> st.SearchStrategy[str]:
    """Zero, negative, fractional, exponent, special and junk text for an ``N >= 1`` flag."""
    return st.one_of(
        st.integers(max_value=0).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.tuples(st.integers(0, 99), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]}"),
        st.integers(1, 9).map(lambda n: f"{n}e3"),
        st.sampled_from(("", " ", "\t", "one", "0x10", "1,000", "--1", "++1", "1 2", "1/2",
                         *_SPECIAL_FLOATS)),
        st.text(_JUNK_ALPHABET, max_size=8),
    ).filter(lambda t: not positive_int_ok(t))


def bad_seconds() -> st.SearchStrategy[str]:
    """Zero, negative, special (nan/inf/overflow), unit-suffixed and junk text for seconds."""
    return st.one_of(
        st.floats(max_value=0).map(repr),
        st.sampled_from(_SPECIAL_FLOATS),
        st.sampled_from(("", " ", "0", "-0", "0.0", "-0.0", "5s", "1m", "1,5", "1e-400", "ten",
                         "0x1p3", "1..2", ".", "e3")),
        st.text(_JUNK_ALPHABET, max_size=8),
    ).filter(lambda t: not positive_seconds_ok(t))


def bad_shards() -> st.SearchStrategy[str]:
    """``I/N`` near misses: index 0 or above N, N = 0, negatives, missing parts, junk."""
    small = st.integers(-3, 12)
    return st.one_of(
        st.tuples(small, small).map(lambda t: f"{t[0]}/{t[1]}"),
        st.tuples(small, small, st.sampled_from(("//", "\\", ":", "-", " of ", "/+-", "."))).map(
            lambda t: f"{t[0]}{t[2]}{t[1]}"),
        st.sampled_from(("", "1", "1/", "/2", "a/b", "1.5/2", "1/2/3", "½", "1/∞")),
        st.text(_JUNK_ALPHABET, max_size=8),
    ).filter(lambda t: not shard_ok(t))


def not_one_of(choices: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Near misses of an enumerated flag (case, spaces, prefixes) and junk."""
    near = st.sampled_from(choices).flatmap(lambda c: st.sampled_from((
        c.upper(), c.title(), f" {c}", f"{c} ", c[:-1], c + "s", c.replace("a", "а"))))
    return st.one_of(near, st.text(max_size=12)).filter(lambda t: t not in choices)


# --------------------------------------------------------------------------- endpoints, regions


def endpoint_ok(url: str) -> bool:
    """Oracle: a URL botocore and urllib3 can use: printable ASCII, http(s), a host botocore
    accepts (botocore.utils.is_valid_uri), a port in range."""
    import urllib.parse

    from botocore.utils import is_valid_uri

    if not url.isascii() or any(c.isspace() or not c.isprintable() for c in url):
        return False
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(parts.hostname)
            and (port is None or 0 <= port <= 65535) and bool(is_valid_uri(url)))


def bad_endpoints() -> st.SearchStrategy[str]:
    """Endpoint URLs one mistake away from http://127.0.0.1:8790 (scheme, host, port, junk)."""
    hosts = st.sampled_from(("127.0.0.1", "localhost", "example.com", "[::1]"))
    bad_hosts = st.sampled_from((
        "", " ", "a b", "é.example", "ex_ample.com", "-a.com", "a-.com", "a..b", "[::1", "::1",
        "١٢٧.0.0.1", "a" * 64 + ".com", "h\n", "h\x00", "user@", "%00",
    ))
    ports = st.one_of(st.none(), st.integers(0, 65535))
    bad_ports = st.one_of(st.integers(65536, 10**6).map(str), st.integers(max_value=-1).map(str),
                          st.sampled_from(("abc", "80a", " 80", "", "8o", "٨٠")))
    schemes = st.sampled_from(("http", "https"))
    bad_schemes = st.sampled_from(("", "ftp", "file", "ws", "HTTP ", "htp", "http:", "127.0.0.1"))

    def url(scheme: str, host: str, port: object) -> str:
        return f"{scheme}://{host}" + ("" if port is None else f":{port}")

    return st.one_of(
        st.builds(url, bad_schemes, hosts, ports),
        st.builds(url, schemes, bad_hosts, ports),
        st.builds(url, schemes, hosts, bad_ports),
        st.builds(lambda u, w: u + w, st.builds(url, schemes, hosts, ports),
                  st.sampled_from(("\n", " ", "\t/x", "/a b", "\x7f"))),
        st.sampled_from(("127.0.0.1:8790", "//127.0.0.1:8790", "http:/127.0.0.1", "http://",
                         "http:///x", "https://:443", " http://127.0.0.1")),
        st.text(max_size=30),
    ).filter(lambda u: u != "" and not endpoint_ok(u))


def region_ok(region: str) -> bool:
    """Oracle: botocore accepts the name as a region (validate_region_name), with no trailing
    newline (botocore's check uses ``$``, which lets one through)."""
    from botocore.exceptions import InvalidRegionError
    from botocore.utils import validate_region_name

    try:
        validate_region_name(region)
    except InvalidRegionError:
        return False
    return "\n" not in region


@cache
def _known_regions() -> tuple[str, ...]:
    import botocore.session

    return tuple(botocore.session.get_session().get_available_regions("ec2")) or ("us-east-1",)


@st.composite
def bad_regions(draw: Callable[..., Any]) -> str:
    """A real region name with one mistake (space, underscore, Unicode, edge dash, too long)."""
    region = draw(st.sampled_from(_known_regions()))
    at = draw(st.integers(0, len(region)))
    inserted = draw(st.sampled_from((" ", "_", ".", "é", "٣", "\t", "/", ":")))
    value = draw(st.sampled_from((
        region[:at] + inserted + region[at:],
        "-" + region, region + "-", region + "\n", region * 8, "1234", region.replace("-", "_"),
    )))
    assume(value and not region_ok(value))
    return value


# --------------------------------------------------------------------------- JSON values


def json_values(max_leaves: int = 4) -> st.SearchStrategy[Any]:
    """Any JSON value (for documents of the wrong shape)."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False,
                        allow_infinity=False), st.text(max_size=8))
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
        max_leaves=max_leaves)


def wrong_json_type(json_type: str | list[str]) -> st.SearchStrategy[Any]:
    """A JSON value whose type is none of ``json_type`` (JSON Schema type names)."""
    allowed = {json_type} if isinstance(json_type, str) else set(json_type)
    candidates = {
        "string": st.text(max_size=6),
        "integer": st.integers(),
        "number": st.floats(allow_nan=False, allow_infinity=False).filter(
            lambda f: not f.is_integer()),
        "boolean": st.booleans(),
        "null": st.none(),
        "array": st.lists(st.integers(), max_size=2),
        "object": st.dictionaries(st.sampled_from("xyz"), st.integers(), max_size=2),
    }
    if "number" in allowed:
        allowed.add("integer")
    return st.one_of([s for name, s in candidates.items() if name not in allowed])


def not_json_text() -> st.SearchStrategy[str]:
    """Text that does not parse as JSON (junk, or JSON-ish near misses)."""

    def parses(text: str) -> bool:
        try:
            json.loads(text)
        except ValueError:
            return False
        return True

    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(("{", "[", "{'a': 1}", "{\"a\": 1,}", "NaN?", "// comment", "\ufeff{}",
                         "{\"a\": undefined}", "True")),
        st.text(string.printable, max_size=40),
    ).filter(lambda t: not parses(t))


# --------------------------------------------------------------------------- the CLI in-process


def run_main(argv: list[str]) -> tuple[int, str, str]:
    """``cleanroomsml-tf ARGV`` in-process: (exit status, stdout, stderr)."""
    import contextlib
    import io

    from cleanroomsml_tf.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(code: int, err: str, prefix: str, *fragments: str) -> str:
    """Exit 1 with exactly one stderr line starting with ``prefix`` and naming ``fragments``."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert code == 1, err
    assert len(lines) == 1, err
    assert lines[0].startswith(prefix), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


# --------------------------------------------------------------------------- a valid lock file


def example_lock_text() -> str:
    """A valid lock file (format 1) for three entries of the example data, built offline: the
    churn model pinned to each of its versions and the unversioned fraud model as latest."""
    import datetime as dt
    from pathlib import Path

    from cleanroomsml_tf.emulator import example_models
    from cleanroomsml_tf.lockfile import model as lockfile_model
    from cleanroomsml_tf.model import record
    from cleanroomsml_tf.model.identifiers import ModelRef

    lock = lockfile_model.LockFile(Path(lockfile_model.LOCK_FILE_NAME))
    when = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)
    for item in example_models()[:3]:
        ref = ModelRef(item["trainedModelArn"], item["collaborationIdentifier"],
                       item.get("versionIdentifier"))
        lock.put(lockfile_model.new_entry(ref, record.normalize(item), now=when))
    return lock.dumps()
