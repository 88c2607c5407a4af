output "url" {
  description = "PAI_EAS_URL: the service's VPC endpoint ({account}.vpc.{region}.pai-eas.aliyuncs.com/api/predict/{service}); the provider exports no endpoint, so it is built from the documented format."
  value       = "https://${data.alicloud_caller_identity.current.account_id}.vpc.${var.region}.pai-eas.aliyuncs.com/api/predict/${local.service}"
}

output "service_name" {
  description = "The EAS service name."
  value       = local.service
}

output "model_name" {
  description = "PAI_EAS_MODEL."
  value       = var.model_name
}

output "dimension" {
  description = "EMBEDDING_DIMENSION."
  value       = var.dimension
}
