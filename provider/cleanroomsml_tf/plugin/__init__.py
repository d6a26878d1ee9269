"""The Terraform provider plugin (protocol 6 over go-plugin/gRPC, built on the ``tf`` framework).

One module per concern: ``main`` (entry), ``server`` (handshake, gRPC, TLS), ``provider``
(configuration), ``types`` (object type), ``schema`` (generated from the record and argument
tables), ``data_source`` (what both data sources share), one module per data source,
``diagnostics``, ``logs``, ``install`` (local mirror layout), ``tls``, ``docs``.
Importing this package is free: start-up time matters (see ``benchmarks/plugin_startup.py``).
"""
