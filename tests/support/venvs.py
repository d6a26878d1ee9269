"""Fresh virtualenvs with cleanroomsml-tf installed from a built wheel, as a user would have them.

Building environments is slow on a small machine, so the expensive parts happen once per session:

* ``build_wheel(version=None)``: ``pip wheel`` of a copy of the project (optionally with another
  ``__version__``, to test upgrades), cached per version.
* ``make_venv(path)``: ``python -m venv`` (no pip), the dependencies made visible through a
  ``.pth`` line naming this test environment's site-packages (what ``--system-site-packages``
  does for a system interpreter, and read even under ``python -I``), then
  ``pip --python VENV/bin/python install --no-deps WHEEL``: our package, its console scripts
  with the virtualenv's shebang, nothing shared with the repository checkout.
* ``venv_pair``: two such virtualenvs at unrelated paths, made once per session. Tests must not
  change them: copy one (``shutil.copytree(..., symlinks=True)``) to break or upgrade it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_WHEELS: dict[str, Path] = {}


@dataclass(frozen=True)
class Venv:
    """A virtualenv with cleanroomsml-tf installed from a wheel."""

    path: Path

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def console_script(self) -> Path:
        return self.path / "bin" / "cleanroomsml-tf"


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False,
                            **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {result.returncode}\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def build_wheel(directory: Path, version: str | None = None) -> Path:
    """The project's wheel (``python -m pip wheel``), built from a copy of the sources."""
    key = version or "current"
    if key in _WHEELS:
        return _WHEELS[key]
    source = directory / f"src-{key}"
    shutil.copytree(ROOT / "provider", source / "provider",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    if version:
        init = source / "provider" / "cleanroomsml_tf" / "__init__.py"
        text, count = re.subn(r'^__version__ = "[^"]+"$', f'__version__ = "{version}"',
                              init.read_text(), flags=re.M)
        assert count == 1
        init.write_text(text)
    out = directory / f"wheels-{key}"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out),
          str(source)])
    (wheel,) = out.glob("cleanroomsml_tf-*.whl")
    _WHEELS[key] = wheel
    return wheel


def make_venv(path: Path, wheel: Path) -> Venv:
    """A new virtualenv at ``path`` with ``wheel`` installed (dependencies shared, see above)."""
    _run([sys.executable, "-m", "venv", "--without-pip", str(path)])
    venv = Venv(path)
    purelib = _run([str(venv.python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                    "['purelib'])"]).stdout.strip()
    Path(purelib, "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install_wheel(venv, wheel)
    return venv


def install_wheel(venv: Venv, wheel: Path) -> None:
    """``pip install --no-deps WHEEL`` into ``venv`` (replacing what is there)."""
    _run([sys.executable, "-m", "pip", "--python", str(venv.python), "install", "--quiet",
          "--no-deps", "--force-reinstall", str(wheel)])


def copy_venv(venv: Venv, path: Path) -> Venv:
    """A copy of ``venv`` at ``path`` (use ``python -m`` there: console scripts keep the
    original's shebang)."""
    shutil.copytree(venv.path, path, symlinks=True)
    return Venv(path)


@pytest.fixture(scope="session")
def project_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout built as a wheel, once per session."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def venv_pair(tmp_path_factory: pytest.TempPathFactory, project_wheel: Path) -> tuple[Venv, Venv]:
    """Two virtualenvs at unrelated paths (different depth and names), the wheel in each."""
    first = make_venv(tmp_path_factory.mktemp("machine-a") / "venv", project_wheel)
    second = make_venv(tmp_path_factory.mktemp("machine-b") / "opt" / "tools" / "crml-env",
                       project_wheel)
    return first, second
