"""The GetProviderSchema response is served from the generated plugin/schema_response.py: it must
be exactly what the tables build now
(regenerate: ``python -m cleanroomsml_tf.plugin.schema_codegen``)."""

from __future__ import annotations

import subprocess
import sys

from tf.gen import tfplugin_pb2 as pb

from cleanroomsml_tf.plugin import schema_codegen as schema
from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider
from cleanroomsml_tf.plugin.schema_response import RESPONSE
from cleanroomsml_tf.plugin.servicer import ProviderServicer


def test_the_generated_response_is_current() -> None:
    servicer = ProviderServicer(CleanroomsmlProvider())
    assert servicer.build_schema_response() == RESPONSE, (
        "plugin/schema_response.py is out of date: "
        "run `python -m cleanroomsml_tf.plugin.schema_codegen`")
    assert servicer.call("GetProviderSchema", b"") == RESPONSE


def test_check_command_says_current_and_fails_on_a_stale_file(monkeypatch) -> None:
    command = [sys.executable, "-m", "cleanroomsml_tf.plugin.schema_codegen", "--check"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, "schema_response.py: current")
    monkeypatch.setattr(schema, "render_schema_response", lambda: "something else\n")
    assert schema.main(["--check"]) == 1


def test_the_response_names_every_data_source_and_function() -> None:
    response = pb.GetProviderSchema.Response.FromString(RESPONSE)
    assert set(response.data_source_schemas) == {
        "cleanroomsml_collaboration_trained_model", "cleanroomsml_collaboration_trained_models"}
    assert set(response.functions) == {"parse_trained_model_arn"}
    assert response.server_capabilities.get_provider_schema_optional
    assert not response.diagnostics
