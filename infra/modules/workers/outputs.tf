output "alb_dns_name" {
  description = "Internal DNS name of the ALB; point ingest_domain and search_domain at it (CNAME)."
  value       = alicloud_alb_load_balancer.internal.dns_name
}

output "host_ids" {
  description = "ECS instance id per host, e.g. ingest-1."
  value       = { for key, host in alicloud_instance.host : key => host.id }
}
