# PrivateLink interface endpoints: the hosts reach the cloud services they call (OSS, KMS, Log
# Service, MNS, EventBridge) through ENIs in the application vSwitches, one per zone, instead of
# over the internet or the shared service range. The endpoint service names differ per region and
# are taken from the PrivateLink console's list of Alibaba Cloud services (var.privatelink_service_names).
# PAI-EAS is reached through its VPC direct connection instead: the EAS service is given the
# vSwitch and security group in output pai_eas_vpc_direct_connection.

locals {
  privatelink_services = toset(["oss", "kms", "sls", "mns", "eventbridge"])
  privatelink_zones = local.on ? {
    for pair in setproduct(local.privatelink_services, local.zones) : "${pair[0]}-${pair[1]}" => { service = pair[0], zone = pair[1] }
  } : {}
}

resource "alicloud_privatelink_vpc_endpoint" "service" {
  for_each             = local.on ? local.privatelink_services : toset([])
  vpc_id               = alicloud_vpc.main.id
  service_name         = var.privatelink_service_names[each.key]
  endpoint_type        = "Interface"
  vpc_endpoint_name    = "${var.name}-${each.key}"
  endpoint_description = "onramp: ${each.key} over PrivateLink"
  security_group_ids   = [alicloud_security_group.role["endpoints"].id]
  tags                 = local.tags
}

resource "alicloud_privatelink_vpc_endpoint_zone" "service" {
  for_each    = local.privatelink_zones
  endpoint_id = alicloud_privatelink_vpc_endpoint.service[each.value.service].id
  vswitch_id  = alicloud_vswitch.app[each.value.zone].id
  zone_id     = each.value.zone
}
