"""Terraform plugin protocol 6 messages, for ``wire/protobuf.py``: GENERATED, do not edit.

Written by ``python -m cleanroomsml_tf.plugin.wire.codegen`` from the descriptors the ``tf``
package ships (tfplugin6 as of protocol 6.5, go-plugin's ``plugin`` package) and
``google.protobuf.Empty``; ``--check`` fails when this file is stale.

- ``MESSAGES``: message name -> fields, each ``(number, name, kind, type, label)``. Names are
  relative to the ``tfplugin6`` package (``"GetProviderSchema.Response"``, ``"Schema.Block"``),
  full for other packages (``"plugin.StdioData"``, ``"google.protobuf.Empty"``). ``kind`` is a
  proto3 scalar type, ``"enum"``, ``"message"`` or ``"map"``; ``type`` names the enum, message
  or map entry message; ``label`` is ``""``, ``"repeated"``, ``"optional"`` (proto3 optional)
  or ``"oneof:<name>"``.
- ``ENUMS``: enum name -> value name -> number (``ENUMS["Diagnostic.Severity"]["ERROR"]``).
- ``METHODS``: gRPC path -> ``(request, response, client_streaming, server_streaming)``.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[tuple[int, str, str, str, str], ...]] = {
    'DynamicValue': (
        (1, 'msgpack', 'bytes', '', ''),
        (2, 'json', 'bytes', '', ''),
    ),
    'Diagnostic': (
        (1, 'severity', 'enum', 'Diagnostic.Severity', ''),
        (2, 'summary', 'string', '', ''),
        (3, 'detail', 'string', '', ''),
        (4, 'attribute', 'message', 'AttributePath', ''),
    ),
    'FunctionError': (
        (1, 'text', 'string', '', ''),
        (2, 'function_argument', 'int64', '', 'optional'),
    ),
    'AttributePath': (
        (1, 'steps', 'message', 'AttributePath.Step', 'repeated'),
    ),
    'AttributePath.Step': (
        (1, 'attribute_name', 'string', '', 'oneof:selector'),
        (2, 'element_key_string', 'string', '', 'oneof:selector'),
        (3, 'element_key_int', 'int64', '', 'oneof:selector'),
    ),
    'StopProvider': (),
    'StopProvider.Request': (),
    'StopProvider.Response': (
        (1, 'Error', 'string', '', ''),
    ),
    'RawState': (
        (1, 'json', 'bytes', '', ''),
        (2, 'flatmap', 'map', 'RawState.FlatmapEntry', ''),
    ),
    'RawState.FlatmapEntry': (
        (1, 'key', 'string', '', ''),
        (2, 'value', 'string', '', ''),
    ),
    'Schema': (
        (1, 'version', 'int64', '', ''),
        (2, 'block', 'message', 'Schema.Block', ''),
    ),
    'Schema.Block': (
        (1, 'version', 'int64', '', ''),
        (2, 'attributes', 'message', 'Schema.Attribute', 'repeated'),
        (3, 'block_types', 'message', 'Schema.NestedBlock', 'repeated'),
        (4, 'description', 'string', '', ''),
        (5, 'description_kind', 'enum', 'StringKind', ''),
        (6, 'deprecated', 'bool', '', ''),
    ),
    'Schema.Attribute': (
        (1, 'name', 'string', '', ''),
        (2, 'type', 'bytes', '', ''),
        (10, 'nested_type', 'message', 'Schema.Object', ''),
        (3, 'description', 'string', '', ''),
        (4, 'required', 'bool', '', ''),
        (5, 'optional', 'bool', '', ''),
        (6, 'computed', 'bool', '', ''),
        (7, 'sensitive', 'bool', '', ''),
        (8, 'description_kind', 'enum', 'StringKind', ''),
        (9, 'deprecated', 'bool', '', ''),
    ),
    'Schema.NestedBlock': (
        (1, 'type_name', 'string', '', ''),
        (2, 'block', 'message', 'Schema.Block', ''),
        (3, 'nesting', 'enum', 'Schema.NestedBlock.NestingMode', ''),
        (4, 'min_items', 'int64', '', ''),
        (5, 'max_items', 'int64', '', ''),
    ),
    'Schema.Object': (
        (1, 'attributes', 'message', 'Schema.Attribute', 'repeated'),
        (3, 'nesting', 'enum', 'Schema.Object.NestingMode', ''),
        (4, 'min_items', 'int64', '', ''),
        (5, 'max_items', 'int64', '', ''),
    ),
    'Function': (
        (1, 'parameters', 'message', 'Function.Parameter', 'repeated'),
        (2, 'variadic_parameter', 'message', 'Function.Parameter', ''),
        (3, 'return', 'message', 'Function.Return', ''),
        (4, 'summary', 'string', '', ''),
        (5, 'description', 'string', '', ''),
        (6, 'description_kind', 'enum', 'StringKind', ''),
        (7, 'deprecation_message', 'string', '', ''),
    ),
    'Function.Parameter': (
        (1, 'name', 'string', '', ''),
        (2, 'type', 'bytes', '', ''),
        (3, 'allow_null_value', 'bool', '', ''),
        (4, 'allow_unknown_values', 'bool', '', ''),
        (5, 'description', 'string', '', ''),
        (6, 'description_kind', 'enum', 'StringKind', ''),
    ),
    'Function.Return': (
        (1, 'type', 'bytes', '', ''),
    ),
    'ServerCapabilities': (
        (1, 'plan_destroy', 'bool', '', ''),
        (2, 'get_provider_schema_optional', 'bool', '', ''),
        (3, 'move_resource_state', 'bool', '', ''),
    ),
    'GetMetadata': (),
    'GetMetadata.Request': (),
    'GetMetadata.Response': (
        (1, 'server_capabilities', 'message', 'ServerCapabilities', ''),
        (2, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
        (3, 'data_sources', 'message', 'GetMetadata.DataSourceMetadata', 'repeated'),
        (4, 'resources', 'message', 'GetMetadata.ResourceMetadata', 'repeated'),
        (5, 'functions', 'message', 'GetMetadata.FunctionMetadata', 'repeated'),
    ),
    'GetMetadata.FunctionMetadata': (
        (1, 'name', 'string', '', ''),
    ),
    'GetMetadata.DataSourceMetadata': (
        (1, 'type_name', 'string', '', ''),
    ),
    'GetMetadata.ResourceMetadata': (
        (1, 'type_name', 'string', '', ''),
    ),
    'GetProviderSchema': (),
    'GetProviderSchema.Request': (),
    'GetProviderSchema.Response': (
        (1, 'provider', 'message', 'Schema', ''),
        (2, 'resource_schemas', 'map', 'GetProviderSchema.Response.ResourceSchemasEntry', ''),
        (3, 'data_source_schemas', 'map', 'GetProviderSchema.Response.DataSourceSchemasEntry', ''),
        (4, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
        (5, 'provider_meta', 'message', 'Schema', ''),
        (6, 'server_capabilities', 'message', 'ServerCapabilities', ''),
        (7, 'functions', 'map', 'GetProviderSchema.Response.FunctionsEntry', ''),
    ),
    'GetProviderSchema.Response.ResourceSchemasEntry': (
        (1, 'key', 'string', '', ''),
        (2, 'value', 'message', 'Schema', ''),
    ),
    'GetProviderSchema.Response.DataSourceSchemasEntry': (
        (1, 'key', 'string', '', ''),
        (2, 'value', 'message', 'Schema', ''),
    ),
    'GetProviderSchema.Response.FunctionsEntry': (
        (1, 'key', 'string', '', ''),
        (2, 'value', 'message', 'Function', ''),
    ),
    'ValidateProviderConfig': (),
    'ValidateProviderConfig.Request': (
        (1, 'config', 'message', 'DynamicValue', ''),
    ),
    'ValidateProviderConfig.Response': (
        (2, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
    ),
    'UpgradeResourceState': (),
    'UpgradeResourceState.Request': (
        (1, 'type_name', 'string', '', ''),
        (2, 'version', 'int64', '', ''),
        (3, 'raw_state', 'message', 'RawState', ''),
    ),
    'UpgradeResourceState.Response': (
        (1, 'upgraded_state', 'message', 'DynamicValue', ''),
        (2, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
    ),
    'ValidateResourceConfig': (),
    'ValidateResourceConfig.Request': (
        (1, 'type_name', 'string', '', ''),
        (2, 'config', 'message', 'DynamicValue', ''),
    ),
    'ValidateResourceConfig.Response': (
        (1, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
    ),
    'ValidateDataResourceConfig': (),
    'ValidateDataResourceConfig.Request': (
        (1, 'type_name', 'string', '', ''),
        (2, 'config', 'message', 'DynamicValue', ''),
    ),
    'ValidateDataResourceConfig.Response': (
        (1, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
    ),
    'ConfigureProvider': (),
    'ConfigureProvider.Request': (
        (1, 'terraform_version', 'string', '', ''),
        (2, 'config', 'message', 'DynamicValue', ''),
    ),
    'ConfigureProvider.Response': (
        (1, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
    ),
    'ReadResource': (),
    'ReadResource.Request': (
        (1, 'type_name', 'string', '', ''),
        (2, 'current_state', 'message', 'DynamicValue', ''),
        (3, 'private', 'bytes', '', ''),
        (4, 'provider_meta', 'message', 'DynamicValue', ''),
    ),
    'ReadResource.Response': (
        (1, 'new_state', 'message', 'DynamicValue', ''),
        (2, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
        (3, 'private', 'bytes', '', ''),
    ),
    'PlanResourceChange': (),
    'PlanResourceChange.Request': (
        (1, 'type_name', 'string', '', ''),
        (2, 'prior_state', 'message', 'DynamicValue', ''),
        (3, 'proposed_new_state', 'message', 'DynamicValue', ''),
        (4, 'config', 'message', 'DynamicValue', ''),
        (5, 'prior_private', 'bytes', '', ''),
        (6, 'provider_meta', 'message', 'DynamicValue', ''),
    ),
    'PlanResourceChange.Response': (
        (1, 'planned_state', 'message', 'DynamicValue', ''),
        (2, 'requires_replace', 'message', 'AttributePath', 'repeated'),
        (3, 'planned_private', 'bytes', '', ''),
        (4, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
        (5, 'legacy_type_system', 'bool', '', ''),
    ),
    'ApplyResourceChange': (),
    'ApplyResourceChange.Request': (
        (1, 'type_name', 'string', '', ''),
        (2, 'prior_state', 'message', 'DynamicValue', ''),
        (3, 'planned_state', 'message', 'DynamicValue', ''),
        (4, 'config', 'message', 'DynamicValue', ''),
        (5, 'planned_private', 'bytes', '', ''),
        (6, 'provider_meta', 'message', 'DynamicValue', ''),
    ),
    'ApplyResourceChange.Response': (
        (1, 'new_state', 'message', 'DynamicValue', ''),
        (2, 'private', 'bytes', '', ''),
        (3, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
        (4, 'legacy_type_system', 'bool', '', ''),
    ),
    'ImportResourceState': (),
    'ImportResourceState.Request': (
        (1, 'type_name', 'string', '', ''),
        (2, 'id', 'string', '', ''),
    ),
    'ImportResourceState.ImportedResource': (
        (1, 'type_name', 'string', '', ''),
        (2, 'state', 'message', 'DynamicValue', ''),
        (3, 'private', 'bytes', '', ''),
    ),
    'ImportResourceState.Response': (
        (1, 'imported_resources', 'message', 'ImportResourceState.ImportedResource', 'repeated'),
        (2, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
    ),
    'MoveResourceState': (),
    'MoveResourceState.Request': (
        (1, 'source_provider_address', 'string', '', ''),
        (2, 'source_type_name', 'string', '', ''),
        (3, 'source_schema_version', 'int64', '', ''),
        (4, 'source_state', 'message', 'RawState', ''),
        (5, 'target_type_name', 'string', '', ''),
        (6, 'source_private', 'bytes', '', ''),
    ),
    'MoveResourceState.Response': (
        (1, 'target_state', 'message', 'DynamicValue', ''),
        (2, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
        (3, 'target_private', 'bytes', '', ''),
    ),
    'ReadDataSource': (),
    'ReadDataSource.Request': (
        (1, 'type_name', 'string', '', ''),
        (2, 'config', 'message', 'DynamicValue', ''),
        (3, 'provider_meta', 'message', 'DynamicValue', ''),
    ),
    'ReadDataSource.Response': (
        (1, 'state', 'message', 'DynamicValue', ''),
        (2, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
    ),
    'GetFunctions': (),
    'GetFunctions.Request': (),
    'GetFunctions.Response': (
        (1, 'functions', 'map', 'GetFunctions.Response.FunctionsEntry', ''),
        (2, 'diagnostics', 'message', 'Diagnostic', 'repeated'),
    ),
    'GetFunctions.Response.FunctionsEntry': (
        (1, 'key', 'string', '', ''),
        (2, 'value', 'message', 'Function', ''),
    ),
    'CallFunction': (),
    'CallFunction.Request': (
        (1, 'name', 'string', '', ''),
        (2, 'arguments', 'message', 'DynamicValue', 'repeated'),
    ),
    'CallFunction.Response': (
        (1, 'result', 'message', 'DynamicValue', ''),
        (2, 'error', 'message', 'FunctionError', ''),
    ),
    'plugin.Empty': (),
    'plugin.StdioData': (
        (1, 'channel', 'enum', 'plugin.StdioData.Channel', ''),
        (2, 'data', 'bytes', '', ''),
    ),
    'google.protobuf.Empty': (),
}

ENUMS: dict[str, dict[str, int]] = {
    'StringKind': {
        'PLAIN': 0,
        'MARKDOWN': 1,
    },
    'Diagnostic.Severity': {
        'INVALID': 0,
        'ERROR': 1,
        'WARNING': 2,
    },
    'Schema.NestedBlock.NestingMode': {
        'INVALID': 0,
        'SINGLE': 1,
        'LIST': 2,
        'SET': 3,
        'MAP': 4,
        'GROUP': 5,
    },
    'Schema.Object.NestingMode': {
        'INVALID': 0,
        'SINGLE': 1,
        'LIST': 2,
        'SET': 3,
        'MAP': 4,
    },
    'plugin.StdioData.Channel': {
        'INVALID': 0,
        'STDOUT': 1,
        'STDERR': 2,
    },
}

METHODS: dict[str, tuple[str, str, bool, bool]] = {
    '/tfplugin6.Provider/GetMetadata':
        ('GetMetadata.Request', 'GetMetadata.Response', False, False),
    '/tfplugin6.Provider/GetProviderSchema':
        ('GetProviderSchema.Request', 'GetProviderSchema.Response', False, False),
    '/tfplugin6.Provider/ValidateProviderConfig':
        ('ValidateProviderConfig.Request', 'ValidateProviderConfig.Response', False, False),
    '/tfplugin6.Provider/ValidateResourceConfig':
        ('ValidateResourceConfig.Request', 'ValidateResourceConfig.Response', False, False),
    '/tfplugin6.Provider/ValidateDataResourceConfig':
        ('ValidateDataResourceConfig.Request', 'ValidateDataResourceConfig.Response', False, False),
    '/tfplugin6.Provider/UpgradeResourceState':
        ('UpgradeResourceState.Request', 'UpgradeResourceState.Response', False, False),
    '/tfplugin6.Provider/ConfigureProvider':
        ('ConfigureProvider.Request', 'ConfigureProvider.Response', False, False),
    '/tfplugin6.Provider/ReadResource':
        ('ReadResource.Request', 'ReadResource.Response', False, False),
    '/tfplugin6.Provider/PlanResourceChange':
        ('PlanResourceChange.Request', 'PlanResourceChange.Response', False, False),
    '/tfplugin6.Provider/ApplyResourceChange':
        ('ApplyResourceChange.Request', 'ApplyResourceChange.Response', False, False),
    '/tfplugin6.Provider/ImportResourceState':
        ('ImportResourceState.Request', 'ImportResourceState.Response', False, False),
    '/tfplugin6.Provider/MoveResourceState':
        ('MoveResourceState.Request', 'MoveResourceState.Response', False, False),
    '/tfplugin6.Provider/ReadDataSource':
        ('ReadDataSource.Request', 'ReadDataSource.Response', False, False),
    '/tfplugin6.Provider/GetFunctions':
        ('GetFunctions.Request', 'GetFunctions.Response', False, False),
    '/tfplugin6.Provider/CallFunction':
        ('CallFunction.Request', 'CallFunction.Response', False, False),
    '/tfplugin6.Provider/StopProvider':
        ('StopProvider.Request', 'StopProvider.Response', False, False),
    '/plugin.GRPCController/Shutdown':
        ('plugin.Empty', 'plugin.Empty', False, False),
    '/plugin.GRPCStdio/StreamStdio':
        ('google.protobuf.Empty', 'plugin.StdioData', False, True),
}
