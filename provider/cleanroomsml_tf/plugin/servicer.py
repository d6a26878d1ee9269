"""The ``tfplugin6.Provider`` gRPC service: our own thin layer over the generated messages.

Why not ``tf.provider.ProviderServicer`` (PyPI ``tf`` 1.2.0): it decodes values with an ext hook
that knows only the plain unknown (msgpack extension 0), so a refined unknown (extension 12,
Terraform >= 1.6) reached our validation as a raw ``ExtType``; its ``GetMetadata`` lists no data
sources or functions; and its handlers re-raise, which Terraform shows as "Exception calling
application". Serving this read-only provider takes ten RPCs, each a few lines here, over the
message classes ``tf`` ships (``tf.gen.tfplugin_pb2``, generated from Terraform's tfplugin6.5
proto). Measurements and the decision: docs/architecture.md ("Plugin protocol layer").

Every handler turns any exception into an error diagnostic (or a function error) and logs the
traceback to stderr, Terraform's log. Resource RPCs are not served (no resources): gRPC answers
them UNIMPLEMENTED, which Terraform never asks for a provider whose schema has no resources.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc
from tf.utils import Diagnostics

from cleanroomsml_tf.plugin import values

log = logging.getLogger("cleanroomsml_tf.plugin.servicer")

INTERNAL_ERROR = "Internal error in the cleanroomsml provider"


@dataclass
class ReadContext:
    """What a data source read gets besides its configuration (``tf.iface.ReadDataContext``'s
    two fields)."""

    diagnostics: Diagnostics
    type_name: str


def _error_response(method: str, summary: str, detail: str) -> Any:
    """An empty response of ``method`` that carries one error diagnostic (or function error)."""
    response_type = getattr(pb, method).Response
    fields = response_type.DESCRIPTOR.fields_by_name
    if "diagnostics" in fields:
        diagnostic = pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)
        return response_type(diagnostics=[diagnostic])
    if "error" in fields:
        return response_type(error=pb.FunctionError(text=f"{summary}: {detail}"))
    if "Error" in fields:  # StopProvider
        return response_type(Error=f"{summary}: {detail}")
    return response_type()


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Any exception in an RPC handler -> an error diagnostic in its response, never gRPC's."""
    name = method.__name__

    @functools.wraps(method)
    def guarded(self: Any, request: Any, context: Any) -> Any:
        try:
            return method(self, request, context)
        except Exception as error:  # noqa: BLE001 - a diagnostic, never a gRPC exception
            log.error("unexpected error in %s", name, exc_info=error)
            return _error_response(
                name, INTERNAL_ERROR, f"unexpected {type(error).__name__} in {name}: {error}"
            )

    return guarded


def _empty_schema() -> Any:
    return pb.Schema(block=pb.Schema.Block())


