"""Terraform for benchmarks: find the newest binary, and a private HOME with our provider.

The same set-up as the test suite (``tests/support/terraform.py``), without pytest: an empty
CLI configuration and the provider installed into ``~/.terraform.d/plugins`` (Terraform's
implied local mirror), so ``terraform init`` runs offline exactly as it does for a user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness import ROOT

BUNDLED_1_0 = ROOT / ".venv" / "opt" / "terraform-1.0.3" / "terraform"


@dataclass(frozen=True)
class Terraform:
    """One Terraform (or OpenTofu) executable and its version."""

    path: str
    version: str

    @property
    def version_key(self) -> tuple[int, ...]:
        """The version as numbers, for picking the newest."""
        parts = []
        for part in self.version.split("-")[0].split("."):
            parts.append(int(part) if part.isdigit() else 0)
        return tuple(parts)


def _version(path: str) -> str:
    result = subprocess.run([path, "version", "-json"], capture_output=True, text=True,
                            timeout=60, check=False, env={**os.environ, "CHECKPOINT_DISABLE": "1"})
    try:
        return str(json.loads(result.stdout)["terraform_version"])
    except (ValueError, KeyError):
        return result.stdout.split()[1].lstrip("v") if result.stdout.split()[1:] else "unknown"


def find_terraform() -> list[Terraform]:
    """Every distinct Terraform found (PATH, ``$TERRAFORM_1_0``, the bundled 1.0.3), newest
    first."""
    candidates = [shutil.which("terraform") or shutil.which("tofu"),
                  os.environ.get("TERRAFORM_1_0"), str(BUNDLED_1_0)]
    found: dict[str, Terraform] = {}
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            found.setdefault(os.path.realpath(candidate), Terraform(candidate, _version(candidate)))
    by_version = {t.version: t for t in found.values()}
    return sorted(by_version.values(), key=lambda t: t.version_key, reverse=True)


def newest_terraform() -> Terraform | None:
    """The newest Terraform found, or ``None``."""
    found = find_terraform()
    return found[0] if found else None


def terraform_home(root: Path) -> Path:
    """A private HOME under ``root``: empty CLI config, provider installed in the mirror."""
    from cleanroomsml_tf.plugin.install import install

    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / ".terraformrc").write_text("")
    install(home / ".terraform.d" / "plugins", home=home)  # registered under this HOME
    return home


def terraform_env(home: Path) -> dict[str, str]:
    """The environment of a user with that HOME, in automation, with no logging or caches."""
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        TF_CLI_CONFIG_FILE=str(home / ".terraformrc"),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",  # no version check over the network
        TF_INPUT="0",
    )
    # XDG_CONFIG_HOME/CLEANROOMSML_TF_PYTHON would take the launcher away from HOME's registration.
    for name in ("TF_LOG", "TF_LOG_PROVIDER", "TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR",
                 "XDG_CONFIG_HOME", "CLEANROOMSML_TF_PYTHON"):
        env.pop(name, None)
    return env
