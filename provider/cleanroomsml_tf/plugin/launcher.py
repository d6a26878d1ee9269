"""The provider executable Terraform runs: a portable launcher, and where it finds Python.

Terraform records a hash of the provider package in ``.terraform.lock.hcl`` and refuses a package
whose hash differs, so the executable must be **the same bytes on every machine** for a given
provider version: no interpreter path, user, HOME or install command may appear in it. It is a
POSIX shell script that finds the Python environment at run time, in this order:

1. ``$CLEANROOMSML_TF_PYTHON``: the path of a Python interpreter that has cleanroomsml-tf;
2. the interpreter ``cleanroomsml-tf install`` registered for this provider version: one line in
   ``${XDG_CONFIG_HOME:-$HOME/.config}/cleanroomsml-tf/python-VERSION`` (outside the hashed
   package directory, so registering never changes a hash).

It then runs that interpreter isolated (``-I``: the working directory, ``PYTHONPATH`` and the
user site-packages stay out) on a small bootstrap that checks the environment holds exactly the
provider version Terraform selected before it imports the plugin. Every failure is one line on
stdout: Terraform shows the first line a plugin prints that is not a handshake as
"Unrecognized remote plugin message: <line>", so the user sees what is missing and the command
that fixes it in Terraform's own output, not only under ``TF_LOG=DEBUG``. After that line the
launcher waits (Terraform kills it at once); exiting straight away could race Terraform into
reporting "plugin exited before we could connect" instead.

:func:`start_check` launches an executable the way Terraform does and reads its first line, so
``install`` can prove the launcher reaches the handshake before it reports success.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from cleanroomsml_tf.model.errors import CleanroomsmlTfError

EXECUTABLE_NAME = "terraform-provider-cleanroomsml"
PYTHON_VARIABLE = "CLEANROOMSML_TF_PYTHON"
"""Environment variable naming the interpreter; it wins over the registration."""

# go-plugin's handshake from Terraform's side (the values every Terraform sends).
_MAGIC_COOKIE = ("TF_PLUGIN_MAGIC_COOKIE",
                 "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")
_HANDSHAKE = re.compile(r"^1\|6\|(unix|tcp)\|[^|]+\|grpc\|")
# Seconds a failing launcher waits after its one line when stdout is not a terminal.
_FAIL_WAIT_S = 10

_OS_NAMES = ("linux", "darwin", "freebsd", "openbsd", "netbsd", "solaris")
_ARCH_NAMES = ("amd64", "arm64", "386", "arm")


class LauncherError(CleanroomsmlTfError):
    """The provider cannot be installed or started from this Python environment."""

    summary = "Provider launcher error"


def registration_path(version: str, home: Path | None = None,
                      environ: Mapping[str, str] = os.environ) -> Path:
    """Where the interpreter for ``version`` is registered.

    ``home``: the HOME the launcher will run with (and no ``XDG_CONFIG_HOME``), for tools that run
    Terraform with a private HOME; by default the current user's config directory, computed the
    way the launcher computes it.
    """
    if home is not None:
        config = Path(home) / ".config"
    else:
        config = Path(environ.get("XDG_CONFIG_HOME") or
                      os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".config"))
    return config / "cleanroomsml-tf" / f"python-{version}"


def check_platform(name: str) -> str:
    """``OS_ARCH`` as Terraform spells it (``linux_amd64``...); :class:`LauncherError` if not."""
    os_name, _, arch = name.partition("_")
    if name.startswith("windows_"):
        raise LauncherError(
            f"platform {name!r}: the provider's launcher is a POSIX shell script, which Terraform "
            "cannot start on Windows (use WSL, whose platform is linux_amd64)")
    if os_name not in _OS_NAMES or arch not in _ARCH_NAMES:
        raise LauncherError(
            f"platform {name!r}: expected OS_ARCH with OS one of {', '.join(_OS_NAMES)} and ARCH "
            f"one of {', '.join(_ARCH_NAMES)}, e.g. linux_amd64 or darwin_arm64")
    return name


# The bootstrap runs in the found interpreter as `python -I -c BOOTSTRAP VERSION ORIGIN`. It must
# work with any cleanroomsml-tf version installed there (older or newer than the launcher), so
# it relies only on `cleanroomsml_tf.__version__` and `cleanroomsml_tf.plugin.main.main`.
# No single quotes: it sits inside a single-quoted shell word.
_BOOTSTRAP = """\
import sys
def fail(message):
    print(message, flush=True)
    print(message, file=sys.stderr, flush=True)
    if not sys.stdout.isatty():
        import time
        time.sleep(%(wait)d)
    sys.exit(1)
