variable "name" {
  description = "Prefix for every resource name."
  type        = string
  default     = "onramp"
}

variable "region" {
  description = "Region of the event bus; used to build ARNs."
  type        = string
}

variable "vpc_id" {
  description = "VPC EventBridge enters to reach ingest."
  type        = string
}

variable "vswitch_id" {
  description = "vSwitch for EventBridge's private-network interfaces."
  type        = string
}

variable "security_group_id" {
  description = "Security group for EventBridge's interfaces (egress to the ALB only)."
  type        = string
}

variable "ingest_domain" {
  description = "Host name of ingest on the internal ALB, covered by its certificate, e.g. ingest.onramp.example.com."
  type        = string
}

variable "ingest_token_ciphertext" {
  description = "KMS ciphertext of INGEST_TOKEN; decrypted at plan time for the connection's Authorization header (intake = http)."
  type        = string
  sensitive   = true
}

variable "intake" {
  description = "How events reach ingest: http (API destination, POST /events) or mns (a queue ingest's MNS intake polls)."
  type        = string
  default     = "http"

  validation {
    condition     = contains(["http", "mns"], var.intake)
    error_message = "intake must be \"http\" or \"mns\"."
  }
}

variable "event_types" {
  description = "IDaaS lifecycle events delivered to ingest."
  type        = list(string)
  default     = ["SCIM.UserCreated", "SCIM.UserUpdated", "SCIM.UserDeactivated", "SCIM.UserDeleted"]
}
