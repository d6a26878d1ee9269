"""Bad CLI flags for ``describe``, ``lock add`` and ``drift``: a clear error, no request.

Exit codes (README): 1 for an input/check error, with exactly one stderr line and never a
traceback; 2 for usage errors (argparse: usage, then ``PROG: error: argument FLAG: ...``).

Most cases call :func:`cleanroomsml_tf.cli.main` in-process (a subprocess costs ~0.3 s); a few
run the real console process to pin down its behaviour. Every command points ``--endpoint-url``
at the session emulator, whose ``request_count`` must not move.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.bad_input import (
    assert_one_line_error,
    bad_endpoints,
    bad_positive_ints,
    bad_regions,
    bad_seconds,
    bad_shards,
    example_lock_text,
    examples,
    invalid_identifiers,
    not_one_of,
    one_bad_identifier,
    pattern_of,
    run_main,
)
from tests.support.emulator import run_cli
from tests.support.example_ids import CHURN, CHURN_V1, COLLABORATION

GOOD = {"trained_model_arn": CHURN, "collaboration_identifier": COLLABORATION,
        "version_identifier": CHURN_V1}


def shown(value: object) -> str:
    """``repr(value)`` as an error line shows it: URL user-info and tokens redacted."""
    from cleanroomsml_tf.output.redaction import redact

    return redact(repr(value))


def assert_usage_error(code: int, err: str, prog: str, flag: str, *fragments: str) -> str:
    """A usage error's exit 1: usage, then one ``PROG: error: argument FLAG: ...`` line."""
    assert "Traceback" not in err
    assert code == 1, err
    last = err.rstrip("\n").splitlines()[-1]
    assert err.startswith("usage: "), err
    assert last.startswith(f"{prog}: error: argument {flag}"), last
    for fragment in fragments:
        assert fragment in last, (fragment, last)
    return last


def identifier_flags(values: dict[str, str]) -> list[str]:
    """``--trained-model-arn=...`` etc. (``=`` so values starting with ``-`` stay values)."""
    return [f"--{field.replace('_', '-')}={value}" for field, value in values.items()]


