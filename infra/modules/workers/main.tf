# The onramp services, each on its own group of ECS hosts so each scales on its own: ingest (with the
# outbox relay), search-api, and one per consumer listed in deploy/consumers.json.
# Hosts are hardened like the compliant_infra baseline: no public IP, KMS-encrypted system disk,
# Security Center agent, metadata tokens required, RAM role instead of keys, daily snapshots.

locals {
  tags = merge({ application = "onramp" }, var.tags)

  # The consumers come from deploy/consumers.json, which `npm run deploy:consumers` writes from the one
  # module list (packages/cli/src/consumer-modules.ts); a test fails when the file is stale.
  consumers = jsondecode(file("${path.module}/../../../deploy/consumers.json")).consumers

  # Each service's process entry in the image.
  entries = merge(
    { ingest = "services/ingest/dist/main.js", search-api = "services/search-api/dist/main.js" },
    { for consumer in local.consumers : consumer.name => consumer.main },
  )

  # Hosts per service: what var.services says, else one ecs.g7.large.
  services = { for service in keys(local.entries) : service => lookup(var.services, service, { replicas = 1, instance_type = "ecs.g7.large" }) }

  # One entry per host: "ingest-1", "ingest-2", … spread over the two zones.
  hosts = merge([
    for service, spec in local.services : {
      for index in range(spec.replicas) : "${service}-${index + 1}" => {
        service       = service
        entry         = local.entries[service]
        instance_type = spec.instance_type
        zone          = var.zone_ids[index % 2]
      }
    }
  ]...)

  # The HTTP services have their own security groups; every consumer is a worker.
  security_group_of = { ingest = "ingest", search-api = "search-api" }
}

resource "alicloud_instance" "host" {
  for_each          = local.hosts
  instance_name     = "${var.name}-${each.key}"
  host_name         = "${var.name}-${each.key}"
  instance_type     = each.value.instance_type
  image_id          = var.image_id
  availability_zone = each.value.zone
  vswitch_id        = var.app_vswitch_ids[each.value.zone]
  security_groups   = [var.security_group_ids[lookup(local.security_group_of, each.value.service, "workers")]]

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
    entry           = each.value.entry
    region          = var.region
    ram_role        = var.host_ram_role_name
    image           = var.container_image
    database_host   = var.database_host
    redis_host      = var.redis_host
    search_engine   = var.search_engine
    search_host     = var.search_host
    search_ca_cert  = var.search_ca_cert
    pai_eas_url     = var.pai_eas_url
    pai_eas_model   = var.pai_eas_model
    pai_eas_token   = coalesce(var.pai_eas_token_ciphertext, "-")
    embedding_dim   = var.embedding_dimension
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
    idaas_app_id    = var.idaas_application_id
    idaas_jwks_url  = var.idaas_jwks_url
    idaas_key       = coalesce(var.idaas_encryption_key_ciphertext, "-")
    scim_token      = coalesce(var.scim_server_token_ciphertext, "-")
    mns_endpoint    = var.mns_endpoint
    mns_queue       = coalesce(var.mns_intake_queue, "-")
    mns_key_id      = coalesce(var.mns_access_key_id_ciphertext, "-")
    mns_key_secret  = coalesce(var.mns_access_key_secret_ciphertext, "-")
    hr_secret       = coalesce(var.hr_webhook_secret_ciphertext, "-")
    hr_mapping_b64  = base64encode(var.hr_mapping_json)
    idaas_scim_url  = var.idaas_scim_url
    idaas_scim_key  = coalesce(var.idaas_scim_token_ciphertext, "-")
  }))

  tags = merge(local.tags, { service = each.value.service })

  lifecycle {
    precondition {
      condition     = alltrue([for service in keys(var.services) : contains(keys(local.entries), service)])
      error_message = "var.services names a service that is neither ingest, search-api nor a consumer in deploy/consumers.json."
    }
    precondition {
      condition     = var.pai_eas_url == "" || var.pai_eas_token_ciphertext != null
      error_message = "pai_eas_url is set but pai_eas_token_ciphertext is not: every call to the EAS service needs its token."
    }
  }
}

resource "alicloud_ecs_ram_role_attachment" "host" {
  for_each      = alicloud_instance.host
  instance_id   = each.value.id
  ram_role_name = var.host_ram_role_name
}
