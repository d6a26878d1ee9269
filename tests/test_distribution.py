"""A team's set-up with real virtualenvs, HOMEs and Terraform: a committed lock file works on
another machine, the locked version is what runs, and a broken environment explains itself in
Terraform's own output.

The virtualenvs come from ``tests/support/venvs.py`` (a wheel of this checkout, installed with
pip into ``python -m venv`` environments); "machines" differ in virtualenv path, HOME and
install command (the console script, ``python -m cleanroomsml_tf``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from cleanroomsml_tf import __version__
from cleanroomsml_tf.plugin import launcher, package
from tests.support import team_docs
from tests.support.example_ids import CHURN, COLLABORATION
from tests.support.terraform import TerraformBinary, TerraformRunner, terraform_env
from tests.support.venvs import Venv, build_wheel, copy_venv, install_wheel

pytestmark = pytest.mark.terraform

CONFIG = """
terraform {
  required_providers {
    cleanroomsml = { source = "cleanroomsml-tf/cleanroomsml" }
  }
}

variable "trained_model_arn" { type = string }
variable "collaboration_identifier" { type = string }

data "cleanroomsml_collaboration_trained_model" "model" {
  trained_model_arn        = var.trained_model_arn
  collaboration_identifier = var.collaboration_identifier
}

output "status" {
  value = data.cleanroomsml_collaboration_trained_model.model.status
}
"""
TFVARS = f'trained_model_arn = "{CHURN}"\ncollaboration_identifier = "{COLLABORATION}"\n'
LOCK = ".terraform.lock.hcl"


def flat(result: subprocess.CompletedProcess[str]) -> str:
    """stdout + stderr with Terraform's line wrapping undone."""
    return " ".join((result.stdout + result.stderr).split())


