"""Running the suite on several cores (pytest-xdist; ``./scripts/test`` uses ``-n auto``).

xdist gives each worker ``BASETEMP/popen-gwN`` as its base temporary directory: 11 characters
deeper than a serial run's. Some tests start the plugin with ``TMPDIR`` inside ``tmp_path`` and
expect its Unix socket there, and a socket path has at most 108 bytes; so a parallel run whose
base directory was not chosen on the command line gets a short one of its own
(``$TMPDIR/pytest-XXXXXXXX``, as long as a serial run's ``/tmp/pytest-of-USER/pytest-N``
for a short user name), removed after a passing run and kept, with its path printed, after a
failing one.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pytest

_OWN_BASETEMP = pytest.StashKey[Path]()
_SESSION = pytest.StashKey[pytest.Session]()


def _controller_of_a_parallel_run(config: pytest.Config) -> bool:
    workers = getattr(config.option, "numprocesses", None)
    return bool(workers) and not hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)  # before pytest's own tmp_path set-up reads --basetemp
def pytest_configure(config: pytest.Config) -> None:
    if _controller_of_a_parallel_run(config) and config.option.basetemp is None:
        basetemp = Path(tempfile.mkdtemp(prefix="pytest-"))
        config.option.basetemp = str(basetemp)
        config.stash[_OWN_BASETEMP] = basetemp


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_SESSION] = session


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the base directory after a passing run (the exit status read here is final:
    tests/conftest.py may have turned a skip in CI into a failure)."""
    basetemp = config.stash.get(_OWN_BASETEMP, None)
    session = config.stash.get(_SESSION, None)
    if basetemp is None:
        return
    if session is not None and session.exitstatus == 0:
        shutil.rmtree(basetemp, ignore_errors=True)
    else:
        print(f"temporary files of this run kept in {basetemp}", file=sys.stderr)
