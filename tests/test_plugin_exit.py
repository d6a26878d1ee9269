"""The plugin leaves as soon as its server has stopped, without cutting anything short.

Terraform waits for each provider process to exit, three times per plan; the interpreter's
teardown with boto3 loaded took ~70 ms of that. So after the server stops, ``main`` flushes the
logs and ends the process without the teardown (``os._exit``). Here a real plugin process is
driven like Terraform drives it (schema, configure, a read through boto3, then go-plugin's
``GRPCController.Shutdown``): the Shutdown reply arrives, the exit status is 0, the last log line
(written just before the exit) is on stderr, and an ``atexit`` hook registered by the entry
script never runs — the teardown really is skipped.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tf.gen import grpc_controller_pb2 as controller_pb
from tf.gen import grpc_controller_pb2_grpc as controller_rpc
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc

from tests.support.plugin_process import (
    channel_for,
    configure_and_read,
    error_summaries,
    plugin_env,
)

ENTRY = textwrap.dedent('''
    import atexit, sys
    atexit.register(lambda: sys.stderr.write("ATEXIT RAN\\n"))
    from cleanroomsml_tf.plugin.main import main
    main()
''')


def test_exit_after_shutdown_flushes_logs_and_skips_teardown(tmp_path: Path, emulator) -> None:
    entry = tmp_path / "entry.py"
    entry.write_text(ENTRY)
    stderr_path = tmp_path / "plugin.stderr"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen([sys.executable, "-I", str(entry)], stdout=subprocess.PIPE,
                                   stderr=stderr, env=plugin_env(tmp_path, TF_LOG="debug"))
    assert process.stdout is not None
    try:
        handshake = process.stdout.readline()
        assert handshake.startswith(b"1|6|unix|"), stderr_path.read_text()
        with channel_for(handshake) as channel:
            stub = rpc.ProviderStub(channel)
            stub.GetProviderSchema(pb.GetProviderSchema.Request(), timeout=30)
            read = configure_and_read(stub, emulator.url)
            assert error_summaries(read) == []  # boto3 and botocore are loaded now
            reply = controller_rpc.GRPCControllerStub(channel).Shutdown(
                controller_pb.Empty(), timeout=30)
            assert isinstance(reply, controller_pb.Empty)  # the reply was not cut short
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    err = stderr_path.read_text()
    assert "server stopped; exiting (0)" in err, err[-2000:]  # flushed before the exit
    assert "ATEXIT RAN" not in err  # the interpreter's teardown was skipped
