"""Hypothesis settings for the whole suite, loaded from ``tests/conftest.py``.

* Deterministic under CI (``derandomize=True``, no example database): the same examples on every
  run, so a red build is reproducible and never flaky. ``CI`` is read at start-up, because the
  isolation fixture removes it from the tests' environment.
* Locally: random, with failures remembered in the git-ignored ``.hypothesis/`` directory.
* No per-example deadline: the suite runs on small, noisy machines, and several properties drive
  real subprocesses, the emulator or jsii; each test bounds its work with ``max_examples``.

``HYPOTHESIS_PROFILE=ci`` (or ``=dev``) forces one profile.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parents[2]

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    database=DirectoryBasedExampleDatabase(str(ROOT / ".hypothesis" / "examples")),
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
