"""The ``tfplugin6.Provider`` gRPC service: one handler per RPC, over plain message dicts.

Each handler takes the request message and returns the response message as dicts (the
conventions of :mod:`cleanroomsml_tf.plugin.wire.protobuf`); :meth:`ProviderServicer.handlers`
wraps them as ``bytes -> bytes`` callables by gRPC method path for the server
(:mod:`cleanroomsml_tf.plugin.wire.grpc`), decoding and encoding with the generated tfplugin6
message table. Why our own layer rather than a framework's (first the PyPI ``tf`` servicer,
then also grpcio and protobuf themselves): docs/architecture.md ("Plugin protocol layer").

Every handler turns any exception into an error diagnostic (or a function error) and logs the
traceback to stderr, Terraform's log. Resource RPCs are not served (no resources): the server
answers them UNIMPLEMENTED, which Terraform never asks for a provider whose schema has no
resources (and treats as "none" for the optional ones such as GetResourceIdentitySchemas).
"""

from __future__ import annotations

import functools

from cleanroomsml_tf.plugin.logs import get_logger

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and the diagnostics (dataclasses) are not needed to serve the schema
    from collections.abc import Callable
    from typing import Any

    from cleanroomsml_tf.plugin.diagnostics import Diagnostics

    Message = dict[str, Any]

# ``values`` (msgpack) and the data source modules are imported by the handlers that need them,
# not here: the servicer is built before the handshake, and a schema-only launch never decodes a
# value.

log = get_logger("cleanroomsml_tf.plugin.servicer")

INTERNAL_ERROR = "Internal error in the cleanroomsml provider"
SERVICE = "tfplugin6.Provider"



def _diagnostics() -> Diagnostics:
    """A new, empty :class:`~cleanroomsml_tf.plugin.diagnostics.Diagnostics`."""
    from cleanroomsml_tf.plugin.diagnostics import Diagnostics

    return Diagnostics()


def error_response(method: str, summary: str, detail: str) -> Message:
    """An otherwise empty response of ``method`` that carries one error: a diagnostic, a
    function error, or StopProvider's error text (whichever field the response message has,
    from the generated tfplugin6 table)."""
    from cleanroomsml_tf.model.record import replace_lone_surrogates
    from cleanroomsml_tf.plugin.wire.tfplugin6 import MESSAGES, METHODS

    response_type = METHODS[f"/{SERVICE}/{method}"][1]
    fields = {field[1] for field in MESSAGES[response_type]}
    text = replace_lone_surrogates(f"{summary}: {detail}")
    if "diagnostics" in fields:
        return {"diagnostics": _diagnostics().add_error(summary, detail).to_messages()}
    if "error" in fields:  # CallFunction
        return {"error": {"text": text}}
    if "Error" in fields:  # StopProvider
        return {"Error": text}
    return {}


def _guarded(method: Callable[..., Message]) -> Callable[..., Message]:
    """Any exception in an RPC handler -> an error in its response, never a gRPC error."""
    name = method.__name__

    @functools.wraps(method)
    def guarded(self: Any, request: Message) -> Message:
        try:
            return method(self, request)
        except Exception as error:  # noqa: BLE001 - a diagnostic, never a gRPC exception
            log.error("unexpected error in %s", name, exc_info=error)
            return error_response(
                name, INTERNAL_ERROR, f"unexpected {type(error).__name__} in {name}: {error}"
            )

    return guarded


_EMPTY_SCHEMA: Message = {"block": {}}
_CAPABILITIES: Message = {"plan_destroy": True, "get_provider_schema_optional": True}


