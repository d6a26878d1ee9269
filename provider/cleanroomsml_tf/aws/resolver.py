"""Resolve trained models: validate, call Clean Rooms ML, normalize, translate errors.

This is the one way every front end (CLI, Terraform plugin, CDKTF synth-time mode, drift)
resolves a model::

    resolver = Resolver(ClientSettings(endpoint_url="http://127.0.0.1:8790"))
    record = resolver.get_trained_model(ModelRef(arn, collaboration))

A :class:`Resolver` is cheap and thread-safe; the botocore client behind it is shared per
settings (see :mod:`cleanroomsml_tf.aws.connection`). Every raw response is checked before
botocore parses it (:mod:`cleanroomsml_tf.aws.responses`): a malformed one fails with
:class:`~cleanroomsml_tf.model.errors.MalformedResponseError`, never with a guessed value.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from cleanroomsml_tf.aws.connection import Connection, connect
from cleanroomsml_tf.aws.endpoints import arn_region
from cleanroomsml_tf.aws.errors import translate_error
from cleanroomsml_tf.aws.settings import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, ClientSettings
from cleanroomsml_tf.model import record as record_table
from cleanroomsml_tf.model.errors import (
    AmbiguousModelNameError,
    ConfigurationError,
    MalformedDataError,
    ModelContext,
    ModelNameNotFoundError,
    shown,
)
from cleanroomsml_tf.model.identifiers import ModelRef, validate_field, validate_name

_log = logging.getLogger("cleanroomsml_tf.aws.resolver")
T = TypeVar("T")
R = TypeVar("R")


class Resolver:
    """Resolves trained models with one shared client."""

    def __init__(self, settings: ClientSettings | None = None) -> None:
        self.settings = settings or ClientSettings()
        self._connection: Connection | None = None
        self._regional: dict[str, Connection] = {}

    def connection_for(self, ref: ModelRef) -> Connection:
        """The connection a lookup of ``ref`` goes through: the configured one, unless no
        endpoint URL was chosen and the ARN names another region — then that region's (a
        model lives in the region its ARN names; the configured region would answer
        "not found"). One shared connection per region (:func:`connect` caches them), so a
        drift check over models of several regions uses one client per region."""
        base = self.connection
        region = arn_region(ref.trained_model_arn)
        if base.endpoint_chosen or region is None or region == base.region:
            return base
        connection = self._regional.get(region)
        if connection is None:
            _log.debug("trained model %s lives in %s (its ARN): its requests go there, not to "
                       "the configured region %s", ref.trained_model_arn, region, base.region)
            connection = connect(dataclasses.replace(self.settings, region=region))
            self._regional[region] = connection
        return connection

    @property
    def connection(self) -> Connection:
        """The shared connection (built on first use, so constructing a Resolver is free)."""
        if self._connection is None:
            self._connection = connect(self.settings)
        return self._connection

    def get_trained_model(self, ref: ModelRef) -> dict[str, Any]:
        """The normalized record of ``ref`` (latest version when it names none)."""
        ref.validate()
        params: dict[str, Any] = {
            "trainedModelArn": ref.trained_model_arn,
            "collaborationIdentifier": ref.collaboration_identifier,
        }
        if ref.version_identifier:
            params["versionIdentifier"] = ref.version_identifier
        context = ModelContext(
            ref.collaboration_identifier, ref.trained_model_arn, ref.version_identifier
        )
        connection = self.connection_for(ref)
        client = connection.client
        return self._call(context, lambda: _normalized(
            client.get_collaboration_trained_model(**params), record_table.normalize),
            connection)

    def list_trained_models(self, collaboration_identifier: str) -> list[dict[str, Any]]:
        """Normalized summaries of every trained model of a collaboration (all pages)."""
        validate_field("collaboration_identifier", collaboration_identifier)
        context = ModelContext(collaboration_identifier)
        client = self.connection.client

        def fetch_all() -> list[dict[str, Any]]:
            # Pages are fetched here, not by botocore's paginator: a token seen before (the
            # same one again, or a cycle) means the listing would never end, and is refused
            # by name before the next request.
            summaries: list[dict[str, Any]] = []
            tokens: set[str] = set()
            params: dict[str, Any] = {"collaborationIdentifier": collaboration_identifier}
            while True:
                page = client.list_collaboration_trained_models(**params)
                items, token = _normalized(page, record_table.normalize_page)
                summaries.extend(items)
                if not token:  # absent, null or empty: the last page (as botocore's paginator)
                    return summaries
                if token in tokens:
                    raise MalformedDataError(
                        f"nextToken {shown(token)} came back on page {len(tokens) + 1}: the "
                        "listing would never end", request_id=_request_id(page))
                tokens.add(token)
                params["nextToken"] = token

        return self._call(context, fetch_all)

    def get_many(
        self,
        refs: Sequence[ModelRef],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[dict[str, Any] | Exception]:
        """The records of ``refs``, looked up concurrently through the one shared client (at
        most ``concurrency`` at once): in ``refs`` order, each the normalized record or the
        exception its lookup raised (never raised here, so one failure hides no other).

        ``progress(done, total)`` is called after each lookup ends, in completion order.
        """
        from concurrent.futures import ThreadPoolExecutor, as_completed

        def one(ref: ModelRef) -> dict[str, Any] | Exception:
            try:
                return self.get_trained_model(ref)
            except Exception as error:  # noqa: BLE001 - a result like any other
                return error

        if not refs:
            return []
        # Build the shared client and load the service model once, before the workers start,
        # instead of every worker racing for them. A configuration that cannot work (no region,
        # a missing profile, no credentials) is raised here, once; any other failure comes
        # back per ref, with its context, from get_trained_model.
        try:
            _ = self.connection
        except ConfigurationError:
            raise
        except Exception:  # noqa: BLE001, S110
            pass
        with contextlib.suppress(Exception):
            refs[0].validate()
        outcomes: list[dict[str, Any] | Exception] = [RuntimeError("not looked up")] * len(refs)
        pool = ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(refs))))
        try:
            futures = {pool.submit(one, ref): index for index, ref in enumerate(refs)}
            for done, future in enumerate(as_completed(futures), start=1):
                outcomes[futures[future]] = future.result()
                if progress is not None:
                    progress(done, len(refs))
        except BaseException:
            # Ctrl-C (KeyboardInterrupt) or a failing progress callback: the lookups not yet
            # started are cancelled, not run (64 queued 1 s lookups used to hold drift's exit
            # for 14 s); those in flight end within their own deadline.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        return outcomes

    def trained_model_arn_by_name(self, collaboration_identifier: str, name: str) -> str:
        """The ARN of the one trained model of the collaboration named ``name`` (exact,
        case-sensitive), found through ListCollaborationTrainedModels (every page).

        :class:`ModelNameNotFoundError` when none has that name, naming the collaboration;
        :class:`AmbiguousModelNameError` listing their ARNs when several have it (names are not
        unique in Clean Rooms ML). Versions of one model count once.
        """
        validate_field("collaboration_identifier", collaboration_identifier)
        validate_name(name)
        summaries = self.list_trained_models(collaboration_identifier)
        arns = list(dict.fromkeys(
            s["trained_model_arn"] for s in summaries if s.get("name") == name))
        if not arns:
            raise ModelNameNotFoundError(
                collaboration_identifier, name, sorted({str(s.get("name")) for s in summaries}),
                endpoint=self.connection.endpoint)
        if len(arns) > 1:
            raise AmbiguousModelNameError(collaboration_identifier, name, arns)
        return str(arns[0])

    def _call(self, context: ModelContext, call: Callable[[], T],
              connection: Connection | None = None) -> T:
        connection = connection or self.connection
        connection.deadline.set(self.settings.deadline or DEFAULT_TIMEOUT)
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - translated, never leaked as a traceback
            raise translate_error(error, context, connection.endpoint) from None
        finally:
            connection.deadline.set(None)


def _normalized(response: Any, normalize: Callable[[Any], R]) -> R:
    """``normalize(response)``; a malformed one's error gets the response's request id."""
    try:
        return normalize(response)
    except MalformedDataError as error:
        error.request_id = error.request_id or _request_id(response)
        raise


def _request_id(response: Any) -> str | None:
    meta = response.get("ResponseMetadata") if isinstance(response, Mapping) else None
    return (meta.get("RequestId") or None) if isinstance(meta, Mapping) else None
