"""``TrainedModelLookup``: one trained model as a construct, every attribute a property.

Two ways to resolve, one entry point each:

* ``TrainedModelLookup(scope, id, ...)`` (plan mode, ``resolve="plan"``): a
  ``cleanroomsml_collaboration_trained_model`` data source; properties are tokens Terraform
  fills in at plan time, and ``allowed_statuses`` fails the plan on a model that is not ready.
* ``TrainedModelLookup.from_lock_file(scope, id, ...)`` (synth mode, also
  ``resolve="synth"``): the record comes from the lock file (``cleanroomsml.lock.json``, through
  :func:`cleanroomsml_tf.lockfile.synth.resolve_for_synth`) while ``cdktf synth`` runs; properties
  are plain values, the synthesized JSON has no data source and needs no provider. The status
  gate then runs at synth time.

Properties are generated from the attribute table: one per attribute (``resource_config``,
``status_details``...) plus one per nested scalar, flat (``instance_type``,
``volume_size_in_gb``, ``max_runtime_in_seconds``...). Number properties are
:class:`~cleanroomsml_tf.cdk.tokens.NumberToken` in plan mode, so ``f"{lookup.volume_size_in_gb}"``
synthesizes to the ``${...}`` reference.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from cleanroomsml_tf.aws.settings import ClientSettings, insecure_warning
from cleanroomsml_tf.cdk.compat import cdktf_module, constructs_module
from cleanroomsml_tf.cdk.data_sources import DataCleanroomsmlCollaborationTrainedModel
from cleanroomsml_tf.cdk.generated import FLAT_NAMES, TrainedModelAttributes
from cleanroomsml_tf.cdk.literal import literal_value
from cleanroomsml_tf.cdk.provider import CleanroomsmlProvider
from cleanroomsml_tf.cdk.tokens import NumberToken, as_string
from cleanroomsml_tf.model import record as table
from cleanroomsml_tf.model.errors import CleanroomsmlTfError, ModelContext
from cleanroomsml_tf.model.identifiers import ModelRef
from cleanroomsml_tf.model.service_model import TRAINED_MODEL_STATUS, enum_values
from cleanroomsml_tf.plugin.config import settings_from_provider_config

_cdktf = cdktf_module()
_constructs = constructs_module()

if TYPE_CHECKING:
    from constructs import Construct as _Construct
else:
    _Construct = _constructs.Construct

Resolve = Literal["plan", "synth"]

OUTPUT_ATTRIBUTES: tuple[str, ...] = (
    "instance_type", "volume_size_in_gb", "training_container_image_digest", "status",
    "version_identifier",
)
"""Flat properties exported as ``<id>_<name>`` Terraform outputs when ``outputs=True``."""

DEFAULT_PROVIDER_ID = "cleanroomsml-default-provider"
"""Construct id of the provider a plan-mode lookup adds when its stack has none."""


class LookupConfigurationError(CleanroomsmlTfError):
    """A TrainedModelLookup was configured in a way that cannot work."""

    summary = "Invalid TrainedModelLookup"


class RecordView(Mapping[str, Any]):
    """A read-only nested object of a synth-time record: ``view.instance_type`` or ``view[...]``."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = MappingProxyType(dict(data))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"RecordView({dict(self._data)!r})"


def _plain(attribute: table.Attribute, value: Any) -> Any:
    """A synth-time value in the shape plan mode gives (objects and list items as views).

    Every string is Terraform literal text (:func:`~cleanroomsml_tf.cdk.literal.terraform_literal`):
    service text never runs as a ``${...}``/``%{...}`` template; ``record`` keeps the raw text.
    """
    if value is None:
        return None
    if attribute.kind == "object":
        return RecordView(literal_value(value))
    if attribute.kind == "list":
        return tuple(RecordView(literal_value(item)) for item in value)
    return literal_value(value)


_TOKEN_MARKER = "TfToken["
"""In every encoded cdktf string token (``${TfToken[TOKEN.7]}``); a string without it is a
plain value, whatever ``${...}`` it holds."""

_SYNTH_CACHE_ATTRIBUTE = "_cleanroomsml_synth_records"
"""Synth-time records are remembered on the stack, not in a module global: one stack resolves
a model once, a new stack (another app, a test, a second synth) reads the lock file again."""


_DEFAULT_PROVIDER_ATTRIBUTE = "_cleanroomsml_default_provider"