class ProviderServicer:
    """Serves one :class:`~cleanroomsml_tf.plugin.provider.CleanroomsmlProvider`."""

    METHODS = ("GetMetadata", "GetProviderSchema", "GetFunctions", "ValidateProviderConfig",
               "ConfigureProvider", "StopProvider", "ValidateDataResourceConfig",
               "ReadDataSource", "CallFunction")
    """The RPCs served; every other tfplugin6 method is answered UNIMPLEMENTED."""

    def __init__(self, provider: Any) -> None:
        self.provider = provider

    # Built on first use, not in __init__: the servicer exists before the handshake, and the
    # data source and function modules need not load until Terraform asks about them.
    @functools.cached_property
    def _data_sources(self) -> dict[str, Any]:
        prefix = self.provider.get_model_prefix()
        return {prefix + ds.get_name(): ds for ds in self.provider.get_data_sources()}

    @functools.cached_property
    def _functions(self) -> dict[str, Any]:
        return {f.NAME: f for f in self.provider.get_functions()}

    # --- the gRPC view -------------------------------------------------------------------------
    def handlers(self) -> dict[str, Callable[[bytes], bytes]]:
        """``bytes -> bytes`` handlers by gRPC method path, for the server."""
        return {f"/{SERVICE}/{name}": functools.partial(self.call, name)
                for name in self.METHODS}

    def call(self, method: str, request: bytes) -> bytes:
        """Decode ``request``, run the handler of ``method``, encode its response."""
        if method == "GetProviderSchema":
            # Generated from GetProviderSchema below (schema_codegen.py); no request field
            # changes it.
            from cleanroomsml_tf.plugin.schema_response import RESPONSE

            return RESPONSE
        from cleanroomsml_tf.plugin.wire import protobuf
        from cleanroomsml_tf.plugin.wire.tfplugin6 import METHODS

        request_type, response_type = METHODS[f"/{SERVICE}/{method}"][:2]
        try:
            message = protobuf.decode(request_type, request)
        except ValueError as error:
            log.error("malformed %s request", method, exc_info=error)
            response = error_response(method, INTERNAL_ERROR,
                                      f"malformed {method} request: {error}")
        else:
            response = getattr(self, method)(message)
        try:
            return protobuf.encode(response_type, response)
        except ValueError as error:  # a value the wire cannot carry: still an answer, not a
            log.error("cannot encode the %s response", method, exc_info=error)  # gRPC error
            return protobuf.encode(response_type, error_response(
                method, INTERNAL_ERROR, f"cannot encode the {method} response: {error}"))

    def build_schema_response(self) -> bytes:
        """The encoded GetProviderSchema response, built from the tables (what
        ``schema_response.py`` holds)."""
        from cleanroomsml_tf.plugin.wire import protobuf

        response = self.GetProviderSchema({})
        if response.get("diagnostics"):
            raise RuntimeError(f"the schema has diagnostics: {response['diagnostics']}")
        return protobuf.encode("GetProviderSchema.Response", response)

    # --- metadata and schema -------------------------------------------------------------------
    @_guarded
    def GetMetadata(self, request: Message) -> Message:  # noqa: N802 - gRPC name
        """The data sources and functions of the schema, by name (no schemas: cheap)."""
        return {
            "server_capabilities": _CAPABILITIES,
            "data_sources": [{"type_name": name} for name in self._data_sources],
            "functions": [{"name": name} for name in self._functions],
        }

    @_guarded
    def GetProviderSchema(self, request: Message) -> Message:  # noqa: N802
        """Provider, data source and function schemas."""
        diags = _diagnostics()
        return {
            "provider": self.provider.get_provider_schema(diags).to_message(),
            "provider_meta": _EMPTY_SCHEMA,
            "data_source_schemas": {
                name: ds.get_schema().to_message() for name, ds in self._data_sources.items()
            },
            "functions": {name: f.signature() for name, f in self._functions.items()},
            "server_capabilities": _CAPABILITIES,
            "diagnostics": diags.to_messages(),
        }

    @_guarded
    def GetFunctions(self, request: Message) -> Message:  # noqa: N802
        """Function signatures (Terraform >= 1.8 asks when it skipped GetProviderSchema)."""
        return {"functions": {name: f.signature() for name, f in self._functions.items()}}

    # --- provider configuration ----------------------------------------------------------------
    @_guarded
    def ValidateProviderConfig(self, request: Message) -> Message:  # noqa: N802
        from cleanroomsml_tf.plugin import values

        diags = _diagnostics()
        self.provider.validate_config(diags, values.decode(request.get("config")).value)
        return {"diagnostics": diags.to_messages()}

    @_guarded
    def ConfigureProvider(self, request: Message) -> Message:  # noqa: N802
        from cleanroomsml_tf.plugin import values

        diags = _diagnostics()
        self.provider.configure_provider(diags, values.decode(request.get("config")).value)
        return {"diagnostics": diags.to_messages()}

    @_guarded
    def StopProvider(self, request: Message) -> Message:  # noqa: N802
        return {}

    # --- data sources --------------------------------------------------------------------------
    def _data_source(self, type_name: str, diags: Diagnostics) -> Any:
        klass = self._data_sources.get(type_name)
        if klass is None:
            diags.add_error("Unknown data source",
                            f"this provider has no data source {type_name!r}")
            return None
        return self.provider.new_data_source(klass)

    @_guarded
    def ValidateDataResourceConfig(self, request: Message) -> Message:  # noqa: N802
        from cleanroomsml_tf.plugin import values

        diags = _diagnostics()
        type_name = request.get("type_name", "")
        data_source = self._data_source(type_name, diags)
        if data_source is not None:
            decoded = values.decode(request.get("config"))
            if decoded.refinements:
                log.debug("validating %s: refined unknowns %s", type_name, decoded.refinements)
            data_source.validate(diags, type_name, decoded.value or {},
                                 refinements=decoded.refinements)
        return {"diagnostics": diags.to_messages()}

    @_guarded
    def ReadDataSource(self, request: Message) -> Message:  # noqa: N802
        from cleanroomsml_tf.plugin import values
        from cleanroomsml_tf.plugin.data_sources.common import ReadContext

        diags = _diagnostics()
        type_name = request.get("type_name", "")
        data_source = self._data_source(type_name, diags)
        state = None
        if data_source is not None:
            config = values.decode(request.get("config")).value or {}
            state = data_source.read(ReadContext(diags, type_name), config)
        response: Message = {"diagnostics": diags.to_messages()}
        response["state"] = values.dynamic_value(state) if state is not None else {}
        return response

    # --- functions -----------------------------------------------------------------------------
    @_guarded
    def CallFunction(self, request: Message) -> Message:  # noqa: N802
        from cleanroomsml_tf.plugin import values

        name = request.get("name", "")
        function = self._functions.get(name)
        if function is None:
            return {"error": {"text": f"this provider has no function {name!r}"}}
        arguments = [values.decode(a).value for a in request.get("arguments", [])]
        outcome = function.call(arguments)
        if outcome.error is not None:
            error: Message = {"text": outcome.error}
            if outcome.argument is not None:
                error["function_argument"] = outcome.argument
            return {"error": error}
        return {"result": values.dynamic_value(outcome.result)}
