"""Driving a real plugin process the way Terraform does: go-plugin's environment (AutoMTLS: a
client certificate in ``PLUGIN_CLIENT_CERT``), a TLS channel presenting that certificate and
trusting the one of the handshake line, and request/response helpers."""

from __future__ import annotations

import base64
import functools
import os
import ssl
from pathlib import Path
from typing import Any

import grpc
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc

from cleanroomsml_tf.plugin.server import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE
from tests.support.pb_servicer import to_dynamic_value

MODEL = "cleanroomsml_collaboration_trained_model"


@functools.cache
def client_identity() -> Any:
    """The client key pair go-plugin would generate for AutoMTLS (one per test session)."""
    from cleanroomsml_tf.plugin.tls import generate

    return generate()


def plugin_env(tmp_path: Path, tls: bool = True, **extra: str) -> dict[str, str]:
    """What go-plugin sets when Terraform launches a provider (``tls=False``: as with
    ``TF_DISABLE_PLUGIN_TLS``, no client certificate, so the plugin serves plaintext)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TF_LOG") and k != "PLUGIN_CLIENT_CERT"}
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env.update(HOME=str(tmp_path), TMPDIR=str(tmp_path / "tmp"), PLUGIN_PROTOCOL_VERSIONS="5,6")
    env[MAGIC_COOKIE_KEY] = MAGIC_COOKIE_VALUE
    if tls:
        env["PLUGIN_CLIENT_CERT"] = client_identity().cert_pem.decode()
    env.update(extra)
    return env


def channel_for(handshake: bytes) -> grpc.Channel:
    """A channel to the plugin: TLS presenting the client certificate and trusting the
    certificate of the handshake line, or plaintext when the line carries none."""
    _, _, network, address, _, cert = handshake.decode().rstrip("\n").split("|")
    assert network == "unix"
    if not cert:
        return grpc.insecure_channel(f"unix:{address}")
    der = base64.b64decode(cert + "=" * (-len(cert) % 4))
    client = client_identity()
    credentials = grpc.ssl_channel_credentials(
        root_certificates=ssl.DER_cert_to_PEM_cert(der).encode(),
        private_key=client.key_pem, certificate_chain=client.cert_pem)
    return grpc.secure_channel(f"unix:{address}", credentials,
                               options=[("grpc.ssl_target_name_override", "localhost")])


def error_summaries(response: object) -> list[str]:
    return [d.summary + ": " + d.detail for d in response.diagnostics  # type: ignore[attr-defined]
            if d.severity == pb.Diagnostic.ERROR]


def data_source_config(values: dict[str, object]) -> pb.DynamicValue:
    from cleanroomsml_tf.plugin.data_sources.trained_model import TrainedModelDataSource

    full: dict[str, object] = {a.name: None for a in TrainedModelDataSource.get_schema().attributes}
    full.update(values)
    return to_dynamic_value(full)


def provider_config(values: dict[str, object]) -> pb.DynamicValue:
    from cleanroomsml_tf.plugin.provider import provider_schema

    schema = provider_schema()
    full: dict[str, object] = {a.name: None for a in schema.attributes}
    full.update({b.type_name: None for b in schema.block_types})
    full.update(values)
    return to_dynamic_value(full)


def configure_and_read(stub: rpc.ProviderStub, endpoint_url: str) -> pb.ReadDataSource.Response:
    """ConfigureProvider against ``endpoint_url`` (asserting it succeeded), then one
    ReadDataSource of the example churn model, as Terraform's plan does; the read's response."""
    from tests.support.example_ids import CHURN, COLLABORATION

    configured = stub.ConfigureProvider(pb.ConfigureProvider.Request(
        terraform_version="1.11.4", config=provider_config({"endpoint": endpoint_url})),
        timeout=30)
    assert error_summaries(configured) == []
    return stub.ReadDataSource(pb.ReadDataSource.Request(
        type_name=MODEL, config=data_source_config(
            {"trained_model_arn": CHURN, "collaboration_identifier": COLLABORATION})),
        timeout=60)
