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
