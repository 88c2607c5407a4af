output "rule_name" {
  description = "EventBridge rule that delivers IDaaS lifecycle events to ingest."
  value       = alicloud_event_bridge_rule.idaas_lifecycle.rule_name
}

output "dead_letter_queue" {
  description = "MNS queue holding events EventBridge could not deliver after its retries."
  value       = alicloud_message_service_queue.dead_letters.queue_name
}

output "intake_queue" {
  description = "MNS queue the rule delivers to when intake = mns (MNS_QUEUE of the ingest hosts); null for http."
  value       = var.intake == "mns" ? alicloud_message_service_queue.intake[0].queue_name : null
}

output "mns_endpoint" {
  description = "MNS endpoint of the account and region (MNS_ENDPOINT)."
  value       = "https://${local.account_id}.mns.${var.region}.aliyuncs.com"
}
