"""cleanroomsml-tf: follow AWS Clean Rooms ML trained models from Terraform and CDK for Terraform.

Importing this package is cheap on purpose: the Terraform plugin imports it at start-up, so
nothing here may pull in boto3, cdktf or jsii. Import the concern you need
(``cleanroomsml_tf.aws.resolver``, ``cleanroomsml_tf.cdk``...) directly.
"""

__version__ = "0.1.0"

PROVIDER_SOURCE = "cleanroomsml-tf/cleanroomsml"
"""The provider's source address, as written in ``required_providers``."""

PROVIDER_HOSTNAME = "registry.terraform.io"
"""Registry host part of the fully qualified source address."""
