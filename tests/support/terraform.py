"""Fixtures that run the real Terraform binaries against the installed provider.

Which Terraform and where it runs come from :mod:`devtools.terraform` (shared with the demo and
the benchmarks); this module makes pytest fixtures of them.

* ``terraform_binary`` is parametrized (by ``pytest_generate_tests``) over the Terraform matrix:
  1.0.3 and 1.15.5 (both provided by ``scripts/setup.sh``) and any ``terraform``/``tofu`` on
  PATH, each one test id (``tf1.0.3``, ``tf1.15.5``...). Finding none is a failure, never a skip.
  ``@pytest.mark.terraform_feature("check_block")`` narrows a test to the versions that have
  the language feature (:data:`devtools.terraform.FEATURES`); none having it is a failure.
* ``tf_sandbox`` / ``tf_home``: a per-test sandbox — a private HOME with an empty CLI config and
  the provider installed into ``~/.terraform.d/plugins`` (Terraform's implied local mirror),
  i.e. exactly a user's set-up after ``cleanroomsml-tf install``.
* ``make_terraform(binary, files, env)`` / :class:`TerraformRunner`: run commands with
  ``TF_IN_AUTOMATION=1`` and ``-no-color``, output captured.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from devtools.terraform import FEATURES, Sandbox, Terraform, environment, find_terraform

TerraformBinary = Terraform
"""One Terraform (or OpenTofu) executable and its version (``.path``, ``.version``, ``.id``)."""

# Commands that accept -no-color (``version`` and ``output -json`` do too, harmlessly).
_NO_COLOR = {"init", "validate", "plan", "apply", "output", "refresh", "destroy"}
_NONE_FOUND = ("no Terraform found: run scripts/setup.sh (it provides Terraform 1.0.3 and "
               "1.15.5 under .venv/opt), set TERRAFORM_1_0/TERRAFORM_1_15, or put terraform "
               "on PATH")

_DISCOVERED: list[Terraform] | None = None


def discovered() -> list[Terraform]:
    """The Terraform matrix, newest first; found once per session."""
    global _DISCOVERED
    if _DISCOVERED is None:
        _DISCOVERED = find_terraform()
    return _DISCOVERED


def newest() -> Terraform:
    """The newest Terraform found; fails the test (never skips) when there is none."""
    found = discovered()
    if not found:
        pytest.fail(_NONE_FOUND)
    return found[0]


@pytest.fixture(scope="session")
def newest_terraform() -> Terraform:
    """The newest Terraform found, for tests where one version is enough."""
    return newest()


REQUIRED_PROVIDERS = """
terraform {
  required_providers {
    cleanroomsml = { source = "cleanroomsml-tf/cleanroomsml" }
  }
}
"""
"""The ``terraform`` block every test configuration starts with (our provider's source)."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "terraform_feature(name): run only on the Terraform versions that have this "
        f"language feature (one of {', '.join(FEATURES)})")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``terraform_binary`` over the matrix (a failing None if nothing fits)."""
    if "terraform_binary" not in metafunc.fixturenames:
        return
    binaries: list[Terraform | None] = list(discovered())
    for marker in metafunc.definition.iter_markers("terraform_feature"):
        binaries = [b for b in binaries if b is not None and b.supports(marker.args[0])]
    binaries = binaries or [None]
    metafunc.parametrize(
        "terraform_binary", binaries, ids=[b.id if b else "no-terraform" for b in binaries],
        indirect=True,
    )


@pytest.fixture
def terraform_binary(request: pytest.FixtureRequest) -> Terraform:
    """The Terraform this test runs with; fails (not skips) when none fits."""
    binary = getattr(request, "param", None)
    if binary is None:
        features = [m.args[0] for m in request.node.iter_markers("terraform_feature")]
        pytest.fail(f"no Terraform with {', '.join(features)} found ({_NONE_FOUND})"
                    if features and discovered() else _NONE_FOUND)
    return binary


@pytest.fixture
def tf_sandbox(tmp_path: Path) -> Sandbox:
    """A private Terraform sandbox under the test's ``tmp_path`` (provider in its mirror)."""
    return Sandbox.create(tmp_path)


@pytest.fixture
def tf_home(tf_sandbox: Sandbox) -> Path:
    """The sandbox's HOME: empty CLI config, provider in ``~/.terraform.d/plugins``."""
    return tf_sandbox.home


@dataclass
class TerraformRunner:
    """Runs one Terraform binary in one working directory with a fixed environment."""

    binary: Terraform
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    history: list[subprocess.CompletedProcess[str]] = field(default_factory=list)

    def run(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """``terraform ARGS`` (``-no-color`` added); raises with the output when ``check`` fails."""
        command = [self.binary.path, args[0]]
        if args[0] in _NO_COLOR:
            command.append("-no-color")
        command += list(args[1:])
        result = subprocess.run(command, cwd=self.workdir, env=self.env, capture_output=True,
                                text=True, timeout=timeout, check=False)
        self.history.append(result)
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(command)} exited {result.returncode}\n"
                f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
            )
        return result

    def init(self) -> subprocess.CompletedProcess[str]:
        """``terraform init -input=false`` (offline: the provider comes from the mirror)."""
        return self.run("init", "-input=false")

    def apply(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``terraform apply -auto-approve -input=false ARGS``."""
        return self.run("apply", "-auto-approve", "-input=false", *args)

    def outputs(self) -> dict[str, Any]:
        """``terraform output -json`` reduced to ``{name: value}``."""
        raw = json.loads(self.run("output", "-json").stdout)
        return {name: item["value"] for name, item in raw.items()}


def terraform_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a user with a fresh HOME would run Terraform in (the test session's
    AWS settings, which the isolation fixture already cleaned, are kept)."""
    return environment(home, extra, isolate_aws=False)


@pytest.fixture
def make_terraform(
    tf_sandbox: Sandbox, tmp_path: Path
) -> Callable[..., TerraformRunner]:
    """``make_terraform(binary, files={name: text}, env={...})`` -> a runner in a new workdir."""
    counter = iter(range(1000))

    def make(binary: Terraform, files: Mapping[str, str] | None = None,
             env: Mapping[str, str] | None = None, workdir: Path | None = None) -> TerraformRunner:
        workdir = workdir or tmp_path / f"work{next(counter)}"
        workdir.mkdir(parents=True, exist_ok=True)
        for name, text in (files or {}).items():
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            (workdir / name).write_text(text)
        return TerraformRunner(binary, workdir, tf_sandbox.environment(env, isolate_aws=False))

    return make
