"""Launching the plugin the way Terraform does: handshake on stdout only, nothing heavy imported
before it, quiet stderr unless TF_LOG, socket in TMPDIR, TLS identity cached in HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleanroomsml_tf.plugin.install import install
from cleanroomsml_tf.plugin.server import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE
from tests.support.plugin_process import client_identity

# Never before the handshake: the AWS client, the CDK, key generation on a warm start, and (since
# the plugin serves gRPC itself, plugin/wire) grpcio, the protobuf runtime and the tf framework.
HEAVY = ("boto3", "botocore", "cdktf", "jsii", "cryptography", "grpc", "google", "tf", "asyncio")


def launch_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """go-plugin's environment, AutoMTLS included (Terraform's default)."""
    env = {k: v for k, v in os.environ.items() if k not in ("TF_LOG", "TF_LOG_PROVIDER")}
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env.update(HOME=str(tmp_path), TMPDIR=str(tmp_path / "tmp"), PLUGIN_PROTOCOL_VERSIONS="5,6")
    env[MAGIC_COOKIE_KEY] = MAGIC_COOKIE_VALUE
    env["PLUGIN_CLIENT_CERT"] = client_identity().cert_pem.decode()
    env.update(extra)
    return env


def launch(command: list[str], env: dict[str, str]) -> tuple[str, str, str]:
    """(handshake line, rest of stdout, stderr) of one launch, stopped after the handshake."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    process.terminate()
    rest, err = process.communicate(timeout=20)
    return line, rest, err


@pytest.fixture
def launcher(tmp_path: Path) -> Path:
    return install(tmp_path / "plugins", home=tmp_path)


def test_handshake_is_the_only_stdout(launcher: Path, tmp_path: Path) -> None:
    line, rest, err = launch([str(launcher)], launch_env(tmp_path))
    core, protocol, network, address, kind, cert = line.rstrip("\n").split("|")
    assert (core, protocol, network, kind) == ("1", "6", "unix", "grpc")
    assert address.startswith(str(tmp_path / "tmp") + os.sep)
    assert len(cert) > 100 and not cert.endswith("=")
    assert rest == ""
    assert err == ""  # quiet without TF_LOG
    assert (tmp_path / ".cache" / "cleanroomsml-tf" / "plugin-tls-v1.json").is_file()
    assert not list((tmp_path / "tmp").iterdir())  # socket directory removed on exit


def test_without_a_client_certificate_the_handshake_offers_plaintext(
        launcher: Path, tmp_path: Path) -> None:
    """TF_DISABLE_PLUGIN_TLS: go-plugin sets no PLUGIN_CLIENT_CERT and dials plaintext, so the
    line carries no certificate and no TLS identity is made."""
    env = launch_env(tmp_path)
    del env["PLUGIN_CLIENT_CERT"]
    line, rest, err = launch([str(launcher)], env)
    assert line.startswith("1|6|unix|") and line.rstrip("\n").endswith("|grpc|")
    assert rest == "" and err == ""
    assert not (tmp_path / ".cache" / "cleanroomsml-tf").exists()


def test_tf_log_sends_logs_to_stderr(launcher: Path, tmp_path: Path) -> None:
    line, rest, err = launch([str(launcher)], launch_env(tmp_path, TF_LOG="DEBUG"))
    assert line.startswith("1|6|unix|") and rest == ""
    assert "[DEBUG] cleanroomsml_tf.plugin.server: handshake after" in err


def test_nothing_heavy_is_imported_before_the_handshake(launcher: Path, tmp_path: Path) -> None:
    env = launch_env(tmp_path)
    launch([str(launcher)], env)  # first launch creates the cached TLS identity
    command = [sys.executable, "-I", "-X", "importtime", "-m", "cleanroomsml_tf.plugin.main"]
    line, _, err = launch(command, env)
    assert line.startswith("1|6|unix|")
    imported = {row.split("|")[-1].strip() for row in err.splitlines() if "import time" in row}
    assert "cleanroomsml_tf.plugin.server" in imported  # the server is there...
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY)
    assert heavy == []  # ...but no botocore, cdktf/jsii, or cryptography on a warm start
    # nor the client modules and settings: they load with the first call that needs them
    # (validation needs the settings; the resolver waits for configure, the launch that reads)
    assert sorted(m for m in imported if m.startswith("cleanroomsml_tf.aws")) == []


def test_refuses_to_run_outside_terraform(launcher: Path, tmp_path: Path) -> None:
    env = launch_env(tmp_path)
    del env[MAGIC_COOKIE_KEY]
    result = subprocess.run([str(launcher)], env=env, capture_output=True, text=True, timeout=30,
                            check=False)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "This binary is a plugin" in result.stderr



def test_no_usable_temporary_directory_is_one_line(monkeypatch, capsys) -> None:
    """No directory for the socket (TMPDIR and /tmp unusable): one line naming the fix and exit
    status 1, no traceback (serve() itself, with the directory search failing as it would)."""
    from cleanroomsml_tf.plugin import server
    from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider

    def no_directory(root: str | None = None) -> str:
        raise OSError("no usable directory for the plugin's socket ([Errno 13] Permission denied)")

    monkeypatch.setenv(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
    monkeypatch.setattr(server, "private_directory", no_directory)
    monkeypatch.setattr(server, "_handle_signals", lambda stopped: None)  # pytest keeps Ctrl-C
    assert server.serve(CleanroomsmlProvider()) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "cannot create the plugin's socket directory" in err and "TMPDIR" in err
