"""Every HCL and JSON example in README.md and docs/ works as written, copied into a file.

Fenced blocks tagged ``hcl``, ``terraform``, ``tf`` or ``json`` are extracted and classified:

* a Terraform configuration (HCL, or JSON with Terraform's top-level keys) must declare its
  ``required_providers`` and pass ``terraform init`` + ``terraform validate`` on every
  Terraform of the matrix. Each example is a directory of its own, called as a module from one
  root (one ``init`` and one ``validate`` per version for all of them: the suite's time
  budget); the root passes a value for each variable the example declares without a default,
  as a user's ``-var`` would;
* a CLI configuration (``provider_installation``) is used as ``TF_CLI_CONFIG_FILE``, with the
  example user's HOME (``/home/me``) replaced by the sandbox's, and must let ``terraform
  validate`` find the provider;
* a lock file (``format_version`` + ``entries``) must load with the lock-file reader;
* a ``cdktf.json`` (``language`` + ``app``) must be the one tests/test_cdk_cli.py deploys with
  the npm ``cdktn`` CLI (docs/cdktf.md, "The cdktf and cdktn CLIs").

Anything else is a failure that asks for this test to be taught the new kind.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from devtools.terraform import Terraform
from tests.support.terraform import discovered

pytestmark = pytest.mark.terraform

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```(hcl|terraform|tf|json)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
TERRAFORM_JSON_KEYS = {"terraform", "provider", "data", "resource", "output", "variable",
                       "locals", "module", "check", "import", "moved", "removed"}
EXAMPLE_HOME = "/home/me"


@dataclass(frozen=True)
class Example:
    """One fenced block: where it is, its language tag and its text."""

    path: Path
    line: int
    language: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def kind(self) -> str:
        """``configuration``, ``cli_config``, ``lock_file`` or ``unknown``."""
        if self.language != "json":
            return "cli_config" if "provider_installation" in self.text else "configuration"
        document = json.loads(self.text)
        if isinstance(document, dict) and {"format_version", "entries"} <= set(document):
            return "lock_file"
        if isinstance(document, dict) and document and set(document) <= TERRAFORM_JSON_KEYS:
            return "configuration"
        if isinstance(document, dict) and {"language", "app"} <= set(document):
            return "cdktf_json"  # run by the npm CLIs in tests/test_cdk_cli.py
        return "unknown"

    @property
    def minimum_version(self) -> str | None:
        """``X.Y`` of the example's ``required_version = ">= X.Y"`` (the only form used)."""
        found = re.search(r'required_version\s*=\s*"([^"]*)"', self.text)
        if found is None:
            return None
        constraint = re.fullmatch(r">=\s*(\d+(?:\.\d+){0,2})", found.group(1).strip())
        assert constraint, f"{self.id}: teach this test the constraint {found.group(1)!r}"
        return constraint.group(1)

    @property
    def filename(self) -> str:
        return "main.tf.json" if self.language == "json" else "main.tf"


def extract(path: Path) -> list[Example]:
    text = path.read_text()
    return [Example(path, text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2))
            for m in FENCE.finditer(text)]


EXAMPLES = [example for path in DOCUMENTS for example in extract(path)]
CONFIGURATIONS = [e for e in EXAMPLES if e.kind == "configuration"]


def test_examples_are_found_and_known() -> None:
    """The extraction sees the documented examples, and each is of a kind tested below."""
    assert len(CONFIGURATIONS) >= 3, [e.id for e in EXAMPLES]
    assert [e.id for e in EXAMPLES if e.kind == "unknown"] == []


REQUIRED_VARIABLE = re.compile(r'^variable "([^"]+)" \{\n((?:  .*\n|\n)*?)\}', re.M)


def module_call(index: int, example: Example) -> str:
    """``module "exampleN"`` with a string for each variable declared without a default."""
    arguments = []
    if example.language == "json":
        variables = json.loads(example.text).get("variable", {})
        required = [name for name, body in variables.items() if "default" not in body]
    else:
        required = [m.group(1) for m in REQUIRED_VARIABLE.finditer(example.text)
                    if "default" not in m.group(2)]
    for name in required:
        arguments.append(f'  {name} = "value-of-{name}"\n')
    return (f"# {example.id}\nmodule \"example{index}\" {{\n"
            f'  source = "./example{index}"\n{"".join(arguments)}}}\n\n')


