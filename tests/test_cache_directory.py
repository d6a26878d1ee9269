"""Where caches go (output/cache.py): an absolute XDG_CACHE_HOME, else ~/.cache; a relative
XDG_CACHE_HOME is ignored (the XDG spec), and without a usable home nothing is cached: never a
directory named ``~`` or ``relcache`` under the current one (a Terraform working directory)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleanroomsml_tf.output.cache import cache_directory


def test_an_absolute_xdg_cache_home_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_directory() == str(tmp_path / "xdg" / "cleanroomsml-tf")


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "relcache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_directory() == str(tmp_path / "home" / ".cache" / "cleanroomsml-tf")


@pytest.mark.parametrize("xdg", [None, "", "relcache"])
def test_without_a_usable_home_there_is_no_cache(monkeypatch: pytest.MonkeyPatch,
                                                 xdg: str | None) -> None:
    monkeypatch.setenv("HOME", "not-absolute")  # what ~ gives a uid without a passwd entry
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache_directory() is None


def test_a_client_and_a_tls_identity_without_a_cache_write_nothing_here(tmp_path: Path) -> None:
    """A real botocore client through our session, and the plugin's TLS identity, in a
    process whose home is not usable: they work, and the current directory stays empty."""
    code = (
        "from cleanroomsml_tf.aws.session import session\n"
        "from cleanroomsml_tf.aws.settings import ClientSettings\n"
        "from cleanroomsml_tf.plugin import tls\n"
        "client = session(ClientSettings(region='eu-west-2')).create_client('cleanroomsml')\n"
        "print(client.meta.endpoint_url)\n"
        "print(len(tls.load_or_create().cert_der) > 100)\n"
    )
    env = dict(os.environ, HOME="not-absolute", XDG_CACHE_HOME="relcache",
               AWS_EC2_METADATA_DISABLED="true")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://cleanrooms-ml.eu-west-2.amazonaws.com", "True"]
    assert list(tmp_path.iterdir()) == []
