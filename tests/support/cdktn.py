"""The cdktn (CDK Terrain) Python environment for tests: its own virtualenv, built once.

cdktn needs ``constructs<10.8`` (the main suite has 10.8 for cdktf 0.21), so it gets its own
virtualenv, cached under ``.venv/opt/`` (``scripts/setup.sh`` builds it; reruns take no time).
Our package is added through a ``.pth`` file pointing at ``provider/`` — what
``pip install --no-deps -e`` would do, without writing build files into the shared checkout.
Never skipped: without the cache and without PyPI it fails, loudly.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ("cdktn>=0.24,<0.25", "constructs<10.8", "boto3>=1.40,<2", "jsonschema>=4.20,<5")
_KEY = hashlib.sha256("\n".join(REQUIREMENTS).encode()).hexdigest()[:12]
VENV = ROOT / ".venv" / "opt" / f"cdktn-{_KEY}"


def cdktn_python() -> Path:
    """The cdktn virtualenv's python, building the virtualenv first when missing.

    ``scripts/setup.sh`` builds it in the background; a test (or a pytest-xdist worker) that
    gets here meanwhile waits on the lock for that build instead of starting a second one.
    """
    python = VENV / "bin" / "python"
    if python.exists():
        return python
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.with_name(VENV.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not python.exists():
            _build()
    return python


def _build() -> None:
    partial = VENV.with_name(VENV.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(partial)], check=True, timeout=120)
    subprocess.run([str(partial / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", *REQUIREMENTS], check=True, timeout=600)
    site = next((partial / "lib").glob("python3*/site-packages"))
    (site / "cleanroomsml_tf_checkout.pth").write_text(str(ROOT / "provider") + "\n")
    # Build in place under the final name's sibling, then rename: a venv's scripts hold their
    # path, but the tests only run its python binary, which finds its prefix from pyvenv.cfg.
    partial.rename(VENV)
