"""``cleanroomsml-tf install``: the mirror layout, a launcher that is the same bytes on every
machine, the registration it reads at run time, and failures that name their fix."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleanroomsml_tf import __version__
from cleanroomsml_tf.plugin import launcher
from cleanroomsml_tf.plugin.install import (
    default_plugin_dir,
    executable_path,
    install,
    platform_dir,
)
from cleanroomsml_tf.plugin.launcher import LauncherError, registration_path, start_check


def test_layout_and_mode(tmp_path: Path) -> None:
    path = install(tmp_path / "m", home=tmp_path)
    name = f"terraform-provider-cleanroomsml_v{__version__}"
    assert path == (tmp_path / "m" / "registry.terraform.io" / "cleanroomsml-tf"
                    / "cleanroomsml" / __version__ / platform_dir() / name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    assert path.read_text().startswith("#!/bin/sh\n")
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left


def test_launcher_names_no_machine_path(tmp_path: Path) -> None:
    """Two installs with different interpreters and HOMEs write byte-identical launchers."""
    first = install(tmp_path / "a", home=tmp_path / "home-a", python=sys.executable)
    second = install(tmp_path / "b", home=tmp_path / "home-b", python="/opt/other/bin/python3")
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text()
    for machine_specific in (sys.executable, str(tmp_path), os.environ["HOME"]):
        assert machine_specific not in text
    assert f"version='{__version__}'" in text


def test_registration_is_outside_the_mirror(tmp_path: Path) -> None:
    install(tmp_path / "m", home=tmp_path / "home", python="/venvs/x/bin/python")
    registration = tmp_path / "home" / ".config" / "cleanroomsml-tf" / f"python-{__version__}"
    assert registration.read_text() == "/venvs/x/bin/python\n"
    assert registration_path(__version__, tmp_path / "home") == registration
    assert registration_path("1.2.3", environ={"XDG_CONFIG_HOME": "/x", "HOME": "/h"}) == Path(
        "/x/cleanroomsml-tf/python-1.2.3")
    assert registration_path("1.2.3", environ={"HOME": "/h"}) == Path(
        "/h/.config/cleanroomsml-tf/python-1.2.3")


@pytest.mark.parametrize("python", ["relative/python", "/a\nb", ""])
def test_register_refuses_what_the_launcher_cannot_read(tmp_path: Path, python: str) -> None:
    with pytest.raises(LauncherError, match="absolute path on one line"):
        install(tmp_path / "m", home=tmp_path, python=python)


def test_several_platforms_share_one_launcher(tmp_path: Path) -> None:
    install(tmp_path, home=tmp_path, platforms=["darwin_arm64", "linux_arm64", "darwin_arm64"])
    names = {platform_dir(), "darwin_arm64", "linux_arm64"}
    paths = [executable_path(tmp_path, platform_name=name) for name in names]
    assert len({p.read_bytes() for p in paths}) == 1
    assert {p.parent.name for p in paths} == {
        p.name for p in paths[0].parent.parent.iterdir()}


@pytest.mark.parametrize(("platform", "message"), [
    ("windows_amd64", "POSIX shell script"),
    ("linux", "expected OS_ARCH"),
    ("plan9_amd64", "expected OS_ARCH"),
    ("linux_sparc", "expected OS_ARCH"),
])
def test_bad_platforms_are_refused(tmp_path: Path, platform: str, message: str) -> None:
    with pytest.raises(LauncherError, match=message):
        install(tmp_path / "m", home=tmp_path, platforms=[platform])
    assert not (tmp_path / "m").exists()


def test_reinstall_is_byte_identical(tmp_path: Path) -> None:
    first = install(tmp_path, home=tmp_path).read_bytes()
    assert install(tmp_path, home=tmp_path).read_bytes() == first


def test_default_is_the_implied_mirror(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_plugin_dir() == tmp_path / ".terraform.d" / "plugins"
    assert install().is_relative_to(tmp_path / ".terraform.d" / "plugins")
    assert (tmp_path / ".config" / "cleanroomsml-tf" / f"python-{__version__}").is_file()


def test_cli_installs_registers_and_starts_it(tmp_path: Path) -> None:
    env = dict(os.environ, HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "cleanroomsml_tf", "install", "--plugin-dir", str(tmp_path / "m"),
         "--platform", "darwin_arm64"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (f"installed registry.terraform.io/cleanroomsml-tf/cleanroomsml {__version__} "
            f"({platform_dir()}, darwin_arm64)") in result.stdout
    assert str(tmp_path / "m" / "registry.terraform.io") in result.stdout
    assert f"Python environment: {sys.executable}" in result.stdout
    assert str(registration_path(__version__, tmp_path)) in result.stdout
    assert "started it up to the Terraform handshake: ok" in result.stdout



def test_cli_says_why_the_installed_provider_does_not_start(tmp_path: Path) -> None:
    """install starts what it wrote; when that fails it exits 1 with the launcher's own line."""
    env = dict(os.environ, HOME=str(tmp_path), CLEANROOMSML_TF_PYTHON=str(tmp_path / "gone"))
    result = subprocess.run(
        [sys.executable, "-m", "cleanroomsml_tf", "install", "--plugin-dir", str(tmp_path / "m")],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""  # no success report
    assert result.stderr.startswith("cleanroomsml-tf install: the installed provider ")
    assert (f"did not start: terraform-provider-cleanroomsml {__version__}: the Python "
            f"interpreter {tmp_path / 'gone'} (from CLEANROOMSML_TF_PYTHON) is missing") in (
        result.stderr)
    assert len(result.stderr.splitlines()) == 1


# --- the launcher at run time: what it runs, and what it says when it cannot -------------------


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    return install(tmp_path / "m", home=tmp_path / "home")


def run_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TF_LOG", "TF_LOG_PROVIDER")}
    env.update(HOME=str(home), **extra)
    return env


def failure(executable: Path, env: dict[str, str]) -> str:
    started = time.monotonic()
    with pytest.raises(LauncherError) as caught:
        start_check(executable, env)
    # The launcher waits after its line for Terraform to read it; start_check stops it at once.
    assert time.monotonic() - started < launcher._FAIL_WAIT_S
    return str(caught.value)


def test_registered_interpreter_reaches_the_handshake(installed: Path, tmp_path: Path) -> None:
    assert start_check(installed, run_env(tmp_path / "home")).startswith("1|6|unix|")


def test_variable_wins_over_the_registration(installed: Path, tmp_path: Path) -> None:
    message = failure(installed, run_env(tmp_path / "home",
                                         CLEANROOMSML_TF_PYTHON=str(tmp_path / "nope")))
    assert f"the Python interpreter {tmp_path / 'nope'} (from CLEANROOMSML_TF_PYTHON)" in message
    assert start_check(installed, run_env(tmp_path / "elsewhere",
                                          CLEANROOMSML_TF_PYTHON=sys.executable))


def test_nothing_registered_names_the_file_and_the_fix(installed: Path, tmp_path: Path) -> None:
    message = failure(installed, run_env(tmp_path / "other-home"))
    registration = registration_path(__version__, tmp_path / "other-home")
    assert f"no Python environment registered for this version ({registration} not found)" in (
        message)
    assert "run `cleanroomsml-tf install`" in message and "CLEANROOMSML_TF_PYTHON" in message


def test_deleted_interpreter_names_it_and_the_fix(tmp_path: Path) -> None:
    gone = tmp_path / "venv" / "bin" / "python"
    executable = install(tmp_path / "m", home=tmp_path / "home", python=str(gone))
    message = failure(executable, run_env(tmp_path / "home"))
    registration = registration_path(__version__, tmp_path / "home")
    assert f"the Python interpreter {gone} (from {registration})" in message
    assert "is missing or not executable" in message
    assert "run `cleanroomsml-tf install`" in message


def test_registration_that_is_a_fifo_does_not_hang(installed: Path, tmp_path: Path) -> None:
    registration = registration_path(__version__, tmp_path / "home")
    registration.unlink()
    os.mkfifo(registration)
    message = failure(installed, run_env(tmp_path / "home"))
    assert f"{registration} is not a regular file; fix: remove it" in message


def test_paths_with_spaces(tmp_path: Path) -> None:
    """A virtualenv and a HOME whose paths hold spaces (quoting in the launcher)."""
    import sysconfig

    import cleanroomsml_tf

    python = bare_venv(tmp_path / "my venvs", None)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "_test.pth").write_text(  # this checkout and its dependencies
        f"{Path(cleanroomsml_tf.__file__).parents[1]}\n{sysconfig.get_paths()['purelib']}\n")
    home = tmp_path / "home dir"
    executable = install(tmp_path / "plugin dir", home=home, python=str(python))
    assert start_check(executable, run_env(home)).startswith("1|6|unix|")


def bare_venv(path: Path, package_version: str | None) -> Path:
    """A virtualenv without cleanroomsml-tf, or with a stand-in that has only a version."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True,
                   timeout=120)
    if package_version:
        purelib = subprocess.run(
            [str(path / "bin" / "python"), "-c",
             "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True).stdout.strip()
        package = Path(purelib) / "cleanroomsml_tf"
        package.mkdir()
        (package / "__init__.py").write_text(f'__version__ = "{package_version}"\n')
    return path / "bin" / "python"


def test_environment_without_the_package(installed: Path, tmp_path: Path) -> None:
    python = bare_venv(tmp_path / "empty", None)
    message = failure(installed, run_env(tmp_path, CLEANROOMSML_TF_PYTHON=str(python)))
    assert f"the Python interpreter {python} (from CLEANROOMSML_TF_PYTHON) cannot import " \
           "cleanroomsml_tf" in message
    assert f"install cleanroomsml-tf {__version__} there" in message


def test_other_version_is_refused_naming_both(installed: Path, tmp_path: Path) -> None:
    python = bare_venv(tmp_path / "newer", "9.9.9")
    message = failure(installed, run_env(tmp_path, CLEANROOMSML_TF_PYTHON=str(python)))
    assert (f"Terraform selected provider version {__version__}, but the Python environment "
            f"{python} (from CLEANROOMSML_TF_PYTHON) has cleanroomsml-tf 9.9.9") in message
    assert "`terraform init -upgrade`" in message
    assert f"install cleanroomsml-tf {__version__} into that environment" in message


def test_failure_line_is_the_first_stdout_line(installed: Path, tmp_path: Path) -> None:
    """What Terraform reads: exactly one line, then the launcher waits until it is killed."""
    env = run_env(tmp_path / "other-home")
    process = subprocess.Popen([str(installed)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("terraform-provider-cleanroomsml ") and line.endswith("\n")
        time.sleep(0.3)
        assert process.poll() is None  # still there: Terraform reads the line, then kills it
    finally:
        process.kill()
        process.communicate(timeout=10)


def test_prefix_install_through_pythonpath_is_refused(project_wheel: Path, tmp_path: Path) -> None:
    """``pip install --prefix`` + ``PYTHONPATH`` imports here, but not under the launcher's
    ``python -I``: install says so and writes nothing, instead of a launcher that cannot start."""
    python = bare_venv(tmp_path / "venv", None)
    prefix = tmp_path / "prefix"
    # pip runs for the bare interpreter (--python): run for this one, it would uninstall the
    # package from the test environment while "installing" into the prefix.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--ignore-installed", "--prefix", str(prefix), str(project_wheel)],
                   check=True, capture_output=True, timeout=300)
    site = prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    home = tmp_path / "home"
    env = dict(os.environ, HOME=str(home), PYTHONPATH=str(site))
    result = subprocess.run([str(python), "-m", "cleanroomsml_tf", "install"], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1, result.stdout
    message = " ".join(result.stderr.split())
    assert message.startswith("cleanroomsml-tf install: Terraform starts the provider as "
                              f"`{python} -I`, which ignores PYTHONPATH")
    assert f"through PYTHONPATH={site}" in message
    assert "Install cleanroomsml-tf into a virtualenv" in message
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert not home.exists()  # nothing installed, nothing registered