want, origin = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
try:
    import cleanroomsml_tf
except ImportError as error:
    fail("%(name)s %%s: the Python interpreter %%s (from %%s) cannot import cleanroomsml_tf "
         "(%%s); fix: install cleanroomsml-tf %%s there and run `cleanroomsml-tf install`, "
         "or set %(variable)s to an interpreter that has it"
         %% (want, sys.executable, origin, error, want))
have = getattr(cleanroomsml_tf, "__version__", "unknown")
if have != want:
    fail("%(name)s: Terraform selected provider version %%s, but the Python environment %%s "
         "(from %%s) has cleanroomsml-tf %%s; fix: run `cleanroomsml-tf install` there, then "
         "`terraform init -upgrade` (and commit .terraform.lock.hcl) to use %%s, or install "
         "cleanroomsml-tf %%s into that environment" %% (want, sys.executable, origin, have,
                                                       have, want))
from cleanroomsml_tf.plugin.main import main
main()
"""


def launcher_script(version: str) -> str:
    """The executable's text for ``version``: the same on every machine and platform."""
    bootstrap = _BOOTSTRAP % {"wait": _FAIL_WAIT_S, "name": EXECUTABLE_NAME,
                              "variable": PYTHON_VARIABLE}
    assert "'" not in bootstrap and re.fullmatch(r"[0-9A-Za-z.+-]+", version), version
    return f"""#!/bin/sh
# {EXECUTABLE_NAME} {version}, written by `cleanroomsml-tf install` or `package`: the same
# bytes on every machine, so the hash in .terraform.lock.hcl holds everywhere. It runs the
# provider with the first Python interpreter found of:
#   1. $CLEANROOMSML_TF_PYTHON
#   2. the one `cleanroomsml-tf install` registered for {version}, named in the file
#      ${{XDG_CONFIG_HOME:-$HOME/.config}}/cleanroomsml-tf/python-{version}
# and refuses (one line, shown by Terraform) when that environment lacks cleanroomsml-tf {version}.
version='{version}'
fail() {{
  echo "$1"
  echo "$1" >&2
  # Terraform kills the plugin once it has read the line; exiting first could hide the line.
  [ -t 1 ] || exec sleep {_FAIL_WAIT_S}
  exit 1
}}
if [ -n "${{{PYTHON_VARIABLE}:-}}" ]; then
  python=${PYTHON_VARIABLE}
  origin='{PYTHON_VARIABLE}'
else
  registration="${{XDG_CONFIG_HOME:-$HOME/.config}}/cleanroomsml-tf/python-$version"
  origin=$registration
  python=
  # -f: a FIFO or device there would block the read (and Terraform with it).
  if [ -e "$registration" ] && [ ! -f "$registration" ]; then
    fail "{EXECUTABLE_NAME} $version: $registration is not a regular file; fix: remove it and \
run \\`cleanroomsml-tf install\\`, or set {PYTHON_VARIABLE}"
  fi
  if [ -r "$registration" ]; then IFS= read -r python < "$registration"; fi
  [ -n "$python" ] || fail "{EXECUTABLE_NAME} $version: no Python environment registered \
for this version ($registration not found); fix: run \\`cleanroomsml-tf install\\` with \
cleanroomsml-tf $version installed, or set {PYTHON_VARIABLE} to the interpreter of an environment \
that has it"
fi
[ -x "$python" ] || fail "{EXECUTABLE_NAME} $version: the Python interpreter $python (from \
$origin) is missing or not executable (environment moved or deleted?); fix: install \
cleanroomsml-tf $version in a Python environment and run \\`cleanroomsml-tf install\\` from it, \
or set {PYTHON_VARIABLE}"
exec "$python" -I -c '{bootstrap}' "$version" "$origin" "$@"
"""


