# A self-managed OpenSearch 2.19+ cluster on ECS, for search_engine = "opensearch": three nodes over two
# zones in the data tier, each cluster-manager-eligible and a data node, with zone awareness so that a
# shard and its replica never share a zone (three votes over two zones: losing the zone with one node
# keeps a quorum, losing the other does not; see README), KMS-encrypted system and data
# disks, no public IP, TLS on HTTP and transport with certificates issued at boot from a CA whose key is
# held in KMS, and a security group that admits HTTPS only from the application tier.

locals {
  tags  = merge({ application = "onramp", role = "opensearch" }, var.tags)
  zones = slice(var.zone_ids, 0, 2)

  # node-1 and node-3 in the first zone, node-2 in the second; fixed private addresses, so each node's
  # discovery list and certificate are known before any instance exists.
  nodes = {
    for index in range(3) : "node-${index + 1}" => {
      zone = local.zones[index % 2]
      ip   = cidrhost(var.data_subnets[local.zones[index % 2]], 200 + index)
    }
  }
  seed_hosts = [for name in sort(keys(local.nodes)) : local.nodes[name].ip]
}

resource "alicloud_security_group" "nodes" {
  security_group_name = "${var.name}-opensearch"
  vpc_id              = var.vpc_id
  inner_access_policy = "Drop"
  tags                = local.tags
}

locals {
  node_rules = {
    # Clients: the application tier only, over HTTPS.
    "in-app-https" = { type = "ingress", protocol = "tcp", ports = "9200/9200", cidr = var.app_cidr, self = false }
    # The nodes among themselves: REST (securityadmin, health) and the TLS transport.
    "in-nodes-https"      = { type = "ingress", protocol = "tcp", ports = "9200/9200", cidr = null, self = true }
    "in-nodes-transport"  = { type = "ingress", protocol = "tcp", ports = "9300/9300", cidr = null, self = true }
    "out-nodes-https"     = { type = "egress", protocol = "tcp", ports = "9200/9200", cidr = null, self = true }
    "out-nodes-transport" = { type = "egress", protocol = "tcp", ports = "9300/9300", cidr = null, self = true }
    # KMS, OSS (the distribution and the CA), package mirrors, DNS and NTP inside Alibaba Cloud.
    "out-cloud-tls"  = { type = "egress", protocol = "tcp", ports = "443/443", cidr = var.cloud_services_cidr, self = false }
    "out-cloud-http" = { type = "egress", protocol = "tcp", ports = "80/80", cidr = var.cloud_services_cidr, self = false }
    "out-dns-udp"    = { type = "egress", protocol = "udp", ports = "53/53", cidr = var.cloud_services_cidr, self = false }
    "out-dns-tcp"    = { type = "egress", protocol = "tcp", ports = "53/53", cidr = var.cloud_services_cidr, self = false }
    "out-ntp"        = { type = "egress", protocol = "udp", ports = "123/123", cidr = var.cloud_services_cidr, self = false }
  }
}

resource "alicloud_security_group_rule" "nodes" {
  for_each                 = local.node_rules
  security_group_id        = alicloud_security_group.nodes.id
  type                     = each.value.type
  ip_protocol              = each.value.protocol
  port_range               = each.value.ports
  cidr_ip                  = each.value.cidr
  source_security_group_id = each.value.self ? alicloud_security_group.nodes.id : null
  policy                   = "accept"
  priority                 = 1
  description              = "onramp opensearch: ${each.key}"
}

resource "alicloud_security_group_rule" "deny_other_egress" {
  security_group_id = alicloud_security_group.nodes.id
  type              = "egress"
  ip_protocol       = "all"
  port_range        = "-1/-1"
  cidr_ip           = "0.0.0.0/0"
  policy            = "drop"
  priority          = 100
  description       = "onramp opensearch: default deny egress"
}

resource "alicloud_instance" "node" {
  for_each          = local.nodes
  instance_name     = "${var.name}-opensearch-${each.key}"
  host_name         = "${var.name}-opensearch-${each.key}"
  instance_type     = var.instance_type
  image_id          = var.image_id
  availability_zone = each.value.zone
  vswitch_id        = var.data_vswitch_ids[each.value.zone]
  private_ip        = each.value.ip
  security_groups   = [alicloud_security_group.nodes.id]

  internet_max_bandwidth_out          = 0
  system_disk_category                = "cloud_essd"
  system_disk_size                    = 40
  system_disk_encrypted               = var.mlps_compliance
  system_disk_kms_key_id              = var.mlps_compliance ? var.kms_key_id : null
  system_disk_auto_snapshot_policy_id = var.snapshot_policy_id
  security_enhancement_strategy       = var.mlps_compliance ? "Active" : "Deactive"
  http_endpoint                       = "enabled"
  http_tokens                         = var.mlps_compliance ? "required" : "optional"
  deletion_protection                 = true

  data_disks {
    name                    = "opensearch-data"
    category                = "cloud_essd"
    size                    = var.data_disk_size
    encrypted               = var.mlps_compliance
    kms_key_id              = var.mlps_compliance ? var.kms_key_id : null
    auto_snapshot_policy_id = var.snapshot_policy_id
    delete_with_instance    = false
  }

  user_data = base64encode(templatefile("${path.module}/templates/opensearch-node.sh.tftpl", {
    cluster         = "${var.name}-search"
    service_name    = "search.${var.private_zone}"
    node            = each.key
    node_ip         = each.value.ip
    zone            = each.value.zone
    bootstrap       = each.key == "node-1"
    seed_hosts      = join(",", local.seed_hosts)
    node_names      = join(",", sort(keys(local.nodes)))
    region          = var.region
    ram_role        = var.host_ram_role_name
    artifact        = var.artifact
    artifact_sha512 = var.artifact_sha512
    ca_cert         = var.tls_ca_cert
    ca_key          = var.tls_ca_key_ciphertext
    onramp_password = var.password_ciphertext
    heap_mb         = var.heap_mb
  }))

  tags = merge(local.tags, { node = each.key })
}

# One private name for the three nodes (a DNS round robin), so clients are not tied to one node and
# every node certificate carries the same name.
resource "alicloud_pvtz_zone" "search" {
  zone_name = var.private_zone
  remark    = "onramp: search cluster"
}

resource "alicloud_pvtz_zone_attachment" "search" {
  zone_id = alicloud_pvtz_zone.search.id
  vpc_ids = [var.vpc_id]
}

resource "alicloud_pvtz_zone_record" "node" {
  for_each = local.nodes
  zone_id  = alicloud_pvtz_zone.search.id
  rr       = "search"
  type     = "A"
  value    = each.value.ip
  ttl      = 60
}

resource "alicloud_ecs_ram_role_attachment" "node" {
  for_each      = alicloud_instance.node
  instance_id   = each.value.id
  ram_role_name = var.host_ram_role_name
}
