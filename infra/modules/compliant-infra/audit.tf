# Security management centre: ActionTrail records every API call in every region into Log
# Service; flow logs and ALB access logs land in the same project; logs are encrypted and kept
# ≥ 180 days; Log Audit collects the RDS audit log centrally.

resource "alicloud_log_project" "audit" {
  project_name = "${var.name}-audit-${local.account_id}"
  description  = "onramp audit: ActionTrail, VPC flow logs, ALB access logs"
  tags         = local.tags
}

locals {
  trail_name = "${var.name}-trail"
  # ActionTrail writes to the logstore named actiontrail_<trail>; creating it here sets its retention and encryption.
  logstores = {
    actiontrail = "actiontrail_${local.trail_name}"
    vpc-flow    = "vpc-flow"
    alb-access  = "alb-access"
  }
}

resource "alicloud_log_store" "audit" {
  for_each              = local.logstores
  project_name          = alicloud_log_project.audit.project_name
  logstore_name         = each.value
  retention_period      = var.log_retention_days
  shard_count           = 2
  auto_split            = true
  max_split_shard_count = 16

  encrypt_conf {
    enable       = local.on
    encrypt_type = "default"
  }
}

resource "alicloud_actiontrail_trail" "all" {
  trail_name         = local.trail_name
  status             = "Enable"
  event_rw           = "All"
  trail_region       = "All"
  sls_project_arn    = "acs:log:${var.region}:${local.account_id}:project/${alicloud_log_project.audit.project_name}"
  sls_write_role_arn = "acs:ram::${local.account_id}:role/aliyunactiontraildefaultrole"
  depends_on         = [alicloud_log_store.audit]
}

resource "alicloud_log_audit" "central" {
  display_name = "${var.name}-audit"
  aliuid       = local.account_id
  variable_map = {
    actiontrail_enabled = "true"
    actiontrail_ttl     = tostring(var.log_retention_days)
    rds_enabled         = local.on ? "true" : "false"
    rds_ttl             = tostring(var.log_retention_days)
    oss_enabled         = "true"
    oss_ttl             = tostring(var.log_retention_days)
    vpc_flow_enabled    = "true"
    vpc_flow_ttl        = tostring(var.log_retention_days)
  }
}
