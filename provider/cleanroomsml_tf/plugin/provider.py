"""The provider: its configuration schema, client settings, and one shared resolver.

Terraform starts one plugin process per provider configuration and reads data sources
concurrently on gRPC worker threads; they all share the
:class:`~cleanroomsml_tf.aws.resolver.Resolver` built in
:meth:`CleanroomsmlProvider.configure_provider` (thread-safe, one botocore client pool).
"""

from __future__ import annotations

import contextlib
import threading

from cleanroomsml_tf import PROVIDER_HOSTNAME, PROVIDER_SOURCE

TYPE_CHECKING = False
if TYPE_CHECKING:
    # Imported when first needed instead (validation, configure, the first read): the settings
    # and the resolver with its client modules are not needed by the launch that only asks for
    # the schema, and everything imported here is paid before the handshake, in every launch
    # (benchmarks/plugin_startup.py).
    from collections.abc import Mapping
    from typing import Any

    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.plugin.data_sources.common import ProviderDataSource
    from cleanroomsml_tf.plugin.diagnostics import Diagnostics
    from cleanroomsml_tf.plugin.schema import Schema


def provider_schema() -> Schema:
    """The provider configuration schema (every argument optional), from the argument table."""
    # Imported here, not at module level: Terraform asks for the schema after the handshake,
    # and everything imported before it is start-up time (benchmarks/plugin_startup.py).
    from cleanroomsml_tf.plugin.arguments import PROVIDER_ARGUMENTS
    from cleanroomsml_tf.plugin.schema import Schema, argument_attribute, argument_block

    return Schema(
        attributes=[argument_attribute(a) for a in PROVIDER_ARGUMENTS if a.kind != "block"],
        block_types=[argument_block(a) for a in PROVIDER_ARGUMENTS if a.kind == "block"],
    )


def warm_up(resolver: Resolver) -> None:
    """Build the resolver's client in the background (importing boto3, loading the endpoint
    rules and the service model: ~100 ms), so the first read finds it ready or half-built.

    Terraform configures the provider only in the launch that reads, just before the reads, so
    this never costs a launch that does not need the client. Failures are left for the read to
    meet again and report as diagnostics (the client cache keeps nothing that failed)."""

    def build() -> None:
        with contextlib.suppress(Exception):  # the first read meets it again and reports it
            resolver.connection  # noqa: B018 - built and cached on first access

    threading.Thread(target=build, name="client-warm-up", daemon=True).start()


def resume_garbage_collection() -> None:
    """Turn the cyclic garbage collector back on (``plugin.main`` turns it off for start-up),
    after moving everything alive now (modules, the client) out of its reach for good: the reads
    that follow only pay for their own garbage. Idempotent."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class CleanroomsmlProvider:
    """The ``cleanroomsml`` provider: its schema, data sources, functions and configuration."""

    def __init__(self) -> None:
        self._resolver: Resolver | None = None
        self._lock = threading.Lock()

    # --- identity and schema ------------------------------------------------------------------
    def get_model_prefix(self) -> str:
        """Type name prefix of every data source: ``cleanroomsml_``."""
        from cleanroomsml_tf.plugin.arguments import TYPE_PREFIX

        return TYPE_PREFIX

    def full_name(self) -> str:
        """``registry.terraform.io/cleanroomsml-tf/cleanroomsml``."""
        return f"{PROVIDER_HOSTNAME}/{PROVIDER_SOURCE}"

    def get_provider_schema(self, diags: Diagnostics) -> Schema:
        """The provider configuration schema."""
        return provider_schema()

    def get_data_sources(self) -> list[type[ProviderDataSource]]:
        """Every data source, as registered in :mod:`cleanroomsml_tf.plugin.data_sources`
        (imported here so the schema modules load only when asked)."""
        from cleanroomsml_tf.plugin.data_sources import registered

        return list(registered())

    def get_functions(self) -> list[Any]:
        """The provider functions (Terraform >= 1.8 calls them)."""
        from cleanroomsml_tf.plugin.functions import functions

        return list(functions())

    def new_data_source(self, klass: type[ProviderDataSource]) -> ProviderDataSource:
        """A data source instance, handed this provider's resolver (its provider data)."""
        return klass(lambda: self.resolver)

    # --- configuration ------------------------------------------------------------------------
    def validate_config(self, diags: Diagnostics, config: Mapping[str, Any] | None) -> None:
        """Check the known settings (``terraform validate``); unknown ones wait for configure."""
        from cleanroomsml_tf.plugin.config import settings_from_config
        from cleanroomsml_tf.plugin.diagnostics import add_exception

        try:
            settings_from_config(config).check()
        except Exception as error:  # noqa: BLE001 - every failure becomes a diagnostic
            add_exception(diags, error, "validating the provider configuration")

    def configure_provider(self, diags: Diagnostics, config: Mapping[str, Any] | None) -> None:
        """Build the one resolver every data source read of this process shares."""
        try:
            self._configure(diags, config)
        finally:
            resume_garbage_collection()

    def _configure(self, diags: Diagnostics, config: Mapping[str, Any] | None) -> None:
        from cleanroomsml_tf.aws.settings import insecure_warning
        from cleanroomsml_tf.model.errors import ConfigurationError
        from cleanroomsml_tf.plugin.config import has_unknown, settings_from_config
        from cleanroomsml_tf.plugin.diagnostics import add_exception

        try:
            settings = settings_from_config(config).check()
        except Exception as error:  # noqa: BLE001 - ours keep their summary; others, internal
            add_exception(diags, error, "configuring the provider")
            return
        if not settings.verify_tls:
            diags.add_warning("TLS certificate verification is off",
                              insecure_warning(settings.endpoint_url))
        from cleanroomsml_tf.plugin.logs import configure_libraries

        configure_libraries()  # before botocore, which logs, is imported
        from cleanroomsml_tf.aws.resolver import Resolver

        resolver = Resolver(settings)
        if has_unknown(config):
            warm_up(resolver)  # a value known only at apply: the reads report what fails
        else:
            try:
                # Where requests go, the profile and the credentials, checked once, now: one
                # diagnostic rather than one per data source read, and no request sent. (The
                # reads need this client next anyway, so building it here costs no more.)
                _ = resolver.connection
            except ConfigurationError as error:
                add_exception(diags, error, "configuring the provider")
                return
            except Exception:  # noqa: BLE001, S110 - the reads meet it again and report it
                pass
        with self._lock:
            self._resolver = resolver

    @property
    def resolver(self) -> Resolver:
        """The shared resolver; an unconfigured provider uses the AWS defaults."""
        from cleanroomsml_tf.plugin.logs import configure_libraries

        configure_libraries()  # before botocore, which logs, is imported
        from cleanroomsml_tf.aws.resolver import Resolver
        from cleanroomsml_tf.aws.settings import ClientSettings

        with self._lock:
            if self._resolver is None:
                self._resolver = Resolver(ClientSettings())
            return self._resolver
