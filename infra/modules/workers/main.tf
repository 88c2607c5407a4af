# The five onramp services, each on its own group of ECS hosts so each scales on its own.
# Hosts are hardened like the compliant_infra baseline: no public IP, KMS-encrypted system disk,
# Security Center agent, metadata tokens required, RAM role instead of keys, daily snapshots.

locals {
  tags = merge({ application = "onramp" }, var.tags)

  # One entry per host: "ingest-1", "ingest-2", … spread over the two zones.
  hosts = merge([
    for service, spec in var.services : {
      for index in range(spec.replicas) : "${service}-${index + 1}" => {
        service       = service
        instance_type = spec.instance_type
        zone          = var.zone_ids[index % 2]
      }
    }
  ]...)

  security_group_of = {
    ingest       = "ingest"
    search-api   = "search-api"
    mailer       = "workers"
    gitbook-sync = "workers"
    indexer      = "workers"
  }
}

resource "alicloud_instance" "host" {
  for_each          = local.hosts
  instance_name     = "${var.name}-${each.key}"
  host_name         = "${var.name}-${each.key}"
  instance_type     = each.value.instance_type
  image_id          = var.image_id
  availability_zone = each.value.zone
  vswitch_id        = var.app_vswitch_ids[each.value.zone]
  security_groups   = [var.security_group_ids[local.security_group_of[each.value.service]]]

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

  user_data = base64encode(templatefile("${path.module}/templates/cloud-init.sh.tftpl", {
    service         = each.value.service
    region          = var.region
    ram_role        = var.host_ram_role_name
    image           = var.container_image
    database_host   = var.database_host
    redis_host      = var.redis_host
    search_host     = var.search_host
    gitbook_url     = var.gitbook_scim_url
    jwks_url        = var.search_jwks_url
    jwt_audience    = var.search_jwt_audience
    jwt_issuer      = var.search_jwt_issuer
    db_password     = var.db_password_ciphertext
    redis_password  = var.redis_password_ciphertext
    search_password = var.search_password_ciphertext
    ingest_token    = var.ingest_token_ciphertext
    admin_token     = var.admin_token_ciphertext
    resend_key      = coalesce(var.resend_api_key_ciphertext, "-")
    gitbook_token   = coalesce(var.gitbook_scim_token_ciphertext, "-")
  }))

  tags = merge(local.tags, { service = each.value.service })
}

resource "alicloud_ecs_ram_role_attachment" "host" {
  for_each      = alicloud_instance.host
  instance_id   = each.value.id
  ram_role_name = var.host_ram_role_name
}
