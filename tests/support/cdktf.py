"""Fixtures for cdktf tests: real synthesis in this process (one jsii runtime per session).

* ``cdk``: the imported :mod:`cleanroomsml_tf.cdk` package (starts jsii once per session).
* ``new_stack()``: a fresh ``Testing.app()`` + ``TerraformStack``.
* :func:`synth_json`: ``Testing.synth(stack)`` parsed.
* ``example_app``: the example module ``examples/cdktf/main.py``, imported.
* ``tf_env``: an environment for ``terraform`` with the plugin installed in a private sandbox
  (:class:`devtools.terraform.Sandbox`) and the session emulator as endpoint.
* :func:`terraform`: run a terraform command, output captured.
* Example model identifiers: ``COLLABORATION``, ``CHURN_ARN``, ``FRAUD_ARN``, ``LTV_ARN``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from devtools.terraform import Sandbox
from tests.support.example_ids import CHURN as CHURN_ARN  # noqa: F401 - re-exported to tests
from tests.support.example_ids import COLLABORATION  # noqa: F401
from tests.support.example_ids import FRAUD as FRAUD_ARN  # noqa: F401
from tests.support.example_ids import LTV as LTV_ARN  # noqa: F401
from tests.support.terraform import discovered

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cdk() -> ModuleType:
    """``cleanroomsml_tf.cdk`` (imports cdktf and starts jsii, once)."""
    import cleanroomsml_tf.cdk

    return cleanroomsml_tf.cdk


@pytest.fixture
def new_stack(cdk: ModuleType) -> Callable[..., Any]:
    """``new_stack(name="test")`` -> a TerraformStack in a fresh ``Testing.app()``."""
    from cleanroomsml_tf.cdk.compat import cdktf_module

    cdktf = cdktf_module()

    def make(name: str = "test") -> Any:
        return cdktf.TerraformStack(cdktf.Testing.app(), name)

    return make


def synth_json(stack: Any) -> dict[str, Any]:
    """The stack's synthesized Terraform JSON, parsed."""
    from cleanroomsml_tf.cdk.compat import cdktf_module

    return json.loads(cdktf_module().Testing.synth(stack))


@pytest.fixture(scope="session")
def example_app(cdk: ModuleType) -> ModuleType:
    """``examples/cdktf/main.py`` as a module (``build_stack``, ``CHURN_ARN``...)."""
    spec = importlib.util.spec_from_file_location(
        "cleanroomsml_example_app", ROOT / "examples" / "cdktf" / "main.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tf_env(tmp_path_factory: pytest.TempPathFactory, emulator: Any) -> dict[str, str]:
    """Terraform environment: plugin in a private sandbox, endpoint = the session emulator."""
    sandbox = Sandbox.create(tmp_path_factory.mktemp("terraform"))
    return sandbox.environment({"AWS_ENDPOINT_URL_CLEANROOMSML": emulator.url})


def terraform(binary: str, *args: str, cwd: Path, env: Mapping[str, str],
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``binary ARGS`` in ``cwd`` (``-no-color`` where accepted); never raises on failure."""
    command = [binary, *args]
    if args and args[0] in ("init", "plan", "apply", "validate"):
        command.append("-no-color")
    return subprocess.run(command, cwd=cwd, env=dict(env), capture_output=True, text=True,
                          timeout=timeout, check=False)


def terraform_binaries() -> list[str]:
    """The Terraform matrix (:func:`tests.support.terraform.discovered`), newest first."""
    return [binary.path for binary in discovered()]


def write_stack(stack_json: Mapping[str, Any], directory: Path) -> Path:
    """Write synthesized JSON as ``cdk.tf.json`` into ``directory``; return the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cdk.tf.json").write_text(json.dumps(stack_json, indent=2))
    return directory
