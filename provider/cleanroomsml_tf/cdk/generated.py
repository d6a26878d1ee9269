"""Typed getters generated from the attribute table (record.py). Do not edit.

Regenerate with ``python -m cleanroomsml_tf.cdk.codegen``; tests/test_cdk_types.py fails when
this file and the table disagree.
"""

# ruff: noqa: E501

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from cleanroomsml_tf.cdk.compat import cdktf_module
from cleanroomsml_tf.cdk.getters import (
    list_attribute,
    list_element,
    number_attribute,
    object_attribute,
    string_attribute,
)
from cleanroomsml_tf.cdk.tokens import Number, NumberToken

if TYPE_CHECKING:
    from cdktf import ComplexList as _ComplexList
    from cdktf import ComplexObject as _ComplexObject
else:
    _ComplexList = cdktf_module().ComplexList
    _ComplexObject = cdktf_module().ComplexObject


class DataCleanroomsmlCollaborationTrainedModelIncrementalTrainingDataChannelsOutputReference(_ComplexObject):
    """Generated reference to a nested object."""

    @property
    def channel_name(self) -> str:
        """The name of the incremental training data channel."""
        return string_attribute(self, 'channel_name')

    @property
    def version_identifier(self) -> str:
        """The version identifier of the base trained model."""
        return string_attribute(self, 'version_identifier')

    @property
    def model_name(self) -> str:
        """The name of the base trained model."""
        return string_attribute(self, 'model_name')


class DataCleanroomsmlCollaborationTrainedModelIncrementalTrainingDataChannelsList(_ComplexList):
    """Generated reference to a list of objects: a token as a whole, ``get(i)`` for one."""

    def get(self, index: int) -> DataCleanroomsmlCollaborationTrainedModelIncrementalTrainingDataChannelsOutputReference:
        """The element at ``index`` (``${...attribute[index].member}``)."""
        return list_element(self, index, DataCleanroomsmlCollaborationTrainedModelIncrementalTrainingDataChannelsOutputReference)


class DataCleanroomsmlCollaborationTrainedModelStatusDetailsOutputReference(_ComplexObject):
    """Generated reference to a nested object."""

    @property
    def status_code(self) -> str:
        """The status code, for programmatic handling."""
        return string_attribute(self, 'status_code')

    @property
    def message(self) -> str:
        """The human-readable status message."""
        return string_attribute(self, 'message')


class DataCleanroomsmlCollaborationTrainedModelResourceConfigOutputReference(_ComplexObject):
    """Generated reference to a nested object."""

    @property
    def instance_count(self) -> NumberToken:
        """The number of training instances."""
        return number_attribute(self, 'instance_count')

    @property
    def instance_type(self) -> str:
        """The training instance type, e.g. ml.m5.xlarge."""
        return string_attribute(self, 'instance_type')

    @property
    def volume_size_in_gb(self) -> NumberToken:
        """The volume size of each training instance, in GB."""
        return number_attribute(self, 'volume_size_in_gb')


class DataCleanroomsmlCollaborationTrainedModelStoppingConditionOutputReference(_ComplexObject):
    """Generated reference to a nested object."""

    @property
    def max_runtime_in_seconds(self) -> NumberToken:
        """The maximum training run time, in seconds."""
        return number_attribute(self, 'max_runtime_in_seconds')


