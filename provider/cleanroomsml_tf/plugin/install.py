"""Install the provider into a Terraform local mirror directory (unpacked layout).

``DIR/registry.terraform.io/cleanroomsml-tf/cleanroomsml/VERSION/OS_ARCH/
terraform-provider-cleanroomsml_vVERSION`` is what Terraform's filesystem mirror expects. The
default ``~/.terraform.d/plugins`` is one of Terraform's *implied* local mirrors on Linux and
macOS: with no CLI configuration at all, ``terraform init`` finds the provider there (offline),
while every other provider still comes from its registry (or from its own directory under the
same mirror).

The executable is the portable launcher of :mod:`cleanroomsml_tf.plugin.launcher`: its bytes
depend only on the provider version, so the ``h1:`` hash Terraform records in
``.terraform.lock.hcl`` is the same on every machine, for every platform directory, whatever
the virtualenv path, user, HOME or install command. Which Python environment it runs is
registered separately, outside the mirror (:func:`launcher.register`).
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Sequence
from pathlib import Path

from cleanroomsml_tf import PROVIDER_HOSTNAME, PROVIDER_SOURCE, __version__
from cleanroomsml_tf.output.atomic import atomic_write_bytes
from cleanroomsml_tf.plugin.launcher import (
    EXECUTABLE_NAME,
    check_platform,
    current_python,
    launcher_script,
    register,
)

__all__ = ["EXECUTABLE_NAME", "default_plugin_dir", "executable_path", "install",
           "launcher_script", "platform_dir"]

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


def executable_path(plugin_dir: Path, version: str = __version__,
                    platform_name: str | None = None) -> Path:
    """Where the executable goes inside a mirror directory."""
    return (
        plugin_dir / PROVIDER_HOSTNAME / PROVIDER_SOURCE / version
        / (platform_name or platform_dir()) / f"{EXECUTABLE_NAME}_v{version}"
    )


def install(plugin_dir: Path | None = None, *, platforms: Sequence[str] = (),
            home: Path | None = None, python: str | None = None) -> Path:
    """Write the launcher into ``plugin_dir`` (default: the implied mirror) for this machine's
    platform and every one of ``platforms``, and register ``python`` (default: this
    interpreter) for this version; the path of this machine's executable.

    ``home``: register for a launcher that runs with that HOME (tools with a private HOME);
    default: the current user's config directory.
    """
    names = [platform_dir(), *(check_platform(name) for name in platforms)]
    plugin_dir = Path(plugin_dir).expanduser() if plugin_dir else default_plugin_dir()
    register(current_python() if python is None else python, __version__, home)
    script = launcher_script(__version__).encode()
    paths = []
    for name in dict.fromkeys(names):
        target = executable_path(plugin_dir.absolute(), platform_name=name)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Atomic: Terraform (or a parallel install) never sees a half-written launcher.
        atomic_write_bytes(target, script, mode=0o755)
        paths.append(target)
    return paths[0]
