output "rule_name" {
  description = "EventBridge rule that delivers IDaaS lifecycle events to ingest."
  value       = alicloud_event_bridge_rule.idaas_lifecycle.rule_name
}

output "dead_letter_queue" {
  description = "MNS queue holding events EventBridge could not deliver after its retries."
  value       = alicloud_message_service_queue.dead_letters.queue_name
}