def _is_token(value: Any, *, list_item: bool = False) -> bool:
    """Whether ``value`` is an unresolved cdktf token (only strings with the marker can be).
    ``list_item``: an item of a list, where a list variable's whole value is encoded as one
    ``#{TfToken[...]}`` item that cdktf recognizes only inside its list."""
    if not (isinstance(value, str) and _TOKEN_MARKER in value):
        return False
    token = _cdktf.Token
    return bool(token.is_unresolved(value) or (list_item and token.is_unresolved([value])))


def _allow_list(value: Any, id: str) -> tuple[str, ...] | None:  # noqa: A002
    """``allowed_statuses`` as a tuple (one string: that status); one that allows nothing, or
    not of strings, is refused."""
    if value is None:
        return None
    try:
        items = (value,) if isinstance(value, str) else tuple(value)
    except TypeError:
        items = ()
    statuses = enum_values(TRAINED_MODEL_STATUS)
    # A token (a Terraform variable, a list variable's encoded list) is Terraform's to check.
    unknown = [item for item in items
               if item not in statuses and not _is_token(item, list_item=True)]
    if not items or unknown:
        # A typo (``ACTIV``) would otherwise fail every deployment with "status ACTIVE is not
        # allowed"; the same check as the data source's, before anything is synthesized.
        which = f"; {unknown[0]!r} is not a status" if unknown else ""
        raise LookupConfigurationError(
            f"invalid allowed_statuses {value!r} for TrainedModelLookup {id!r}: expected None "
            f"or a non-empty list of statuses among {', '.join(statuses)}{which}")
    return items