class ProviderServicer(rpc.ProviderServicer):
    """Serves one :class:`~cleanroomsml_tf.plugin.provider.CleanroomsmlProvider`."""

    def __init__(self, provider: Any) -> None:
        self.provider = provider
        self._schema_response: Any = None

    # Built on first use, not in __init__: the servicer exists before the handshake, and the
    # data source and function modules need not load until Terraform asks about them.
    @functools.cached_property
    def _data_sources(self) -> dict[str, Any]:
        prefix = self.provider.get_model_prefix()
        return {prefix + ds.get_name(): ds for ds in self.provider.get_data_sources()}

    @functools.cached_property
    def _functions(self) -> dict[str, Any]:
        return {f.NAME: f for f in self.provider.get_functions()}

    # --- metadata and schema -------------------------------------------------------------------
    def _capabilities(self) -> Any:
        return pb.ServerCapabilities(plan_destroy=True, get_provider_schema_optional=True)

    @_guarded
    def GetMetadata(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC name
        """The data sources and functions of the schema, by name (no schemas: cheap)."""
        return pb.GetMetadata.Response(
            server_capabilities=self._capabilities(),
            data_sources=[pb.GetMetadata.DataSourceMetadata(type_name=name)
                          for name in self._data_sources],
            functions=[pb.GetMetadata.FunctionMetadata(name=name) for name in self._functions],
        )

    @_guarded
    def GetProviderSchema(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Provider, data source and function schemas (built once per process)."""
        if self._schema_response is None:
            diags = Diagnostics()
            self._schema_response = pb.GetProviderSchema.Response(
                provider=self.provider.get_provider_schema(diags).to_pb(),
                provider_meta=_empty_schema(),
                data_source_schemas={
                    name: ds.get_schema().to_pb() for name, ds in self._data_sources.items()
                },
                functions={name: f.signature() for name, f in self._functions.items()},
                server_capabilities=self._capabilities(),
                diagnostics=diags.to_pb(),
            )
        return self._schema_response

    @_guarded
    def GetFunctions(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Function signatures (Terraform >= 1.8 asks when it skipped GetProviderSchema)."""
        return pb.GetFunctions.Response(
            functions={name: f.signature() for name, f in self._functions.items()}
        )

    # --- provider configuration ----------------------------------------------------------------
    @_guarded
    def ValidateProviderConfig(self, request: Any, context: Any) -> Any:  # noqa: N802
        diags = Diagnostics()
        self.provider.validate_config(diags, values.decode(request.config).value)
        return pb.ValidateProviderConfig.Response(diagnostics=diags.to_pb())

    @_guarded
    def ConfigureProvider(self, request: Any, context: Any) -> Any:  # noqa: N802
        diags = Diagnostics()
        self.provider.configure_provider(diags, values.decode(request.config).value)
        return pb.ConfigureProvider.Response(diagnostics=diags.to_pb())

    @_guarded
    def StopProvider(self, request: Any, context: Any) -> Any:  # noqa: N802
        return pb.StopProvider.Response()

    # --- data sources --------------------------------------------------------------------------
    def _data_source(self, type_name: str, diags: Diagnostics) -> Any:
        klass = self._data_sources.get(type_name)
        if klass is None:
            diags.add_error("Unknown data source",
                            f"this provider has no data source {type_name!r}")
            return None
        return self.provider.new_data_source(klass)

    @_guarded
    def ValidateDataResourceConfig(self, request: Any, context: Any) -> Any:  # noqa: N802
        diags = Diagnostics()
        data_source = self._data_source(request.type_name, diags)
        if data_source is not None:
            decoded = values.decode(request.config)
            if decoded.refinements:
                log.debug("validating %s: refined unknowns %s", request.type_name,
                          decoded.refinements)
            data_source.validate(diags, request.type_name, decoded.value or {},
                                 refinements=decoded.refinements)
        return pb.ValidateDataResourceConfig.Response(diagnostics=diags.to_pb())

    @_guarded
    def ReadDataSource(self, request: Any, context: Any) -> Any:  # noqa: N802
        diags = Diagnostics()
        data_source = self._data_source(request.type_name, diags)
        state = None
        if data_source is not None:
            config = values.decode(request.config).value or {}
            state = data_source.read(ReadContext(diags, request.type_name), config)
        return pb.ReadDataSource.Response(
            state=pb.DynamicValue(msgpack=values.encode_msgpack(state)) if state is not None
            else pb.DynamicValue(),
            diagnostics=diags.to_pb(),
        )

    # --- functions -----------------------------------------------------------------------------
    @_guarded
    def CallFunction(self, request: Any, context: Any) -> Any:  # noqa: N802
        function = self._functions.get(request.name)
        if function is None:
            return pb.CallFunction.Response(
                error=pb.FunctionError(text=f"this provider has no function {request.name!r}"))
        arguments = [values.decode(a).value for a in request.arguments]
        outcome = function.call(arguments)
        if outcome.error is not None:
            error = pb.FunctionError(text=outcome.error)
            if outcome.argument is not None:
                error.function_argument = outcome.argument
            return pb.CallFunction.Response(error=error)
        return pb.CallFunction.Response(
            result=pb.DynamicValue(msgpack=values.encode_msgpack(outcome.result)))
