variable "name" {
  description = "Prefix for the service name."
  type        = string
}

variable "region" {
  description = "Region the service runs in (part of its VPC endpoint)."
  type        = string
}

variable "model_bucket" {
  description = "The OSS training bucket holding the model."
  type        = string
}

variable "model_path" {
  description = "Folder of the model inside the bucket, e.g. models/bge-m3/2026-11-30 (a versioned artifact: a new version is a new folder)."
  type        = string

  validation {
    condition     = can(regex("^[^/].*[^/]$", var.model_path))
    error_message = "model_path is a folder inside the bucket, without a leading or trailing slash."
  }
}

variable "model_name" {
  description = "Model name sent in each request (PAI_EAS_MODEL) and recorded in the index metadata (pai-eas:<name>)."
  type        = string
}

variable "dimension" {
  description = "Length of the model's vectors (EMBEDDING_DIMENSION)."
  type        = number
}

variable "image" {
  description = "Container image in Container Registry that serves /v1/embeddings for the model in /models (e.g. a text-embeddings-inference build)."
  type        = string
}

variable "command" {
  description = "How the container starts the server on port 8000 with the model mounted at /models."
  type        = string
  default     = "text-embeddings-router --model-id /models --port 8000"
}

variable "instance_type" {
  description = "ECS type the EAS instances run on."
  type        = string
  default     = "ecs.c7.2xlarge"
}

variable "replicas" {
  description = "EAS instances."
  type        = number
  default     = 2
}

variable "vpc_id" {
  description = "VPC of the direct connection."
  type        = string
}

variable "vswitch_id" {
  description = "Application vSwitch the instances' ENIs attach to."
  type        = string
}

variable "security_group_id" {
  description = "The pai-eas security group (HTTPS from the application tier only)."
  type        = string
}

variable "tags" {
  description = "Extra tags."
  type        = map(string)
  default     = {}
}
