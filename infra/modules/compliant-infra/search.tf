# Search index for the indexer and search-api when search_engine = "elasticsearch": Alibaba Cloud
# Elasticsearch 8.x across two zones, private endpoints with whitelists, HTTPS, encrypted data disks,
# password from KMS ciphertext. With search_engine = "opensearch" the opensearch-cluster module builds
# a self-managed cluster on ECS instead, and this instance is not created.

resource "alicloud_elasticsearch_instance" "search" {
  count                  = var.search_engine == "elasticsearch" ? 1 : 0
  description            = "${var.name}-search"
  version                = var.search_version
  vswitch_id             = alicloud_vswitch.data[local.zones[0]].id
  zone_count             = 2
  payment_type           = "PayAsYouGo"
  kms_encrypted_password = var.search_password_ciphertext
  protocol               = local.on ? "HTTPS" : "HTTP"

  enable_public                 = false
  enable_kibana_public_network  = false
  enable_kibana_private_network = true
  private_whitelist             = values(local.app_subnets)
  kibana_private_whitelist      = values(local.app_subnets)

  data_node_configuration {
    spec            = var.search_data_node_spec
    amount          = 2
    disk            = 100
    disk_type       = "cloud_essd"
    disk_encryption = local.on
  }

  master_configuration {
    spec      = "elasticsearch.sn2ne.large"
    amount    = 3
    disk      = 20
    disk_type = "cloud_essd"
  }

  kibana_configuration {
    spec = "elasticsearch.sn1ne.large"
  }

  tags = local.tags
}
