output "host" {
  description = "Private DNS name of the cluster (an A record per node) for OPENSEARCH_URL; every node certificate carries it."
  value       = "search.${var.private_zone}"
}

output "node_ips" {
  description = "Private address per node."
  value       = { for name, node in local.nodes : name => node.ip }
}

output "security_group_id" {
  description = "The nodes' security group (HTTPS from the application tier, transport among the nodes)."
  value       = alicloud_security_group.nodes.id
}
