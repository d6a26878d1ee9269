"""The Terraform provider plugin (protocol 6 over go-plugin/gRPC, built on the ``tf`` framework).

One module per concern: ``main`` (entry), ``server`` (handshake, gRPC, TLS), ``provider``
(the provider), ``config`` (provider configuration -> client settings), ``arguments`` (the
argument table of the provider and the data sources), ``types`` (object type), ``schema``
(generated from the record and argument tables), ``data_sources/`` (one module per data source,
``common`` for what they share), ``diagnostics``, ``logs``, ``install`` (local mirror layout),
``tls``, ``docs``.
Importing this package is free: start-up time matters (see ``benchmarks/plugin_startup.py``).
"""