class DataCleanroomsmlCollaborationTrainedModelAttributes:
    """Typed getters of ``cleanroomsml_collaboration_trained_model``'s computed attributes."""

    __slots__ = ()

    @property
    def membership_identifier(self) -> str:
        """The membership ID of the member that created the trained model."""
        return string_attribute(self, 'membership_identifier')

    @property
    def collaboration_identifier(self) -> str:
        """The collaboration ID of the collaboration that contains the trained model."""
        return string_attribute(self, 'collaboration_identifier')

    @property
    def trained_model_arn(self) -> str:
        """The ARN of the trained model."""
        return string_attribute(self, 'trained_model_arn')

    @property
    def version_identifier(self) -> str:
        """The version identifier of this version of the trained model (null on the older API)."""
        return string_attribute(self, 'version_identifier')

    @property
    def incremental_training_data_channels(self) -> DataCleanroomsmlCollaborationTrainedModelIncrementalTrainingDataChannelsList:
        """The incremental training data channels used to create this version (null when the API reports none)."""
        return list_attribute(self, 'incremental_training_data_channels', DataCleanroomsmlCollaborationTrainedModelIncrementalTrainingDataChannelsList)

    @property
    def name(self) -> str:
        """The name of the trained model."""
        return string_attribute(self, 'name')

    @property
    def description(self) -> str:
        """The description of the trained model."""
        return string_attribute(self, 'description')

    @property
    def status(self) -> str:
        """The status of the trained model, e.g. ACTIVE."""
        return string_attribute(self, 'status')

    @property
    def status_details(self) -> DataCleanroomsmlCollaborationTrainedModelStatusDetailsOutputReference:
        """Details about the status."""
        return object_attribute(self, 'status_details', DataCleanroomsmlCollaborationTrainedModelStatusDetailsOutputReference)

    @property
    def configured_model_algorithm_association_arn(self) -> str:
        """The ARN of the configured model algorithm association used to train the model."""
        return string_attribute(self, 'configured_model_algorithm_association_arn')

    @property
    def resource_config(self) -> DataCleanroomsmlCollaborationTrainedModelResourceConfigOutputReference:
        """The EC2 resource configuration used to train the model."""
        return object_attribute(self, 'resource_config', DataCleanroomsmlCollaborationTrainedModelResourceConfigOutputReference)

    @property
    def training_input_mode(self) -> str:
        """How training data was made available: File, FastFile or Pipe (null on the older API)."""
        return string_attribute(self, 'training_input_mode')

    @property
    def stopping_condition(self) -> DataCleanroomsmlCollaborationTrainedModelStoppingConditionOutputReference:
        """The stopping condition that determined when training ended."""
        return object_attribute(self, 'stopping_condition', DataCleanroomsmlCollaborationTrainedModelStoppingConditionOutputReference)

    @property
    def metrics_status(self) -> str:
        """The status of the model metrics."""
        return string_attribute(self, 'metrics_status')

    @property
    def metrics_status_details(self) -> str:
        """Details about the model metrics status."""
        return string_attribute(self, 'metrics_status_details')

    @property
    def logs_status(self) -> str:
        """The status of the model logs."""
        return string_attribute(self, 'logs_status')

    @property
    def logs_status_details(self) -> str:
        """Details about the model logs status."""
        return string_attribute(self, 'logs_status_details')

    @property
    def training_container_image_digest(self) -> str:
        """The digest of the training container image."""
        return string_attribute(self, 'training_container_image_digest')

    @property
    def ml_model_training_payer_account_id(self) -> str:
        """The account ID of the member that pays for model training (null when not reported)."""
        return string_attribute(self, 'ml_model_training_payer_account_id')

    @property
    def create_time(self) -> str:
        """When the trained model (version) was created, RFC 3339 UTC."""
        return string_attribute(self, 'create_time')

    @property
    def update_time(self) -> str:
        """When the trained model was last updated, RFC 3339 UTC."""
        return string_attribute(self, 'update_time')

    @property
    def creator_account_id(self) -> str:
        """The account ID of the member that created the trained model."""
        return string_attribute(self, 'creator_account_id')


class DataCleanroomsmlCollaborationTrainedModelsTrainedModelsOutputReferenceIncrementalTrainingDataChannelsOutputReference(_ComplexObject):
    """Generated reference to a nested object."""

    @property
    def channel_name(self) -> str:
        """The name of the incremental training data channel."""
        return string_attribute(self, 'channel_name')

    @property
    def version_identifier(self) -> str:
        """The version identifier of the base trained model."""
        return string_attribute(self, 'version_identifier')

    @property
    def model_name(self) -> str:
        """The name of the base trained model."""
        return string_attribute(self, 'model_name')