class Machine:
    """One user's machine: a HOME (empty CLI config) and a virtualenv."""

    def __init__(self, root: Path, venv: Venv, emulator_url: str) -> None:
        self.home = root / "home"
        self.home.mkdir(parents=True)
        (self.home / ".terraformrc").write_text("")
        self.venv = venv
        self.root = root
        self.env = terraform_env(self.home, {"AWS_ENDPOINT_URL_CLEANROOMSML": emulator_url})

    def install(self, command: str) -> str:
        """``cleanroomsml-tf install`` by the console script or ``python -m``; its stdout."""
        argv = ([str(self.venv.console_script)] if command == "console script"
                else [str(self.venv.python), "-m", "cleanroomsml_tf"])
        result = subprocess.run([*argv, "install"], env=self.env, capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        assert "started it up to the Terraform handshake: ok" in result.stdout
        return result.stdout

    def workdir(self, binary: TerraformBinary, lock: str | None = None) -> TerraformRunner:
        """A checkout of the team's configuration (with the committed lock file, if any)."""
        workdir = self.root / "checkout"
        workdir.mkdir()
        (workdir / "main.tf").write_text(CONFIG)
        (workdir / "terraform.tfvars").write_text(TFVARS)
        if lock is not None:
            (workdir / LOCK).write_text(lock)
        return TerraformRunner(binary, workdir, dict(self.env))


def test_committed_lock_file_works_on_another_machine(
    terraform_binary, venv_pair, emulator, tmp_path: Path
) -> None:
    venv_a, venv_b = venv_pair
    a = Machine(tmp_path / "a", venv_a, emulator.url)
    assert f"Python environment: {venv_a.python}" in a.install("console script")
    tf_a = a.workdir(terraform_binary)
    tf_a.init()
    tf_a.apply()
    assert tf_a.outputs() == {"status": "ACTIVE"}
    committed = (tf_a.workdir / LOCK).read_text()
    assert f'version = "{__version__}"' in committed and "h1:" in committed

    b = Machine(tmp_path / "b", venv_b, emulator.url)
    assert f"Python environment: {venv_b.python}" in b.install("python -m")
    tf_b = b.workdir(terraform_binary, lock=committed)
    init = tf_b.init()
    assert "doesn't match any of the checksums" not in flat(init)
    assert (tf_b.workdir / LOCK).read_text() == committed  # accepted, not rewritten
    tf_b.apply()
    assert tf_b.outputs() == {"status": "ACTIVE"}
    # Each machine's launcher ran its own environment, found through its own HOME.
    assert launcher.registration_path(__version__, b.home).read_text() == f"{venv_b.python}\n"
    assert launcher.registration_path(__version__, a.home).read_text() == f"{venv_a.python}\n"


@pytest.fixture(scope="module")
def newer_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout as version 0.999.0: an upgrade of the environment."""
    return build_wheel(tmp_path_factory.mktemp("newer-wheel"), version="0.999.0")


def test_upgraded_environment_under_a_locked_launcher(
    terraform_binary, venv_pair, newer_wheel: Path, emulator, tmp_path: Path
) -> None:
    venv = copy_venv(venv_pair[0], tmp_path / "venv")
    machine = Machine(tmp_path, venv, emulator.url)
    machine.install("python -m")
    tf = machine.workdir(terraform_binary)
    tf.init()  # locks 0.1.0

    install_wheel(venv, newer_wheel)  # pip install --upgrade, the lock file still says 0.1.0
    plan = tf.run("plan", "-input=false", check=False)
    assert plan.returncode == 1
    text = flat(plan)
    assert (f"Terraform selected provider version {__version__}, but the Python environment "
            f"{venv.python} (from {launcher.registration_path(__version__, machine.home)}) "
            "has cleanroomsml-tf 0.999.0") in text
    assert "run `cleanroomsml-tf install` there, then `terraform init -upgrade`" in text
    assert "Traceback" not in text

    # The fix it names: install (registers 0.999.0), init -upgrade, and the new version runs.
    assert "cleanroomsml-tf/cleanroomsml 0.999.0 (" in machine.install("python -m")
    tf.run("init", "-input=false", "-upgrade")
    assert re.search(r'version\s*=\s*"0\.999\.0"', (tf.workdir / LOCK).read_text())
    tf.apply()
    assert tf.outputs() == {"status": "ACTIVE"}


def test_removed_environment_is_named_in_terraform_output(
    terraform_binary, venv_pair, emulator, tmp_path: Path
) -> None:
    venv = copy_venv(venv_pair[0], tmp_path / "venv")
    machine = Machine(tmp_path, venv, emulator.url)
    machine.install("python -m")  # which also started it once
    tf = machine.workdir(terraform_binary)
    tf.init()

    shutil.rmtree(venv.path)
    started = time.monotonic()
    plan = tf.run("plan", "-input=false", check=False)
    elapsed = time.monotonic() - started
    assert plan.returncode == 1
    text = flat(plan)
    assert "Unrecognized remote plugin message: terraform-provider-cleanroomsml" in text
    assert (f"the Python interpreter {venv.python} (from "
            f"{launcher.registration_path(__version__, machine.home)}) is missing") in text
    assert "run `cleanroomsml-tf install`" in text
    # Terraform stops the launcher as soon as it has read the line; the launcher's wait (there
    # so that Terraform reads the line before it sees the process exit) costs nothing.
    assert elapsed < launcher._FAIL_WAIT_S


def test_several_platforms_as_documented(
    terraform_binary, venv_pair, emulator, tmp_path: Path
) -> None:
    """docs/index.md "Several platforms", run as written: one lock file for Linux and macOS,
    then accepted by a plain `terraform init` on another machine."""
    machine = Machine(tmp_path / "a", venv_pair[0], emulator.url)
    tf = machine.workdir(terraform_binary)
    documented = team_docs.commands("Several platforms")
    assert [argv[:2] for argv in documented] == [
        ["cleanroomsml-tf", "install"], ["terraform", "providers"]]
    for argv in documented:
        program = {"cleanroomsml-tf": str(machine.venv.console_script),
                   "terraform": terraform_binary.path}[argv[0]]
        result = subprocess.run([program, *argv[1:]], cwd=tf.workdir, env=tf.env,
                                capture_output=True, text=True, timeout=180, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    for platform in ("linux_amd64", "darwin_arm64", "darwin_amd64"):
        assert f"for {platform}" in result.stdout
    locked = (tf.workdir / LOCK).read_text()
    archive = package.archive_bytes(__version__)
    assert re.findall(r'"((?:h1|zh):[^"]+)"', locked) == [package.h1_hash(archive)]

    other = Machine(tmp_path / "b", venv_pair[1], emulator.url)
    other.install("python -m")
    tf_b = other.workdir(terraform_binary, lock=locked)
    tf_b.init()
    assert (tf_b.workdir / LOCK).read_text() == locked
    assert tf_b.run("plan", "-input=false").returncode == 0


def test_documented_steps_are_the_tested_ones() -> None:
    """The CI, team and upgrade steps say what the tests above do."""
    ci = team_docs.commands("CI")
    assert [argv[:3] for argv in ci] == [
        ["python", "-m", "venv"], [".venv-ci/bin/python", "-m", "pip"],
        [".venv-ci/bin/cleanroomsml-tf", "install"], ["terraform", "init", "-input=false"],
        ["terraform", "plan", "-input=false"]]
    assert ci[1][3:] == ["install", f"./dist/cleanroomsml_tf-{__version__}-py3-none-any.whl"]
    upgrade = team_docs.commands("Upgrading")
    assert [(Path(argv[0]).name, *argv[1:]) for argv in upgrade[1:]] == [
        ("cleanroomsml-tf", "install"), ("terraform", "init", "-upgrade")]
    assert upgrade[0][1:4] == ["-m", "pip", "install"]
    assert "python -m cleanroomsml_tf install" in team_docs.section("Commit the lock file")


def test_no_document_installs_the_package_from_an_index() -> None:
    """cleanroomsml-tf is not on PyPI: documents install a wheel or the repository at a tag."""
    root = team_docs.INDEX.parents[1]
    by_name = re.compile(r"pip3? install\s+(?:-\S+\s+)*[\"']?cleanroomsml-tf(?![\w-])(?!\s*@)")
    documents = [root / "README.md", *root.glob("docs/**/*.md"), *root.glob("examples/**/*")]
    texts = {".md", ".yml", ".yaml", ".py", ".tf", ".sh", ".txt"}
    offending = [str(path.relative_to(root)) for path in documents
                 if path.suffix in texts and by_name.search(path.read_text())]
    assert offending == []
    assert by_name.search("pip install cleanroomsml-tf==0.1.0")  # the check can fail
    assert not by_name.search('pip install "cleanroomsml-tf @ git+https://x/y@v0.1.0"')
