# Follow Clean Rooms ML trained models from Terraform.
#
# Try it offline against the local endpoint:
#   cleanroomsml-tf install                    # provider into ~/.terraform.d/plugins
#   cleanroomsml-tf emulator --port 8790 &     # example data
#   export AWS_ENDPOINT_URL_CLEANROOMSML=http://127.0.0.1:8790   # the local endpoint, chosen
#   terraform init && terraform apply
# Without an endpoint, requests go to AWS in the configured region (`region` or AWS_REGION, with
# AWS credentials); with neither, the plan fails saying so — never a silent local default.

terraform {
  required_providers {
    cleanroomsml = {
      source = "cleanroomsml-tf/cleanroomsml"
    }
  }
}

variable "collaboration_identifier" {
  description = "The collaboration that holds the models."
  type        = string
  default     = "3f6a1c2e-9b8d-4e7f-a1b2-c3d4e5f60718"
}

variable "trained_model_arn" {
  description = "The trained model to deploy."
  type        = string
  default     = "arn:aws:cleanrooms-ml:us-east-1:111122223333:membership/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/trained-model/c0ffee00-1111-4a2b-9c3d-000000000001"
}

provider "cleanroomsml" {
  max_attempts = 5
}

# The latest version of one model; the read fails unless the model is ACTIVE.
data "cleanroomsml_collaboration_trained_model" "churn" {
  trained_model_arn        = var.trained_model_arn
  collaboration_identifier = var.collaboration_identifier
  allowed_statuses         = ["ACTIVE"]
}

# Every ACTIVE model of the collaboration.
data "cleanroomsml_collaboration_trained_models" "active" {
  collaboration_identifier = var.collaboration_identifier
  statuses                 = ["ACTIVE"]
}

output "version_identifier" {
  value = data.cleanroomsml_collaboration_trained_model.churn.version_identifier
}

output "instance_type" {
  value = data.cleanroomsml_collaboration_trained_model.churn.resource_config.instance_type
}

output "volume_size_in_gb" {
  value = data.cleanroomsml_collaboration_trained_model.churn.resource_config.volume_size_in_gb
}

output "training_container_image_digest" {
  value = data.cleanroomsml_collaboration_trained_model.churn.training_container_image_digest
}

output "first_channel_name" {
  value = try(data.cleanroomsml_collaboration_trained_model.churn.incremental_training_data_channels[0].channel_name, null)
}

output "active_model_names" {
  value = data.cleanroomsml_collaboration_trained_models.active.trained_models[*].name
}