class DataCleanroomsmlCollaborationTrainedModelsTrainedModelsOutputReferenceIncrementalTrainingDataChannelsList(_ComplexList):
    """Generated reference to a list of objects: a token as a whole, ``get(i)`` for one."""

    def get(self, index: int) -> DataCleanroomsmlCollaborationTrainedModelsTrainedModelsOutputReferenceIncrementalTrainingDataChannelsOutputReference:
        """The element at ``index`` (``${...attribute[index].member}``)."""
        return list_element(self, index, DataCleanroomsmlCollaborationTrainedModelsTrainedModelsOutputReferenceIncrementalTrainingDataChannelsOutputReference)


class DataCleanroomsmlCollaborationTrainedModelsTrainedModelsOutputReference(_ComplexObject):
    """Generated reference to a nested object."""

    @property
    def membership_identifier(self) -> str:
        """The membership ID of the member that created the trained model."""
        return string_attribute(self, 'membership_identifier')

    @property
    def collaboration_identifier(self) -> str:
        """The collaboration ID of the collaboration that contains the trained model."""
        return string_attribute(self, 'collaboration_identifier')

    @property
    def trained_model_arn(self) -> str:
        """The ARN of the trained model."""
        return string_attribute(self, 'trained_model_arn')

    @property
    def version_identifier(self) -> str:
        """The version identifier of this version of the trained model (null on the older API)."""
        return string_attribute(self, 'version_identifier')

    @property
    def incremental_training_data_channels(self) -> DataCleanroomsmlCollaborationTrainedModelsTrainedModelsOutputReferenceIncrementalTrainingDataChannelsList:
        """The incremental training data channels used to create this version (null when the API reports none)."""
        return list_attribute(self, 'incremental_training_data_channels', DataCleanroomsmlCollaborationTrainedModelsTrainedModelsOutputReferenceIncrementalTrainingDataChannelsList)

    @property
    def name(self) -> str:
        """The name of the trained model."""
        return string_attribute(self, 'name')

    @property
    def description(self) -> str:
        """The description of the trained model."""
        return string_attribute(self, 'description')

    @property
    def status(self) -> str:
        """The status of the trained model, e.g. ACTIVE."""
        return string_attribute(self, 'status')

    @property
    def configured_model_algorithm_association_arn(self) -> str:
        """The ARN of the configured model algorithm association used to train the model."""
        return string_attribute(self, 'configured_model_algorithm_association_arn')

    @property
    def ml_model_training_payer_account_id(self) -> str:
        """The account ID of the member that pays for model training (null when not reported)."""
        return string_attribute(self, 'ml_model_training_payer_account_id')

    @property
    def create_time(self) -> str:
        """When the trained model (version) was created, RFC 3339 UTC."""
        return string_attribute(self, 'create_time')

    @property
    def update_time(self) -> str:
        """When the trained model was last updated, RFC 3339 UTC."""
        return string_attribute(self, 'update_time')

    @property
    def creator_account_id(self) -> str:
        """The account ID of the member that created the trained model."""
        return string_attribute(self, 'creator_account_id')


class DataCleanroomsmlCollaborationTrainedModelsTrainedModelsList(_ComplexList):
    """Generated reference to a list of objects: a token as a whole, ``get(i)`` for one."""

    def get(self, index: int) -> DataCleanroomsmlCollaborationTrainedModelsTrainedModelsOutputReference:
        """The element at ``index`` (``${...attribute[index].member}``)."""
        return list_element(self, index, DataCleanroomsmlCollaborationTrainedModelsTrainedModelsOutputReference)


class DataCleanroomsmlCollaborationTrainedModelsAttributes:
    """Typed getters of ``cleanroomsml_collaboration_trained_models``' computed list."""

    __slots__ = ()

    @property
    def trained_models(self) -> DataCleanroomsmlCollaborationTrainedModelsTrainedModelsList:
        """Summaries of the matching trained models."""
        return list_attribute(self, 'trained_models', DataCleanroomsmlCollaborationTrainedModelsTrainedModelsList)


