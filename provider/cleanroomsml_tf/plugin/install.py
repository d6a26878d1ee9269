"""Install the provider into a Terraform local mirror directory (unpacked layout).

``DIR/registry.terraform.io/cleanroomsml-tf/cleanroomsml/VERSION/OS_ARCH/
terraform-provider-cleanroomsml_vVERSION`` is what Terraform's filesystem mirror expects. The
default ``~/.terraform.d/plugins`` is one of Terraform's *implied* local mirrors on Linux and
macOS: with no CLI configuration at all, ``terraform init`` finds the provider there (offline),
while every other provider still comes from its registry (or from its own directory under the
same mirror).

The executable is a tiny launcher that execs this very interpreter (the virtualenv's) on
:mod:`cleanroomsml_tf.plugin.main`. Its bytes depend only on the interpreter path, so
reinstalling produces the same file, the same ``h1:`` hash, and ``.terraform.lock.hcl`` stays
valid.
"""

from __future__ import annotations

import platform
import shlex
import sys
from pathlib import Path

from cleanroomsml_tf import PROVIDER_HOSTNAME, PROVIDER_SOURCE, __version__
from cleanroomsml_tf.atomic import atomic_write_bytes

EXECUTABLE_NAME = "terraform-provider-cleanroomsml"
_ARCHES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
           "i386": "386", "i686": "386", "armv7l": "arm"}


def default_plugin_dir() -> Path:
    """``~/.terraform.d/plugins``: Terraform's implied local mirror (no CLI config needed)."""
    return Path.home() / ".terraform.d" / "plugins"


def platform_dir() -> str:
    """Terraform's ``OS_ARCH`` for this machine, e.g. ``linux_amd64``."""
    machine = platform.machine().lower()
    system = "windows" if sys.platform == "win32" else sys.platform
    return f"{system}_{_ARCHES.get(machine, machine)}"


def executable_path(plugin_dir: Path, version: str = __version__) -> Path:
    """Where the executable goes inside a mirror directory."""
    return (
        plugin_dir / PROVIDER_HOSTNAME / PROVIDER_SOURCE / version / platform_dir()
        / f"{EXECUTABLE_NAME}_v{version}"
    )


def launcher_script(python: str | None = None) -> str:
    """The launcher's text: exec the interpreter on the plugin module.

    ``-I`` (isolated) keeps the working directory, PYTHON* variables and user site-packages
    out of the plugin: Terraform runs it inside the user's configuration directory, and a stray
    ``PYTHONPATH`` must neither shadow our modules nor slow the start. It also lets Python write
    bytecode caches even when ``PYTHONDONTWRITEBYTECODE`` is set, which keeps later starts fast.
    """
    python = python or sys.executable
    return (
        "#!/bin/sh\n"
        f"# {EXECUTABLE_NAME} {__version__}: written by `cleanroomsml-tf install`.\n"
        f"exec {shlex.quote(python)} -I -m cleanroomsml_tf.plugin.main \"$@\"\n"
    )


def install(plugin_dir: Path | None = None) -> Path:
    """Install the launcher into ``plugin_dir`` (default: the implied mirror); its path."""
    plugin_dir = Path(plugin_dir).expanduser() if plugin_dir else default_plugin_dir()
    target = executable_path(plugin_dir.absolute())
    target.parent.mkdir(parents=True, exist_ok=True)
    # Atomic: Terraform (or a parallel install) never sees a half-written launcher.
    atomic_write_bytes(target, launcher_script().encode(), mode=0o755)
    return target
