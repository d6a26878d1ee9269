"""Suite-wide set-up: isolation from the user's AWS/Terraform config, shared fixtures, no skips.

Fixtures live in ``tests/support/`` by concern (emulator, terraform, cdktf) and are loaded here.
"""

from __future__ import annotations

import os

import pytest

# Read once at start-up: the isolation fixture removes CI from the tests' environment.
IN_CI = bool(os.environ.get("CI"))

pytest_plugins = [
    "tests.support.isolation",
    "tests.support.emulator",
    "tests.support.terraform",
    "tests.support.cdktf",
    "tests.support.tls",
    "tests.support.venvs",
    "tests.support.hypothesis_profiles",
    "tests.support.parallel",
]


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001
    """In CI a skipped test is a failure: say which ones, loudly."""
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped and IN_CI:
        terminalreporter.write_line(
            f"ERROR: {len(skipped)} test(s) skipped under CI=true; CI must not skip.", red=True
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_sessionfinish(session, exitstatus):  # noqa: ARG001
    yield
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and IN_CI and session.exitstatus == 0:
        session.exitstatus = 1
