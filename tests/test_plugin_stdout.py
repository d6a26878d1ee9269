"""The plugin's stdout carries the go-plugin handshake line and nothing else, whatever prints,
warnings, C-level writes or child processes fire around it; that noise lands on stderr.

The plugin runs from a small entry script (written by the test) that installs the noise and then
calls the real ``main()``: during start-up (on the import of ``grpc`` and just before the
handshake, i.e. after ``main()`` began), in GetProviderSchema and ConfigureProvider, and on every
request through a botocore event handler registered on the real client (ReadDataSource). Then a
gRPC client drives it the way Terraform does, and a real ``terraform init``/``apply`` runs
through the same noisy plugin with ``TF_LOG=trace``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import msgpack
import pytest
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc

from cleanroomsml_tf.plugin.install import executable_path
from tests.support.example_ids import CHURN, COLLABORATION
from tests.support.plugin_process import (
    MODEL,
    channel_for,
    configure_and_read,
    error_summaries,
    plugin_env,
)
from tests.support.terraform import REQUIRED_PROVIDERS

KINDS = ("print", "sys.stdout", "sys.__stdout__", "fd1", "DeprecationWarning", "UserWarning",
         "logging", "child")
PLACES = ("startup-import", "startup-handshake", "schema", "configure", "request")

NOISY_PLUGIN = textwrap.dedent('''
    """Test-only entry: the real plugin main(), with noise on every channel at every stage."""
    import logging
    import os
    import subprocess
    import sys
    import warnings

    warnings.simplefilter("always")  # every warning fires, DeprecationWarning included


    def noise(place):
        print(f"NOISE print {place}")
        sys.stdout.write(f"NOISE sys.stdout {place}\\n")
        sys.stdout.flush()
        sys.__stdout__.write(f"NOISE sys.__stdout__ {place}\\n")
        sys.__stdout__.flush()
        os.write(1, f"NOISE fd1 {place}\\n".encode())
        warnings.warn(f"NOISE DeprecationWarning {place}", DeprecationWarning)
        warnings.warn(f"NOISE UserWarning {place}")
        logging.getLogger("botocore.noise").warning("NOISE logging %s", place)
        subprocess.run(["/bin/echo", f"NOISE child {place}"], check=False)  # inherits fd 1


    fired = set()


    def on_import(event, args):
        if (event == "import" and args[0] == "cleanroomsml_tf.plugin.wire.grpc"
                and "import" not in fired):
            fired.add("import")
            noise("startup-import")


    sys.addaudithook(on_import)

    from cleanroomsml_tf.aws import connection as client
    from cleanroomsml_tf.plugin import provider, tls

    load_or_create = tls.load_or_create


    def noisy_identity(*args, **kwargs):  # the last step before the handshake line
        noise("startup-handshake")
        return load_or_create(*args, **kwargs)


    tls.load_or_create = noisy_identity

    get_provider_schema = provider.CleanroomsmlProvider.get_provider_schema
    configure_provider = provider.CleanroomsmlProvider.configure_provider


    def noisy_schema(self, diags):
        noise("schema")
        return get_provider_schema(self, diags)


    def noisy_configure(self, diags, config):
        noise("configure")
        return configure_provider(self, diags, config)


    provider.CleanroomsmlProvider.get_provider_schema = noisy_schema
    provider.CleanroomsmlProvider.configure_provider = noisy_configure

    build = client._build


    def noisy_build(settings):
        connection = build(settings)
        connection.client.meta.events.register(
            "before-send.cleanroomsml", lambda **_: noise("request"))
        return connection


    client._build = noisy_build

    from cleanroomsml_tf.plugin.main import main

    main()
''')


@pytest.fixture
def noisy_plugin(tmp_path: Path) -> Path:
    script = tmp_path / "noisy_plugin.py"
    script.write_text(NOISY_PLUGIN)
    return script


def test_stdout_is_exactly_the_handshake_line(noisy_plugin: Path, tmp_path: Path, emulator):
    stderr_path = tmp_path / "plugin.stderr"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-I", str(noisy_plugin)], stdout=subprocess.PIPE, stderr=stderr,
            env=plugin_env(tmp_path, TF_LOG="trace"))
    assert process.stdout is not None
    try:
        handshake = process.stdout.readline()
        assert handshake.startswith(b"1|6|unix|"), (handshake, stderr_path.read_text())
        with channel_for(handshake) as channel:
            stub = rpc.ProviderStub(channel)
            schema = stub.GetProviderSchema(pb.GetProviderSchema.Request(), timeout=30)
            assert MODEL in schema.data_source_schemas and not error_summaries(schema)
            read = configure_and_read(stub, emulator.url)
            assert error_summaries(read) == []
            state = msgpack.unpackb(read.state.msgpack)
            assert state["trained_model_arn"] == CHURN and state["status"] == "ACTIVE"
            stub.StopProvider(pb.StopProvider.Request(), timeout=30)
        assert process.wait(timeout=30) == 0
        rest = process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()

    assert handshake + rest == handshake  # byte for byte: one line, nothing before or after
    assert handshake.count(b"\n") == 1 and handshake.endswith(b"\n")
    err = stderr_path.read_text()
    missing = [f"NOISE {kind} {place}" for place in PLACES for kind in KINDS
               if f"NOISE {kind} {place}" not in err]
    assert missing == [], err[-3000:]
    # Warnings and library logs are filed as log lines; botocore's wire log is there at trace.
    assert "[WARN] py.warnings:" in err and "[WARN] botocore.noise: NOISE logging" in err
    assert "[TRACE] botocore.endpoint: Sending http request" in err
    assert "Signature=<redacted>" in err


CONFIG = REQUIRED_PROVIDERS + f"""
provider "cleanroomsml" {{}}

data "cleanroomsml_collaboration_trained_model" "churn" {{
  trained_model_arn        = "{CHURN}"
  collaboration_identifier = "{COLLABORATION}"
}}

output "status" {{
  value = data.cleanroomsml_collaboration_trained_model.churn.status
}}
"""


def test_terraform_trace_apply_through_a_noisy_plugin(
        noisy_plugin: Path, tf_home: Path, terraform_binary, make_terraform, emulator) -> None:
    launcher = executable_path(tf_home / ".terraform.d" / "plugins")
    assert launcher.is_file()
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} -I {noisy_plugin} \"$@\"\n")
    log = tf_home.parent / "terraform-trace.log"
    tf = make_terraform(terraform_binary, files={"main.tf": CONFIG}, env={
        "AWS_ENDPOINT_URL_CLEANROOMSML": emulator.url, "TF_LOG": "trace",
        "TF_LOG_PATH": str(log)})
    tf.init()
    tf.apply()
    assert tf.outputs() == {"status": "ACTIVE"}
    text = log.read_text()
    # The plugin's stderr, filed by Terraform: its noise and botocore's wire-level trace.
    assert "NOISE print startup-import" in text and "NOISE child request" in text
    assert "botocore.endpoint: Sending http request" in text
    assert "Unrecognized remote plugin message" not in text
    state = json.loads((tf.workdir / "terraform.tfstate").read_text())
    assert state["outputs"]["status"]["value"] == "ACTIVE"
