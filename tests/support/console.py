"""Run the installed ``cleanroomsml-tf`` console script, as a user or a CI step does.

Not ``python -m``: the script pip generated next to the interpreter, in a subprocess, with its
own exit code, stdout and stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def console_script() -> Path:
    """The ``cleanroomsml-tf`` script installed in this virtualenv (fails loudly if missing)."""
    script = Path(sys.executable).with_name("cleanroomsml-tf")
    assert script.is_file(), f"{script} is not installed: run scripts/setup.sh"
    return script


def run_console(
    *args: str,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """``cleanroomsml-tf ARGS`` in a subprocess (``env`` added to the current environment)."""
    merged = dict(os.environ)
    merged.update(env or {})
    return subprocess.run(
        [str(console_script()), *args], cwd=cwd, env=merged, timeout=timeout,
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )
