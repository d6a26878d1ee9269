"""``cleanroomsml-tf install``: the local-mirror layout, the launcher, idempotence."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from cleanroomsml_tf import __version__
from cleanroomsml_tf.plugin.install import default_plugin_dir, install, platform_dir


def test_layout_and_mode(tmp_path: Path) -> None:
    path = install(tmp_path)
    name = f"terraform-provider-cleanroomsml_v{__version__}"
    assert path == (tmp_path / "registry.terraform.io" / "cleanroomsml-tf" / "cleanroomsml"
                    / __version__ / platform_dir() / name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    text = path.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert f"exec {sys.executable} -I -m cleanroomsml_tf.plugin.main" in text
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left


def test_reinstall_is_byte_identical(tmp_path: Path) -> None:
    first = install(tmp_path).read_bytes()
    second_path = install(tmp_path)
    assert second_path.read_bytes() == first


def test_default_is_the_implied_mirror(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_plugin_dir() == tmp_path / ".terraform.d" / "plugins"
    assert install().is_relative_to(tmp_path / ".terraform.d" / "plugins")


def test_cli_prints_what_and_where(tmp_path: Path) -> None:
    env = dict(os.environ, HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "cleanroomsml_tf", "install", "--plugin-dir", str(tmp_path / "m")],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"installed registry.terraform.io/cleanroomsml-tf/cleanroomsml {__version__}" in (
        result.stdout)
    assert str(tmp_path / "m" / "registry.terraform.io") in result.stdout


def test_tls_identity_cache_is_private_and_reused(tmp_path: Path) -> None:
    from cleanroomsml_tf.plugin import tls

    path = tmp_path / "cache" / "tls.json"
    first = tls.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the private key
    assert tls.load_or_create(path) == first
    assert not [p for p in path.parent.iterdir() if p != path]  # no temp file left behind