def for_version(terraform: Terraform) -> list[Example]:
    """The examples whose ``required_version`` this Terraform meets (all, without one)."""
    return [e for e in CONFIGURATIONS
            if e.minimum_version is None or terraform.at_least(e.minimum_version)]


def test_the_newest_terraform_validates_every_example() -> None:
    """A ``required_version`` keeps an example off older versions only: none is left out."""
    assert discovered(), "no Terraform found"
    assert for_version(discovered()[0]) == CONFIGURATIONS


def test_configurations_validate(terraform_binary, make_terraform) -> None:
    """Every configuration example this version may run (its ``required_version``) passes
    ``init`` + ``validate`` (as a module of one root)."""
    examples = for_version(terraform_binary)
    print(f"{terraform_binary}: validating {[e.id for e in examples]}; left out by their "
          f"required_version: {[e.id for e in CONFIGURATIONS if e not in examples]}")
    files = {}
    for index, example in enumerate(examples):
        assert "required_providers" in example.text, f"{example.id}: no required_providers"
        files[f"example{index}/{example.filename}"] = example.text
    files["main.tf"] = "".join(module_call(i, e) for i, e in enumerate(examples))
    tf = make_terraform(terraform_binary, files=files)
    tf.init()
    result = tf.run("validate")
    assert "Success! The configuration is valid." in result.stdout


CLI_CONFIGS = [e for e in EXAMPLES if e.kind == "cli_config"]
CLI_CONFIG_PROBLEMS = "There are some problems with the CLI configuration"


def test_cli_configurations_are_read_without_complaint(
    terraform_binary, tf_sandbox, tmp_path: Path
) -> None:
    """Terraform reads each CLI configuration example without a diagnostic (a network mirror's
    URL is the reader's own: this is all that can be checked offline). The control, a block
    Terraform does not know, does draw the diagnostic."""
    assert CLI_CONFIGS
    broken = "provider_installation {\n  no_such_method {}\n}\n"
    for text in [*(e.text for e in CLI_CONFIGS), broken]:
        tf_sandbox.cli_config.write_text(text.replace(EXAMPLE_HOME, str(tf_sandbox.home)))
        result = subprocess.run([terraform_binary.path, "version"], cwd=tmp_path,
                                env=tf_sandbox.environment(isolate_aws=False),
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        assert (CLI_CONFIG_PROBLEMS in result.stderr) == (text is broken), (text, result.stderr)


@pytest.mark.parametrize("example", [e for e in CLI_CONFIGS if "dev_overrides" in e.text],
                         ids=lambda e: e.id)
def test_dev_overrides_find_the_provider(
    example: Example, terraform_binary, make_terraform, tf_sandbox
) -> None:
    """``dev_overrides``, for a user whose HOME is the sandbox's, lets ``validate`` run
    without ``init``."""
    assert EXAMPLE_HOME in example.text
    tf_sandbox.cli_config.write_text(example.text.replace(EXAMPLE_HOME, str(tf_sandbox.home)))
    configuration = CONFIGURATIONS[0]
    tf = make_terraform(terraform_binary, files={configuration.filename: configuration.text})
    result = tf.run("validate")
    assert "Success! The configuration is valid" in result.stdout
    assert "Provider development overrides are in effect" in result.stdout + result.stderr


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.kind == "lock_file"],
                         ids=lambda e: e.id)
def test_lock_file_example_loads(example: Example, tmp_path: Path, emulator) -> None:
    """The reader accepts it, and its records are what the example data resolves to today."""
    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.aws.settings import ClientSettings
    from cleanroomsml_tf.lockfile import store

    path = tmp_path / "cleanroomsml.lock.json"
    path.write_text(example.text)
    entries = store.read(path).entries
    assert entries
    resolver = Resolver(ClientSettings(endpoint_url=emulator.url))
    for entry in entries.values():
        assert entry.record == resolver.get_trained_model(entry.ref), entry.key


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.kind == "cdktf_json"],
                         ids=lambda e: e.id)
def test_cdktf_json_example_is_the_one_the_cli_test_deploys(example: Example) -> None:
    from tests.test_cdk_cli import cdktf_json_example

    assert json.loads(example.text) == json.loads(cdktf_json_example())
