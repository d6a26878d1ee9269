"""The provider's servicer driven through its gRPC view with the real protobuf runtime.

Requests are built with the tfplugin6 classes the PyPI ``tf`` package generated from Terraform's
proto (a test dependency, independent of our codec), serialized, handed to the servicer's
``bytes -> bytes`` handler (our decode, handler, our encode) and the answer parsed back by
protobuf: every test through this adapter also checks our wire codec against protobuf's.
"""

from __future__ import annotations

from typing import Any

from tf.gen import tfplugin_pb2 as pb

from cleanroomsml_tf.plugin import values
from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider
from cleanroomsml_tf.plugin.servicer import ProviderServicer


class PbServicer:
    """``servicer.ReadDataSource(pb_request[, context]) -> pb_response`` for every served RPC;
    other attributes are the wrapped :class:`ProviderServicer`'s."""

    def __init__(self, servicer: ProviderServicer) -> None:
        self.servicer = servicer

    def __getattr__(self, name: str) -> Any:
        if name not in ProviderServicer.METHODS:
            return getattr(self.servicer, name)

        def call(request: Any, context: Any = None) -> Any:
            data = self.servicer.call(name, request.SerializeToString())
            return getattr(pb, name).Response.FromString(data)

        return call


def pb_servicer(provider: Any = None) -> Any:
    """A fresh provider's servicer (or ``provider``'s), through protobuf."""
    return PbServicer(ProviderServicer(provider or CleanroomsmlProvider()))


def to_dynamic_value(value: Any) -> pb.DynamicValue:
    """``value`` as Terraform sends it: msgpack, :data:`Unknown` as extension 0."""
    return pb.DynamicValue(msgpack=values.encode_msgpack(value))


def read_dynamic_value(dynamic_value: pb.DynamicValue) -> Any:
    """A DynamicValue the provider returned, decoded (unknowns as :data:`Unknown`)."""
    return values.decode({"msgpack": dynamic_value.msgpack, "json": dynamic_value.json}).value