def register(python: str, version: str, home: Path | None = None) -> Path:
    """Record ``python`` as the interpreter of provider ``version``; the registration's path."""
    from cleanroomsml_tf.output.atomic import atomic_write_text

    if not python or "\n" in python or "\r" in python or not os.path.isabs(python):
        raise LauncherError(f"cannot register the Python interpreter {python!r}: "
                            "expected an absolute path on one line")
    path = registration_path(version, home)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, python + "\n", mode=0o644)
    return path


def check_isolated_import(python: str, package_dir: Path) -> None:
    """Refuse an environment whose cleanroomsml_tf the launcher's ``python -I`` would not find.

    ``pip install --prefix DIR`` plus ``PYTHONPATH`` is the usual way to get here: the package
    imports in this shell, but ``-I`` ignores ``PYTHONPATH``, so Terraform's plugin could not.
    """
    probe = subprocess.run(
        [python, "-I", "-c", "import cleanroomsml_tf, os; print(os.path.dirname("
         "os.path.realpath(cleanroomsml_tf.__file__)))"],
        capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL)
    found = probe.stdout.strip()
    if probe.returncode == 0 and os.path.realpath(found) == os.path.realpath(package_dir):
        return
    where = f"it finds {found}" if probe.returncode == 0 else "it cannot import cleanroomsml_tf"
    via = (f" (this shell finds it through PYTHONPATH={os.environ['PYTHONPATH']})"
           if os.environ.get("PYTHONPATH") else "")
    raise LauncherError(
        f"Terraform starts the provider as `{python} -I`, which ignores PYTHONPATH and the user "
        f"site-packages: {where}, not {package_dir}{via}. Install cleanroomsml-tf into a "
        "virtualenv instead of with `pip install --prefix`/`--target` (python -m venv DIR && "
        "DIR/bin/python -m pip install WHEEL) and run `DIR/bin/cleanroomsml-tf install`")


def start_check(executable: Path, env: Mapping[str, str] | None = None,
                timeout: float = 60) -> str:
    """Start ``executable`` as Terraform would, return its handshake line, stop it.

    Raises :class:`LauncherError` with the launcher's own message (its first stdout line, or its
    stderr when it printed nothing) when it does not reach the handshake.
    """
    environment = dict(os.environ if env is None else env)
    environment[_MAGIC_COOKIE[0]] = _MAGIC_COOKIE[1]
    environment["PLUGIN_PROTOCOL_VERSIONS"] = "6"
    process = subprocess.Popen([str(executable)], env=environment, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    line = b""
    try:
        deadline = time.monotonic() + timeout
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([process.stdout], [], [], max(remaining, 0))
            if not ready:
                break
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            line += chunk
    finally:
        process.terminate()
        try:
            _, stderr = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
    first = line.decode(errors="replace").splitlines()[0] if line.strip() else ""
    if _HANDSHAKE.match(first):
        return first
    reason = first or _last_lines(stderr.decode(errors="replace")) or (
        f"no output within {timeout:.0f}s" if not line else "no handshake")
    raise LauncherError(f"the installed provider {executable} did not start: {reason}")


def _last_lines(text: str, count: int = 3) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[-count:])


def current_python() -> str:
    """The interpreter to register: this process's (a virtualenv's ``bin/python``, unresolved,
    so the virtualenv's site-packages stay in use)."""
    if not sys.executable:
        raise LauncherError("cannot tell which Python interpreter runs cleanroomsml-tf "
                            "(sys.executable is empty); set CLEANROOMSML_TF_PYTHON instead")
    return sys.executable