class TrainedModelStatusDetails(Protocol):
    """``status_details`` in either mode: the generated output reference (plan) or a read-only view (synth)."""

    @property
    def status_code(self) -> str | None:
        """The status code, for programmatic handling."""

    @property
    def message(self) -> str | None:
        """The human-readable status message."""


class TrainedModelResourceConfig(Protocol):
    """``resource_config`` in either mode: the generated output reference (plan) or a read-only view (synth)."""

    @property
    def instance_count(self) -> Number | None:
        """The number of training instances."""

    @property
    def instance_type(self) -> str:
        """The training instance type, e.g. ml.m5.xlarge."""

    @property
    def volume_size_in_gb(self) -> Number:
        """The volume size of each training instance, in GB."""


class TrainedModelStoppingCondition(Protocol):
    """``stopping_condition`` in either mode: the generated output reference (plan) or a read-only view (synth)."""

    @property
    def max_runtime_in_seconds(self) -> Number | None:
        """The maximum training run time, in seconds."""


class TrainedModelAttributes:
    """The typed properties of ``TrainedModelLookup``, one per attribute."""

    __slots__ = ()

    def get(self, path: str) -> Any:
        """The value at a dotted record path (implemented by the construct)."""
        raise NotImplementedError

    @property
    def status_details(self) -> TrainedModelStatusDetails | None:
        """Details about the status. (``status_details``; nested object)"""
        return self.get('status_details')  # type: ignore[no-any-return]

    @property
    def resource_config(self) -> TrainedModelResourceConfig | None:
        """The EC2 resource configuration used to train the model. (``resource_config``; nested object)"""
        return self.get('resource_config')  # type: ignore[no-any-return]

    @property
    def stopping_condition(self) -> TrainedModelStoppingCondition | None:
        """The stopping condition that determined when training ended. (``stopping_condition``; nested object)"""
        return self.get('stopping_condition')  # type: ignore[no-any-return]

    @property
    def membership_identifier(self) -> str:
        """The membership ID of the member that created the trained model. (``membership_identifier``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('membership_identifier')  # type: ignore[no-any-return]

    @property
    def collaboration_identifier(self) -> str:
        """The collaboration ID of the collaboration that contains the trained model. (``collaboration_identifier``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('collaboration_identifier')  # type: ignore[no-any-return]

    @property
    def trained_model_arn(self) -> str:
        """The ARN of the trained model. (``trained_model_arn``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('trained_model_arn')  # type: ignore[no-any-return]

    @property
    def version_identifier(self) -> str | None:
        """The version identifier of this version of the trained model (null on the older API). (``version_identifier``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('version_identifier')  # type: ignore[no-any-return]

    @property
    def incremental_training_data_channels(self) -> Any:
        """The incremental training data channels used to create this version (null when the API reports none). (``incremental_training_data_channels``; list of objects: a ...List (plan), a tuple of views (synth))"""
        return self.get('incremental_training_data_channels')  # type: ignore[no-any-return]

    @property
    def name(self) -> str:
        """The name of the trained model. (``name``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('name')  # type: ignore[no-any-return]

    @property
    def description(self) -> str | None:
        """The description of the trained model. (``description``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('description')  # type: ignore[no-any-return]

    @property
    def status(self) -> str:
        """The status of the trained model, e.g. ACTIVE. (``status``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('status')  # type: ignore[no-any-return]

    @property
    def status_code(self) -> str | None:
        """The status code, for programmatic handling. (``status_details.status_code``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('status_details.status_code')  # type: ignore[no-any-return]

    @property
    def status_details_message(self) -> str | None:
        """The human-readable status message. (``status_details.message``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('status_details.message')  # type: ignore[no-any-return]

    @property
    def configured_model_algorithm_association_arn(self) -> str:
        """The ARN of the configured model algorithm association used to train the model. (``configured_model_algorithm_association_arn``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('configured_model_algorithm_association_arn')  # type: ignore[no-any-return]

    @property
    def instance_count(self) -> Number | None:
        """The number of training instances. (``resource_config.instance_count``; number token in plan mode, int in synth mode)"""
        return self.get('resource_config.instance_count')  # type: ignore[no-any-return]

    @property
    def instance_type(self) -> str:
        """The training instance type, e.g. ml.m5.xlarge. (``resource_config.instance_type``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('resource_config.instance_type')  # type: ignore[no-any-return]

    @property
    def volume_size_in_gb(self) -> Number:
        """The volume size of each training instance, in GB. (``resource_config.volume_size_in_gb``; number token in plan mode, int in synth mode)"""
        return self.get('resource_config.volume_size_in_gb')  # type: ignore[no-any-return]

    @property
    def training_input_mode(self) -> str | None:
        """How training data was made available: File, FastFile or Pipe (null on the older API). (``training_input_mode``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('training_input_mode')  # type: ignore[no-any-return]

    @property
    def max_runtime_in_seconds(self) -> Number | None:
        """The maximum training run time, in seconds. (``stopping_condition.max_runtime_in_seconds``; number token in plan mode, int in synth mode)"""
        return self.get('stopping_condition.max_runtime_in_seconds')  # type: ignore[no-any-return]

    @property
    def metrics_status(self) -> str | None:
        """The status of the model metrics. (``metrics_status``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('metrics_status')  # type: ignore[no-any-return]

    @property
    def metrics_status_details(self) -> str | None:
        """Details about the model metrics status. (``metrics_status_details``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('metrics_status_details')  # type: ignore[no-any-return]

    @property
    def logs_status(self) -> str | None:
        """The status of the model logs. (``logs_status``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('logs_status')  # type: ignore[no-any-return]

    @property
    def logs_status_details(self) -> str | None:
        """Details about the model logs status. (``logs_status_details``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('logs_status_details')  # type: ignore[no-any-return]

    @property
    def training_container_image_digest(self) -> str | None:
        """The digest of the training container image. (``training_container_image_digest``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('training_container_image_digest')  # type: ignore[no-any-return]

    @property
    def ml_model_training_payer_account_id(self) -> str | None:
        """The account ID of the member that pays for model training (null when not reported). (``ml_model_training_payer_account_id``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('ml_model_training_payer_account_id')  # type: ignore[no-any-return]

    @property
    def create_time(self) -> str:
        """When the trained model (version) was created, RFC 3339 UTC. (``create_time``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('create_time')  # type: ignore[no-any-return]

    @property
    def update_time(self) -> str:
        """When the trained model was last updated, RFC 3339 UTC. (``update_time``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('update_time')  # type: ignore[no-any-return]

    @property
    def creator_account_id(self) -> str:
        """The account ID of the member that created the trained model. (``creator_account_id``; string token in plan mode, literal Terraform text in synth mode)"""
        return self.get('creator_account_id')  # type: ignore[no-any-return]


FLAT_NAMES: dict[str, str] = {
    'membership_identifier': 'membership_identifier',
    'collaboration_identifier': 'collaboration_identifier',
    'trained_model_arn': 'trained_model_arn',
    'version_identifier': 'version_identifier',
    'incremental_training_data_channels': 'incremental_training_data_channels',
    'name': 'name',
    'description': 'description',
    'status': 'status',
    'status_code': 'status_details.status_code',
    'status_details_message': 'status_details.message',
    'configured_model_algorithm_association_arn': 'configured_model_algorithm_association_arn',
    'instance_count': 'resource_config.instance_count',
    'instance_type': 'resource_config.instance_type',
    'volume_size_in_gb': 'resource_config.volume_size_in_gb',
    'training_input_mode': 'training_input_mode',
    'max_runtime_in_seconds': 'stopping_condition.max_runtime_in_seconds',
    'metrics_status': 'metrics_status',
    'metrics_status_details': 'metrics_status_details',
    'logs_status': 'logs_status',
    'logs_status_details': 'logs_status_details',
    'training_container_image_digest': 'training_container_image_digest',
    'ml_model_training_payer_account_id': 'ml_model_training_payer_account_id',
    'create_time': 'create_time',
    'update_time': 'update_time',
    'creator_account_id': 'creator_account_id',
}
"""Every flat property of ``TrainedModelLookup`` and the record path it reads."""