class TrainedModelLookup(_Construct, TrainedModelAttributes):
    """Look up an AWS Clean Rooms ML trained model and expose its attributes.

    Every attribute of the record is a read-only property, the headline ones flat
    (``instance_type``, ``volume_size_in_gb``, ``training_container_image_digest``, ``status``,
    ``version_identifier``...), nested objects too (``resource_config``, ``status_details``,
    ``stopping_condition``, ``incremental_training_data_channels``).
    """

    def __init__(
        self,
        scope: Any,
        id: str,  # noqa: A002 - the constructs name for it
        *,
        trained_model_arn: str | None = None,
        trained_model_name: str | None = None,
        collaboration_identifier: str,
        version_identifier: str | None = None,
        provider: CleanroomsmlProvider | None = None,
        allowed_statuses: Sequence[str] | None = ("ACTIVE",),
        outputs: bool = True,
        resolve: Resolve = "plan",
        lock_path: str | Path | None = None,
        settings: ClientSettings | None = None,
    ) -> None:
        """Declare the lookup.

        The model is named by ``trained_model_arn`` or by ``trained_model_name`` (exactly one;
        a name is looked up in the collaboration: no model or several with it is an error).
        ``allowed_statuses`` gates deployment (``None`` turns the gate off); ``outputs`` adds
        the ``<id>_<name>`` outputs; ``resolve`` is ``"plan"`` or ``"synth"``; ``lock_path``
        (synth mode) defaults to the project's ``cleanroomsml.lock.json``; ``settings`` (synth
        mode) says how to reach Clean Rooms ML when the lock file lacks the model (default: the
        provider's configuration when one is given, else the standard AWS environment).
        """
        super().__init__(scope, id)
        if resolve not in ("plan", "synth"):
            raise LookupConfigurationError(
                f"invalid resolve {resolve!r} for TrainedModelLookup {id!r}: "
                "expected 'plan' or 'synth'")
        if (trained_model_arn is None) == (trained_model_name is None):
            given = "both" if trained_model_arn is not None else "neither"
            raise LookupConfigurationError(
                f"TrainedModelLookup {id!r}: set exactly one of trained_model_arn or "
                f"trained_model_name ({given} given)")
        self._validate_fields({"trained_model_arn": trained_model_arn,
                               "name": trained_model_name,
                               "collaboration_identifier": collaboration_identifier,
                               "version_identifier": version_identifier})
        self._name = trained_model_name
        self._resolve: Resolve = resolve
        self._allowed = _allow_list(allowed_statuses, id)
        self._provider = provider
        self._lock_path = None if lock_path is None else Path(lock_path)
        self._settings = settings
        self._record: dict[str, Any] | None = None
        self._data_source: DataCleanroomsmlCollaborationTrainedModel | None = None
        self._values: dict[str, Any] = {}
        if resolve == "synth":
            if trained_model_name is not None:
                trained_model_arn = self._arn_for_name(collaboration_identifier,
                                                       trained_model_name)
            assert trained_model_arn is not None  # exactly one of the two, checked above
            self._ref = ModelRef(trained_model_arn, collaboration_identifier, version_identifier)
            self._record = self._resolve_now()
        else:
            self._data_source = DataCleanroomsmlCollaborationTrainedModel(
                self, "model",
                trained_model_arn=trained_model_arn,
                name=trained_model_name,
                collaboration_identifier=collaboration_identifier,
                version_identifier=version_identifier,
                allowed_statuses=self._allowed,
                provider=provider or self._default_provider(),
            )
            # By name, the ARN is known at plan time: the ref holds the data source's token.
            self._ref = ModelRef(trained_model_arn or self._data_source.trained_model_arn,
                                 collaboration_identifier, version_identifier)
        self._outputs: dict[str, Any] = self._add_outputs(id) if outputs else {}

    @classmethod
    def from_lock_file(
        cls,
        scope: Any,
        id: str,  # noqa: A002 - the constructs name for it
        *,
        trained_model_arn: str | None = None,
        trained_model_name: str | None = None,
        collaboration_identifier: str,
        version_identifier: str | None = None,
        allowed_statuses: Sequence[str] | None = ("ACTIVE",),
        outputs: bool = True,
        lock_path: str | Path | None = None,
        settings: ClientSettings | None = None,
        provider: CleanroomsmlProvider | None = None,
    ) -> TrainedModelLookup:
        """Synth mode: the model's record from ``cleanroomsml.lock.json`` while cdktf synthesizes.

        The same as ``TrainedModelLookup(..., resolve="synth")``: properties are plain values
        (strings as literal Terraform text), no data source, the status gate runs now.
        ``provider`` only lends its configuration (endpoint, region...) for a model missing
        from the lock file; ``settings`` overrides it.
        """
        return cls(scope, id, trained_model_arn=trained_model_arn,
                   trained_model_name=trained_model_name,
                   collaboration_identifier=collaboration_identifier,
                   version_identifier=version_identifier, allowed_statuses=allowed_statuses,
                   outputs=outputs, resolve="synth", lock_path=lock_path, settings=settings,
                   provider=provider)

    # -- set-up ----------------------------------------------------------------------------

    @staticmethod
    def _validate_fields(values: Mapping[str, Any]) -> None:
        """Check every argument that is set and not a token, before any request."""
        from cleanroomsml_tf.model.identifiers import validate_field, validate_name

        for field, value in values.items():
            # Tokens (another resource's attribute) can only be checked by Terraform. Only
            # strings can be tokens (jsii cannot even ask about bytes or arbitrary objects), and
            # only those holding cdktf's string-token marker need the (jsii round trip) check:
            # two round trips per lookup were ~9% of a 100-lookup synth
            # (benchmarks/synth_lookups).
            if value is None and field in ("version_identifier", "trained_model_arn", "name"):
                continue
            if _is_token(value):
                continue
            if field == "name":
                validate_name(value, "trained_model_name")
            else:
                validate_field(field, value)

    def _arn_for_name(self, collaboration_identifier: str, name: str) -> str:
        """Synth mode by name: the ARN from the lock file, else from the collaboration's
        listing (once per stack and name, like the records)."""
        from cleanroomsml_tf.lockfile import synth as lockfile_synth

        key = (str(self._lock_path or ""), f"{collaboration_identifier}/name={name}")
        stack = _cdktf.TerraformStack.of(self)
        cache = stack.__dict__.setdefault(_SYNTH_CACHE_ATTRIBUTE, {})
        if key not in cache:
            cache[key] = {"arn": lockfile_synth.arn_for_name(
                collaboration_identifier, name, lock_path=self._lock_path,
                settings=self._client_settings())}
        return str(cache[key]["arn"])

    def _default_provider(self) -> CleanroomsmlProvider:
        """The stack's default ``cleanroomsml`` provider, added once if there is none."""
        stack = _cdktf.TerraformStack.of(self)
        # Remembered on the stack object itself (jsii hands back the same Python object), so
        # 100 lookups scan the construct tree once, not 100 times.
        found = stack.__dict__.get(_DEFAULT_PROVIDER_ATTRIBUTE)
        if found is None:
            found = next((c for c in stack.node.find_all()
                          if isinstance(c, CleanroomsmlProvider) and c.alias is None), None)
            found = found or CleanroomsmlProvider(stack, DEFAULT_PROVIDER_ID)
            stack.__dict__[_DEFAULT_PROVIDER_ATTRIBUTE] = found
        return found

    def _resolve_now(self) -> dict[str, Any]:
        """The record from the lock file (once per stack and model, like a context lookup)."""
        from cleanroomsml_tf.lockfile import synth as lockfile_synth
        from cleanroomsml_tf.model.record import check_status

        settings = self._client_settings()
        if settings is not None and not settings.verify_tls:
            _cdktf.Annotations.of(self).add_warning(insecure_warning(settings.endpoint_url))
        key = (str(self._lock_path or ""), self._ref.key)
        # jsii hands back the same Python object for a stack made in Python (the default
        # provider is remembered the same way); not for an app made by JavaScript (Testing.app).
        stack = _cdktf.TerraformStack.of(self)
        cache = stack.__dict__.setdefault(_SYNTH_CACHE_ATTRIBUTE, {})
        if key not in cache:
            cache[key] = lockfile_synth.resolve_for_synth(
                self._ref, lock_path=self._lock_path, settings=settings)
        found = cache[key]
        context = ModelContext(self._ref.collaboration_identifier, self._ref.trained_model_arn,
                               self._ref.version_identifier)
        check_status(found, self._allowed, context)
        return found

    def _client_settings(self) -> ClientSettings | None:
        """Connection settings for a live resolution: explicit, else the provider's."""
        if self._settings is not None:
            return self._settings
        if self._provider is None:
            return None
        return settings_from_provider_config(self._provider.config)

    def _add_outputs(self, id: str) -> dict[str, Any]:  # noqa: A002
        outputs = {}
        for name in OUTPUT_ATTRIBUTES:
            value = getattr(self, name)
            output = _cdktf.TerraformOutput(
                self, name,
                value=_cdktf.Token.null_value() if value is None else value,
                description=table.attribute_at(FLAT_NAMES[name]).description,
            )
            # Stable, readable names: <id>_<attribute>, not cdktf's hashed logical ids.
            output.override_logical_id(f"{id}_{name}")
            outputs[name] = output
        return outputs

    # -- public, read-only -----------------------------------------------------------------

    @property
    def model_ref(self) -> ModelRef:
        """Which model this looks up (looked up by name in plan mode: the ARN is a token)."""
        return self._ref

    @property
    def trained_model_name(self) -> str | None:
        """The name the model was looked up by (``None`` when named by its ARN)."""
        return self._name

    @property
    def resolve(self) -> Resolve:
        """``"plan"`` (data source) or ``"synth"`` (lock file)."""
        return self._resolve

    @property
    def allowed_statuses(self) -> tuple[str, ...] | None:
        """The deployment gate (``None``: off)."""
        return self._allowed

    @property
    def data_source(self) -> DataCleanroomsmlCollaborationTrainedModel | None:
        """The data source (plan mode), ``None`` in synth mode."""
        return self._data_source

    @property
    def record(self) -> Mapping[str, Any] | None:
        """The resolved record (synth mode, read-only), ``None`` in plan mode."""
        return None if self._record is None else MappingProxyType(self._record)

    @property
    def outputs(self) -> Mapping[str, Any]:
        """The TerraformOutputs by attribute name (empty with ``outputs=False``)."""
        return MappingProxyType(self._outputs)

    def get(self, path: str) -> Any:
        """The value at a dotted record path (``resource_config.instance_type``), cached."""
        if path not in self._values:
            self._values[path] = self._lookup(path)
        return self._values[path]

    def as_string(self, path: str) -> str:
        """String-safe value at a dotted path or flat name (number tokens as string tokens)."""
        return as_string(self.get(FLAT_NAMES.get(path, path)))

    def _lookup(self, path: str) -> Any:
        parts = path.split(".")
        attribute = table.attribute_at(path)
        if self._record is not None:
            return _plain(attribute, table.get_path(self._record, path))
        data_source = self._data_source
        assert data_source is not None  # plan mode: no record, a data source
        if len(parts) == 2 and attribute.is_scalar:
            # A member of a nested object: one jsii call interpolating the dotted path, not two
            # (the nested object, then its member); same Terraform expression either way.
            if attribute.kind == "number":
                return NumberToken(data_source.get_number_attribute(path))
            return data_source.get_string_attribute(path)
        value: Any = data_source
        for part in parts:
            value = getattr(value, part)
        return value


__all__ = ["FLAT_NAMES", "NumberToken", "OUTPUT_ATTRIBUTES", "RecordView", "TrainedModelLookup"]
