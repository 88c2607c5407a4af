# VPC with an application and a data vSwitch in each of two zones, a NAT gateway for the
# workers' outbound calls (no instance has a public address), and flow logs for the boundary.

resource "alicloud_vpc" "main" {
  vpc_name   = var.name
  cidr_block = var.vpc_cidr
  tags       = local.tags
}

resource "alicloud_vswitch" "app" {
  for_each     = local.app_subnets
  vswitch_name = "${var.name}-app-${each.key}"
  vpc_id       = alicloud_vpc.main.id
  cidr_block   = each.value
  zone_id      = each.key
  tags         = local.tags
}

resource "alicloud_vswitch" "data" {
  for_each     = local.data_subnets
  vswitch_name = "${var.name}-data-${each.key}"
  vpc_id       = alicloud_vpc.main.id
  cidr_block   = each.value
  zone_id      = each.key
  tags         = local.tags
}

resource "alicloud_nat_gateway" "egress" {
  vpc_id               = alicloud_vpc.main.id
  nat_gateway_name     = "${var.name}-egress"
  nat_type             = "Enhanced"
  payment_type         = "PayAsYouGo"
  internet_charge_type = "PayByLcu"
  network_type         = "internet"
  vswitch_id           = alicloud_vswitch.app[local.zones[0]].id
  deletion_protection  = true
  tags                 = local.tags
}

resource "alicloud_eip_address" "egress" {
  address_name         = "${var.name}-egress"
  bandwidth            = "10"
  internet_charge_type = "PayByTraffic"
  payment_type         = "PayAsYouGo"
  deletion_protection  = true
  tags                 = local.tags
}

resource "alicloud_eip_association" "egress" {
  allocation_id = alicloud_eip_address.egress.id
  instance_id   = alicloud_nat_gateway.egress.id
  instance_type = "Nat"
}

resource "alicloud_snat_entry" "app" {
  for_each          = alicloud_vswitch.app
  snat_table_id     = alicloud_nat_gateway.egress.snat_table_ids
  source_vswitch_id = each.value.id
  snat_ip           = alicloud_eip_address.egress.ip_address
  depends_on        = [alicloud_eip_association.egress]
}

resource "alicloud_vpc_flow_log" "main" {
  flow_log_name  = "${var.name}-vpc"
  resource_type  = "VPC"
  resource_id    = alicloud_vpc.main.id
  traffic_type   = "All"
  project_name   = alicloud_log_project.audit.project_name
  log_store_name = alicloud_log_store.audit["vpc-flow"].logstore_name
}

# Security groups: one per role. Nothing accepts traffic from the internet; the only inbound
# paths are VPC → internal ALB (EventBridge's private-network ENIs, in-VPC callers of search)
# and ALB → service ports. Egress is listed port by port and everything else is dropped.
locals {
  security_groups = toset(["alb", "ingest", "search-api", "workers", "eventbridge", "endpoints", "pai-eas"])

  # Alibaba Cloud service endpoints inside the VPC (DNS, NTP, metadata, KMS, OSS, ACR, SLS).
  cloud_services = "100.64.0.0/10"

  service_egress = {
    mysql      = { protocol = "tcp", ports = "3306/3306", cidr = local.data_cidr }
    redis      = { protocol = "tcp", ports = "6379/6379", cidr = local.data_cidr }
    search     = { protocol = "tcp", ports = "9200/9200", cidr = local.data_cidr }
    cloud-http = { protocol = "tcp", ports = "80/80", cidr = local.cloud_services }
    cloud-tls  = { protocol = "tcp", ports = "443/443", cidr = local.cloud_services }
    endpoints  = { protocol = "tcp", ports = "443/443", cidr = local.app_cidr }
    dns-udp    = { protocol = "udp", ports = "53/53", cidr = local.cloud_services }
    dns-tcp    = { protocol = "tcp", ports = "53/53", cidr = local.cloud_services }
    ntp        = { protocol = "udp", ports = "123/123", cidr = local.cloud_services }
  }

  sg_rules = merge(
    {
      for pair in setproduct(["ingest", "search-api", "workers"], keys(local.service_egress)) :
      "${pair[0]}-out-${pair[1]}" => merge(local.service_egress[pair[1]], { group = pair[0], type = "egress", source_group = null })
    },
    {
      # Mailer (Resend), gitbook-sync (GitBook SCIM) and indexer (embedding API) call HTTPS APIs on the internet.
      "workers-out-internet-tls" = { group = "workers", type = "egress", protocol = "tcp", ports = "443/443", cidr = "0.0.0.0/0", source_group = null }
      "alb-in-https"             = { group = "alb", type = "ingress", protocol = "tcp", ports = "443/443", cidr = var.vpc_cidr, source_group = null }
      "alb-in-search"            = { group = "alb", type = "ingress", protocol = "tcp", ports = "8443/8443", cidr = var.vpc_cidr, source_group = null }
      "alb-out-ingest"           = { group = "alb", type = "egress", protocol = "tcp", ports = "8080/8080", cidr = local.app_cidr, source_group = null }
      "alb-out-search"           = { group = "alb", type = "egress", protocol = "tcp", ports = "8081/8081", cidr = local.app_cidr, source_group = null }
      "ingest-in-alb"            = { group = "ingest", type = "ingress", protocol = "tcp", ports = "8080/8080", cidr = null, source_group = "alb" }
      "search-api-in-alb"        = { group = "search-api", type = "ingress", protocol = "tcp", ports = "8081/8081", cidr = null, source_group = "alb" }
      "eventbridge-out-alb"      = { group = "eventbridge", type = "egress", protocol = "tcp", ports = "443/443", cidr = local.app_cidr, source_group = null }
      # PrivateLink endpoint ENIs and PAI-EAS's VPC direct connection ENIs accept HTTPS from the application tier only.
      "endpoints-in-app" = { group = "endpoints", type = "ingress", protocol = "tcp", ports = "443/443", cidr = local.app_cidr, source_group = null }
      "pai-eas-in-app"   = { group = "pai-eas", type = "ingress", protocol = "tcp", ports = "443/443", cidr = local.app_cidr, source_group = null }
    },
  )
}

resource "alicloud_security_group" "role" {
  for_each            = local.security_groups
  security_group_name = "${var.name}-${each.key}"
  vpc_id              = alicloud_vpc.main.id
  inner_access_policy = "Drop"
  tags                = local.tags
}

resource "alicloud_security_group_rule" "allow" {
  for_each                 = local.sg_rules
  security_group_id        = alicloud_security_group.role[each.value.group].id
  type                     = each.value.type
  ip_protocol              = each.value.protocol
  port_range               = each.value.ports
  cidr_ip                  = each.value.cidr
  source_security_group_id = each.value.source_group == null ? null : alicloud_security_group.role[each.value.source_group].id
  policy                   = "accept"
  priority                 = 1
  description              = "onramp: ${each.key}"
}

# Lowest priority: whatever the rules above do not allow out is dropped.
resource "alicloud_security_group_rule" "deny_other_egress" {
  for_each          = local.security_groups
  security_group_id = alicloud_security_group.role[each.key].id
  type              = "egress"
  ip_protocol       = "all"
  port_range        = "-1/-1"
  cidr_ip           = "0.0.0.0/0"
  policy            = "drop"
  priority          = 100
  description       = "onramp: default deny egress"
}
