# The HCL twin of examples/cdktf/main.py: the same lookup, gate, downstream resource and outputs.
# tests/test_cdk_e2e.py applies both against the local endpoint and compares their outputs.
# The provider reads its endpoint from AWS_ENDPOINT_URL_CLEANROOMSML.
terraform {
  required_version = ">= 1.4" # terraform_data
  required_providers {
    cleanroomsml = {
      source  = "cleanroomsml-tf/cleanroomsml"
      version = "0.1.0"
    }
  }
}

provider "cleanroomsml" {}

data "cleanroomsml_collaboration_trained_model" "churn" {
  trained_model_arn        = "arn:aws:cleanrooms-ml:us-east-1:111122223333:membership/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/trained-model/c0ffee00-1111-4a2b-9c3d-000000000001"
  collaboration_identifier = "3f6a1c2e-9b8d-4e7f-a1b2-c3d4e5f60718"
  allowed_statuses         = ["ACTIVE"]
}

locals {
  model = data.cleanroomsml_collaboration_trained_model.churn
}

resource "terraform_data" "training_profile" {
  input = {
    instance_type     = local.model.resource_config.instance_type
    volume_size_in_gb = local.model.resource_config.volume_size_in_gb
    image_digest      = local.model.training_container_image_digest
    label             = "${local.model.resource_config.instance_type} x${local.model.resource_config.instance_count}, ${local.model.resource_config.volume_size_in_gb} GB"
  }
}

output "churn_instance_type" {
  value = local.model.resource_config.instance_type
}

output "churn_volume_size_in_gb" {
  value = local.model.resource_config.volume_size_in_gb
}

output "churn_training_container_image_digest" {
  value = local.model.training_container_image_digest
}

output "churn_status" {
  value = local.model.status
}

output "churn_version_identifier" {
  value = local.model.version_identifier
}

output "training_label" {
  value = terraform_data.training_profile.output.label
}