@pytest.fixture
def lock_file(tmp_path: Path) -> Path:
    """A valid lock file with three entries."""
    path = tmp_path / "cleanroomsml.lock.json"
    path.write_text(example_lock_text(), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- describe


@examples(100)
@given(bad=one_bad_identifier())
def test_describe_refuses_bad_identifiers_before_any_request(emulator, bad) -> None:
    field, value = bad
    before = emulator.request_count
    argv = ["describe", *identifier_flags({**GOOD, field: value}), f"--endpoint-url={emulator.url}"]
    code, out, err = run_main(argv)
    assert_one_line_error(code, err, f"cleanroomsml-tf describe: invalid {field} {shown(value)}: "
                          "expected ", f"/{pattern_of(field)}/")
    assert out == ""
    assert emulator.request_count == before


_NUMBER_FLAGS = {"--max-attempts": ("an integer >= 1", bad_positive_ints()),
                 "--timeout": ("seconds > 0", bad_seconds())}


@examples(60)
@given(flag=st.sampled_from(sorted(_NUMBER_FLAGS)), data=st.data())
def test_describe_refuses_bad_numbers_as_usage_errors(emulator, flag, data) -> None:
    expected, strategy = _NUMBER_FLAGS[flag]
    value = data.draw(strategy, label="value")
    before = emulator.request_count
    code, _, err = run_main(["describe", *identifier_flags(GOOD),
                             f"--endpoint-url={emulator.url}", f"{flag}={value}"])
    assert_usage_error(code, err, "cleanroomsml-tf describe", flag, f"expected {expected}",
                       repr(value))
    assert emulator.request_count == before


@examples(40)
@given(flag=st.sampled_from(("--retry-mode", "--format")), data=st.data())
def test_describe_refuses_unknown_choices(emulator, flag, data) -> None:
    choices = ("standard", "adaptive", "legacy") if flag == "--retry-mode" else ("json", "text")
    value = data.draw(not_one_of(choices), label="value")
    before = emulator.request_count
    code, _, err = run_main(["describe", *identifier_flags(GOOD),
                             f"--endpoint-url={emulator.url}", f"{flag}={value}"])
    assert_usage_error(code, err, "cleanroomsml-tf describe", flag,
                       f"invalid choice: {value!r}", repr(choices[0]))
    assert emulator.request_count == before


@examples(60)
@given(endpoint=bad_endpoints())
def test_describe_refuses_bad_endpoint_urls(emulator, endpoint) -> None:
    before = emulator.request_count
    code, _, err = run_main(["describe", *identifier_flags(GOOD), f"--endpoint-url={endpoint}"])
    assert_one_line_error(code, err,
                          f"cleanroomsml-tf describe: invalid endpoint {shown(endpoint)}: "
                          "expected an http(s) URL")
    assert emulator.request_count == before


@examples(30)
@given(region=bad_regions())
def test_describe_refuses_bad_regions(emulator, region) -> None:
    before = emulator.request_count
    code, _, err = run_main(["describe", *identifier_flags(GOOD), f"--region={region}",
                             f"--endpoint-url={emulator.url}"])
    assert_one_line_error(code, err, f"cleanroomsml-tf describe: invalid region {region!r}: "
                          "expected ")
    assert emulator.request_count == before


@examples(15)
@given(profile=st.text(min_size=1, max_size=20))
def test_describe_refuses_unknown_profiles(emulator, profile) -> None:
    """The tests' AWS config file is empty, so every profile name is unknown."""
    before = emulator.request_count
    code, _, err = run_main(["describe", *identifier_flags(GOOD), f"--profile={profile}",
                             f"--endpoint-url={emulator.url}"])
    assert_one_line_error(code, err, f"cleanroomsml-tf describe: invalid profile {profile!r} "
                          "(from profile): not found in ")
    assert emulator.request_count == before


def test_describe_with_good_input_does_reach_the_endpoint(emulator) -> None:
    """The control: the same command line with valid values sends requests, so the
    ``request_count`` checks above could fail."""
    before = emulator.request_count
    code, out, err = run_main(["describe", *identifier_flags(GOOD),
                               f"--endpoint-url={emulator.url}", "--max-attempts=2",
                               "--timeout=30", "--region=us-east-1"])
    assert (code, err) == (0, "")
    assert CHURN_V1 in out
    assert emulator.request_count > before


# --------------------------------------------------------------------------- lock add


@examples(60)
@given(bad=one_bad_identifier())
def test_lock_add_refuses_bad_identifiers_and_leaves_the_file(emulator, lock_file, bad) -> None:
    field, value = bad
    original = lock_file.read_bytes()
    before = emulator.request_count
    code, out, err = run_main(["lock", "add", *identifier_flags({**GOOD, field: value}),
                               f"--lock-file={lock_file}", f"--endpoint-url={emulator.url}"])
    if field == "trained_model_arn" and value == "":  # an empty ARN is a missing one: usage
        assert code == 1 and "Traceback" not in err
        assert err.splitlines()[-1] == ("cleanroomsml-tf lock add: error: give "
                                        "--trained-model-arn ARN, or --all for every model")
    else:
        assert_one_line_error(code, err, f"cleanroomsml-tf lock: invalid {field} {shown(value)}: "
                              "expected ", f"/{pattern_of(field)}/")
    assert out == ""
    assert lock_file.read_bytes() == original
    assert emulator.request_count == before


@examples(25)
@given(collaboration=invalid_identifiers("collaboration_identifier"))
def test_lock_add_all_refuses_a_bad_collaboration(emulator, tmp_path, collaboration) -> None:
    target = tmp_path / "new.lock.json"
    before = emulator.request_count
    code, _, err = run_main(["lock", "add", "--all", f"--collaboration-identifier={collaboration}",
                             f"--lock-file={target}", f"--endpoint-url={emulator.url}"])
    assert_one_line_error(code, err, "cleanroomsml-tf lock: invalid collaboration_identifier "
                          f"{collaboration!r}: expected ")
    assert not target.exists()
    assert emulator.request_count == before


@examples(25)
@given(value=bad_positive_ints())
def test_lock_add_refuses_a_bad_concurrency(emulator, lock_file, value) -> None:
    original = lock_file.read_bytes()
    before = emulator.request_count
    code, _, err = run_main(["lock", "add", *identifier_flags(GOOD), f"--concurrency={value}",
                             f"--lock-file={lock_file}", f"--endpoint-url={emulator.url}"])
    assert_usage_error(code, err, "cleanroomsml-tf lock add", "--concurrency",
                       "expected an integer >= 1", repr(value))
    assert lock_file.read_bytes() == original
    assert emulator.request_count == before


# --------------------------------------------------------------------------- drift


def _drift_flag_cases() -> st.SearchStrategy[tuple[str, str, str, str]]:
    """(flag, bad value, expected form, how the message names the value) for every validated
    ``drift`` flag."""
    from cleanroomsml_tf.drift.reports import FORMATS

    def case(flag: str, expected: str) -> Callable[[str], tuple[str, str, str, str]]:
        return lambda value: (flag, value, expected, repr(value))

    return st.one_of(
        bad_positive_ints().map(case("--concurrency", "expected an integer >= 1")),
        bad_positive_ints().map(case("--max-attempts", "expected an integer >= 1")),
        bad_seconds().map(case("--timeout", "expected seconds > 0")),
        bad_shards().map(case("--shard", "expected I/N with 1 <= I <= N")),
        not_one_of(FORMATS).map(case("--format", "invalid choice")),
        not_one_of(("standard", "adaptive", "legacy")).map(case("--retry-mode", "invalid choice")),
        st.text(max_size=12).filter(lambda v: "=" not in v or v.startswith("=")).map(
            case("--report", "expected FORMAT=FILE")),
        _bad_fields(),
    )


def _bad_fields() -> st.SearchStrategy[tuple[str, str, str, str]]:
    """``--fields`` lists with an unknown name (the message names that item) or no name."""
    from cleanroomsml_tf.drift.fields import valid_field_names

    names = valid_field_names()

    def case(text: str) -> tuple[str, str, str, str]:
        items = [item.strip() for item in text.split(",")]
        unknown = [item for item in items if item and item not in names]
        if unknown:
            return ("--fields", text, "valid fields: ", f"unknown field {unknown[0]!r}")
        return ("--fields", text, "valid fields: ", "no fields given")

    def ok(text: str) -> bool:
        items = [item.strip() for item in text.split(",")]
        items = [item for item in items if item]
        return bool(items) and all(item in names for item in items)

    near = st.sampled_from(names).flatmap(lambda n: st.sampled_from((
        n.upper(), n.replace("_", "-"), n + "s", n[:-1], n.replace(".", "/"), f"{n}.x",
        f"{n},nope", f" {n} ,{n}x")))
    return st.one_of(near, st.text(max_size=15)).filter(lambda t: not ok(t)).map(case)


@examples(120)
@given(case=_drift_flag_cases())
def test_drift_refuses_bad_flags_and_leaves_the_file(emulator, lock_file, case) -> None:
    flag, value, expected, named = case
    original = lock_file.read_bytes()
    before = emulator.request_count
    code, out, err = run_main(["drift", f"--lock-file={lock_file}",
                               f"--endpoint-url={emulator.url}", f"{flag}={value}"])
    assert_usage_error(code, err, "cleanroomsml-tf drift", flag, expected, named)
    assert out == ""
    assert lock_file.read_bytes() == original
    assert emulator.request_count == before


@examples(30)
@given(setting=st.one_of(bad_endpoints().map(lambda v: ("endpoint-url", "endpoint", v)),
                         bad_regions().map(lambda v: ("region", "region", v))))
def test_drift_refuses_bad_connection_settings(emulator, lock_file, setting) -> None:
    flag, name, value = setting
    original = lock_file.read_bytes()
    before = emulator.request_count
    argv = ["drift", f"--lock-file={lock_file}", f"--{flag}={value}"]
    if flag != "endpoint-url":
        argv.append(f"--endpoint-url={emulator.url}")
    code, out, err = run_main(argv)
    assert_one_line_error(code, err,
                          f"cleanroomsml-tf drift: invalid {name} {shown(value)}: expected ")
    assert out == ""
    assert lock_file.read_bytes() == original
    assert emulator.request_count == before


def test_drift_with_good_flags_does_reach_the_endpoint(emulator, lock_file) -> None:
    """The control for the drift properties: same lock file, valid flags, requests sent."""
    before = emulator.request_count
    code, out, _ = run_main(["drift", f"--lock-file={lock_file}", f"--endpoint-url={emulator.url}",
                             "--concurrency=2", "--shard=1/1", "--timeout=30",
                             "--fields=status,resource_config"])
    assert code in (0, 2), out  # the latest-following entry may have a newer version: drift
    assert emulator.request_count > before


# --------------------------------------------------------------------------- real processes


@pytest.mark.parametrize(
    ("argv", "status", "fragments"),
    [
        (["describe", *identifier_flags({**GOOD, "trained_model_arn": CHURN + "\t"})], 1,
         ["invalid trained_model_arn", repr(CHURN + "\t")]),
        (["describe", *identifier_flags(GOOD), "--region=us east 1"], 1,
         ["invalid region 'us east 1'"]),
        (["describe", *identifier_flags(GOOD), "--endpoint-url=http://[::1"], 1,
         ["invalid endpoint 'http://[::1'"]),
        (["drift", "--shard=0/4"], 1, ["argument --shard: invalid shard '0/4'"]),
    ],
    ids=["bad-arn", "bad-region", "bad-endpoint", "bad-shard"],
)
def test_the_real_process_prints_one_line_and_no_traceback(
        emulator, lock_file, argv, status, fragments) -> None:
    if argv[0] == "drift":
        argv = [*argv, f"--lock-file={lock_file}"]
    if not any(a.startswith("--endpoint-url") for a in argv):
        argv = [*argv, f"--endpoint-url={emulator.url}"]
    original = lock_file.read_bytes()
    before = emulator.request_count
    result = run_cli(*argv, timeout=60)
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    if argv[0] != "drift":  # a usage error (the drift case) prints the usage first
        assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[-1], lines
    assert lock_file.read_bytes() == original
    assert emulator.request_count == before
