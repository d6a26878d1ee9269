"""Fixtures that run the real Terraform binaries against the installed provider.

* ``terraform_binary`` is parametrized (by ``pytest_generate_tests``) over every Terraform found:
  ``terraform`` (or ``tofu``) on PATH and Terraform 1.0.3 (``$TERRAFORM_1_0`` or
  ``.venv/opt/terraform-1.0.3/terraform``). Finding none is a failure, never a skip.
* ``tf_home``: a per-test HOME with an empty CLI config and the provider installed into
  ``~/.terraform.d/plugins`` (Terraform's implied local mirror), i.e. exactly a user's set-up.
* ``make_terraform(binary, workdir)`` / :class:`TerraformRunner`: run commands with
  ``TF_IN_AUTOMATION=1`` and ``-no-color``, output captured.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLED_1_0 = ROOT / ".venv" / "opt" / "terraform-1.0.3" / "terraform"
# Commands that accept -no-color (``version`` and ``output -json`` do too, harmlessly).
_NO_COLOR = {"init", "validate", "plan", "apply", "output", "refresh", "destroy"}


@dataclass(frozen=True)
class TerraformBinary:
    """One Terraform (or OpenTofu) executable and its version."""

    path: str
    version: str

    @property
    def id(self) -> str:
        """Short test id, e.g. ``tf1.0.3``."""
        return f"tf{self.version}"


def _version(path: str) -> str:
    result = subprocess.run([path, "version", "-json"], capture_output=True, text=True,
                            timeout=60, check=False)
    try:
        return json.loads(result.stdout)["terraform_version"]
    except (ValueError, KeyError):
        return result.stdout.split()[1].lstrip("v") if result.stdout else "unknown"


def discover_terraform() -> list[TerraformBinary]:
    """Every distinct Terraform we can run, newest-found first; empty when there is none."""
    candidates = [shutil.which("terraform") or shutil.which("tofu"),
                  os.environ.get("TERRAFORM_1_0"), str(BUNDLED_1_0)]
    found: dict[str, TerraformBinary] = {}
    for candidate in candidates:
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        real = os.path.realpath(candidate)
        if real not in found:
            found[real] = TerraformBinary(candidate, _version(candidate))
    by_version = {b.version: b for b in found.values()}  # a symlinked 1.0.3 counts once
    return list(by_version.values())


_DISCOVERED: list[TerraformBinary] | None = None


def discovered() -> list[TerraformBinary]:
    """Discovery, run once per session."""
    global _DISCOVERED
    if _DISCOVERED is None:
        _DISCOVERED = discover_terraform()
    return _DISCOVERED


def newest() -> TerraformBinary:
    """The newest Terraform found; fails the test (never skips) when there is none."""
    found = discovered()
    if not found:
        pytest.fail("no Terraform found: put terraform on PATH or set TERRAFORM_1_0")

    def key(binary: TerraformBinary) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", binary.version)[:3])

    return max(found, key=key)


@pytest.fixture(scope="session")
def newest_terraform() -> TerraformBinary:
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``terraform_binary`` over every Terraform found (a failing None if none)."""
    if "terraform_binary" in metafunc.fixturenames:
        binaries: list[TerraformBinary | None] = list(discovered()) or [None]
        metafunc.parametrize(
            "terraform_binary", binaries, ids=[b.id if b else "no-terraform" for b in binaries],
            indirect=True,
        )


@pytest.fixture
def terraform_binary(request: pytest.FixtureRequest) -> TerraformBinary:
    """The Terraform this test runs with; fails (not skips) when no Terraform exists."""
    binary = getattr(request, "param", None) or (discovered() or [None])[0]
    if binary is None:
        pytest.fail(
            "no Terraform found: put terraform (or tofu) on PATH or set TERRAFORM_1_0 "
            "(scripts/setup.sh fetches Terraform 1.0.3 into .venv/opt)"
        )
    return binary


@pytest.fixture
def tf_home(tmp_path: Path) -> Path:
    """A private HOME: empty CLI config, provider installed in ``~/.terraform.d/plugins``."""
    from cleanroomsml_tf.plugin.install import install

    home = tmp_path / "home"
    home.mkdir()
    (home / ".terraformrc").write_text("")
    install(home / ".terraform.d" / "plugins", home=home)  # registered under this HOME
    return home


@dataclass
class TerraformRunner:
    """Runs one Terraform binary in one working directory with a fixed environment."""

    binary: TerraformBinary
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

    def apply(self) -> subprocess.CompletedProcess[str]:
        """``terraform apply -auto-approve -input=false``."""
        return self.run("apply", "-auto-approve", "-input=false")

    def outputs(self) -> dict[str, Any]:
        """``terraform output -json`` reduced to ``{name: value}``."""
        raw = json.loads(self.run("output", "-json").stdout)
        return {name: item["value"] for name, item in raw.items()}


def terraform_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a user with a fresh HOME would run Terraform in."""
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        TF_CLI_CONFIG_FILE=str(home / ".terraformrc"),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
        TF_INPUT="0",
    )
    for name in ("TF_LOG", "TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR"):
        env.pop(name, None)
    env.update(extra or {})
    return env


@pytest.fixture
def make_terraform(
    tf_home: Path, tmp_path: Path
) -> Callable[..., TerraformRunner]:
    """``make_terraform(binary, files={name: text}, env={...})`` -> a runner in a new workdir."""
    counter = iter(range(1000))

    def make(binary: TerraformBinary, files: Mapping[str, str] | None = None,
             env: Mapping[str, str] | None = None, workdir: Path | None = None) -> TerraformRunner:
        workdir = workdir or tmp_path / f"work{next(counter)}"
        workdir.mkdir(parents=True, exist_ok=True)
        for name, text in (files or {}).items():
            (workdir / name).write_text(text)
        return TerraformRunner(binary, workdir, terraform_env(tf_home, env))

    return make
