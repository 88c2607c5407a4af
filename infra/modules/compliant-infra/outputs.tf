output "vpc_id" {
  description = "The onramp VPC."
  value       = alicloud_vpc.main.id
}

output "vpc_cidr" {
  description = "CIDR of the VPC."
  value       = var.vpc_cidr
}

output "app_vswitch_ids" {
  description = "Application-tier vSwitch per zone (hosts, ALB, EventBridge ENIs)."
  value       = { for zone, vswitch in alicloud_vswitch.app : zone => vswitch.id }
}

output "zone_ids" {
  description = "The two zones in use, primary first."
  value       = local.zones
}

output "security_group_ids" {
  description = "Security group per role: alb, ingest, search-api, workers, eventbridge."
  value       = { for role, group in alicloud_security_group.role : role => group.id }
}

output "kms_key_id" {
  description = "Customer-managed key that encrypts everything at rest."
  value       = alicloud_kms_key.main.id
}

output "image_id" {
  description = "Latest Alibaba Cloud Linux 3 system image."
  value       = data.alicloud_images.alinux.images[0].id
}

output "host_ram_role_name" {
  description = "RAM role the onramp hosts assume."
  value       = alicloud_ram_role.host.role_name
}

output "snapshot_policy_id" {
  description = "Automatic snapshot policy for host disks."
  value       = alicloud_ecs_auto_snapshot_policy.daily.id
}

output "database_host" {
  description = "Private endpoint of the RDS MySQL event log."
  value       = alicloud_db_instance.events.connection_string
}

output "redis_host" {
  description = "Private endpoint of the Redis (Tair) instance."
  value       = alicloud_kvstore_instance.queues.connection_domain
}

output "search_host" {
  description = "Private endpoint of the Elasticsearch instance; null when search_engine = opensearch."
  value       = var.search_engine == "elasticsearch" ? alicloud_elasticsearch_instance.search[0].domain : null
}

output "data_subnets" {
  description = "Data-tier CIDR per zone (RDS, Redis, search)."
  value       = local.data_subnets
}

output "data_vswitch_ids" {
  description = "Data-tier vSwitch per zone."
  value       = { for zone, vswitch in alicloud_vswitch.data : zone => vswitch.id }
}

output "app_cidr" {
  description = "The application tier (every app vSwitch): the only clients of the search cluster."
  value       = local.app_cidr
}

output "training_bucket" {
  description = "OSS bucket for training data."
  value       = alicloud_oss_bucket.this["training"].bucket
}

output "log_project" {
  description = "Log Service project holding the audit logs."
  value       = alicloud_log_project.audit.project_name
}

output "alb_access_logstore" {
  description = "Logstore for ALB access logs."
  value       = alicloud_log_store.audit["alb-access"].logstore_name
}

output "privatelink_endpoint_ids" {
  description = "PrivateLink interface endpoint per cloud service (oss, kms, sls, mns, eventbridge); empty when mlps_compliance is off."
  value       = { for service, endpoint in alicloud_privatelink_vpc_endpoint.service : service => endpoint.id }
}

output "pai_eas_vpc_direct_connection" {
  description = "What the PAI-EAS service's VPC direct connection is configured with (its service config's networking): the VPC, an application vSwitch and the pai-eas security group."
  value = {
    vpc_id            = alicloud_vpc.main.id
    vswitch_id        = alicloud_vswitch.app[local.zones[0]].id
    security_group_id = alicloud_security_group.role["pai-eas"].id
  }
}
