"""The plugin's cached TLS key (issue 11): reused only when private to the user — 0600 in a 0700
directory, both owned by the user; otherwise a new key. Real plugin launches, their handshake
certificate compared."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.plugin_process import client_identity


def test_tls_key_cache_is_reused_only_when_private(tmp_path):
    """The plugin's cached TLS key: kept when 0600 in a 0700 directory owned by the user;
    replaced when others could read it (a real plugin launch, its handshake certificate)."""
    cache = tmp_path / "cache"

    def launch() -> str:
        env = dict(os.environ, XDG_CACHE_HOME=str(cache), TF_PLUGIN_MAGIC_COOKIE=(
            "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"),
            PLUGIN_PROTOCOL_VERSIONS="6", PLUGIN_MIN_PORT="40000", PLUGIN_MAX_PORT="41000",
            PLUGIN_CLIENT_CERT=client_identity().cert_pem.decode())  # AutoMTLS, as Terraform
        process = subprocess.Popen([sys.executable, "-m", "cleanroomsml_tf.plugin.main"],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        try:
            line = process.stdout.readline() if process.stdout else ""
        finally:
            process.kill()
            process.communicate(timeout=10)
        assert line.count("|") >= 5, line
        return line.strip().split("|")[5]

    first = launch()
    directory = cache / "cleanroomsml-tf"
    key_file = next(directory.iterdir())
    assert os.stat(directory).st_mode & 0o777 == 0o700
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    assert launch() == first  # private: reused

    os.chmod(key_file, 0o644)
    third = launch()
    assert third != first
    assert os.stat(next(directory.iterdir())).st_mode & 0o777 == 0o600

    os.chmod(directory, 0o755)
    fourth = launch()
    assert fourth != third
    assert os.stat(directory).st_mode & 0o777 == 0o700
