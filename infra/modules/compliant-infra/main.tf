# MLPS 2.0 (GB/T 22239-2019) level-3 foundation for onramp: network, compute baseline, database,
# cache, storage, search and audit. Every switch that hardening depends on follows
# var.mlps_compliance so `onramp infra check` can show what turning it off would cost.

data "alicloud_caller_identity" "current" {}

locals {
  account_id = data.alicloud_caller_identity.current.account_id
  zones      = slice(var.zone_ids, 0, 2)
  tags       = merge({ application = "onramp", compliance = "mlps2-level3" }, var.tags)

  # Application tier in the VPC's first /20, data tier in its second, one /21 per zone each.
  app_cidr  = cidrsubnet(var.vpc_cidr, 4, 0)
  data_cidr = cidrsubnet(var.vpc_cidr, 4, 1)
  app_subnets = {
    for index, zone in local.zones : zone => cidrsubnet(local.app_cidr, 1, index)
  }
  data_subnets = {
    for index, zone in local.zones : zone => cidrsubnet(local.data_cidr, 1, index)
  }

  on  = var.mlps_compliance
  sql = var.mlps_compliance ? "Enabled" : "Disabled"
}
