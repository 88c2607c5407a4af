output "vpc_id" {
  description = "The onramp VPC."
  value       = module.compliant_infra.vpc_id
}

output "alb_dns_name" {
  description = "Internal ALB; CNAME ingest_domain (and the search domain) to it."
  value       = module.workers.alb_dns_name
}

output "database_host" {
  description = "Private RDS endpoint."
  value       = module.compliant_infra.database_host
}

output "training_bucket" {
  description = "OSS bucket for training data."
  value       = module.compliant_infra.training_bucket
}

output "dead_letter_queue" {
  description = "MNS queue of events EventBridge could not deliver."
  value       = module.eventbridge.dead_letter_queue
}

output "host_ids" {
  description = "ECS instance per service host."
  value       = module.workers.host_ids
}

output "pai_eas_vpc_direct_connection" {
  description = "VPC, vSwitch and security group to give the PAI-EAS embedding service's VPC direct connection."
  value       = module.compliant_infra.pai_eas_vpc_direct_connection
}

output "idaas_callback_url" {
  description = "Paste into the IDaaS console as the URL for Receiving Synchronization Requests (shortcut mode); null while idaas_application_id is empty."
  value       = var.idaas_application_id == "" ? null : "https://${var.ingest_domain}/idaas/events"
}

output "idaas_callback_secrets" {
  description = "Where the callback door's settings live on the ingest hosts."
  value       = "IDAAS_CALLBACK_APP_ID, IDAAS_CALLBACK_JWKS_URL and IDAAS_CALLBACK_ENCRYPTION_KEY (decrypted from idaas_encryption_key_ciphertext with the hosts' RAM role) in /etc/onramp.env"
}

output "scim_base_url" {
  description = "Paste into the IDaaS console as the SCIM base URL (Provisioning → SCIM mode). The endpoint answers only when the scim_server_token_ciphertext input is set (404 otherwise)."
  value       = "https://${var.ingest_domain}/scim/v2"
}

output "scim_server_token_location" {
  description = "Where the SCIM endpoint's bearer token lives: the same token goes into the IDaaS console (SCIM mode, authorization: bearer token)."
  value       = "SCIM_SERVER_TOKEN in /etc/onramp.env on the ingest hosts, decrypted at boot with the hosts' RAM role from the KMS ciphertext given as the scim_server_token_ciphertext input (aliyun kms Decrypt --CiphertextBlob <it> gives the plaintext for the console)"
}

output "hr_webhook_url" {
  description = "Give the HR system as its webhook endpoint (Standard Webhooks signing); served once hr_webhook_secret_ciphertext is set."
  value       = "https://${var.ingest_domain}/hr/events"
}

output "hr_idaas_secrets" {
  description = "Where the HR webhook's and the idaas-provisioner's settings live on their hosts."
  value       = "HR_WEBHOOK_SECRET (decrypted from hr_webhook_secret_ciphertext) and HR_MAPPING_FILE=/etc/onramp/hr-mapping.json on the ingest hosts; IDAAS_SCIM_URL and IDAAS_SCIM_TOKEN (decrypted from idaas_scim_token_ciphertext) on the idaas-provisioner hosts; each in /etc/onramp.env, decrypted with the hosts' RAM role"
}

output "intake_queue" {
  description = "MNS queue EventBridge delivers to when intake = mns; null for http."
  value       = module.eventbridge.intake_queue
}

output "mns_endpoint" {
  description = "MNS endpoint (MNS_ENDPOINT) for the intake and for onramp mns drain."
  value       = module.eventbridge.mns_endpoint
}
