# BullMQ's Redis: Tair/KVStore Redis 7 in two zones, private, password + TLS, TDE with KMS.
# noeviction and AOF because a queue that silently drops jobs is worse than one that refuses them.

resource "alicloud_kvstore_instance" "queues" {
  db_instance_name            = "${var.name}-queues"
  instance_type               = "Redis"
  engine_version              = "7.0"
  instance_class              = var.redis_instance_class
  payment_type                = "PostPaid"
  zone_id                     = local.zones[0]
  secondary_zone_id           = local.zones[1]
  vswitch_id                  = alicloud_vswitch.data[local.zones[0]].id
  security_ips                = values(local.app_subnets)
  vpc_auth_mode               = local.on ? "Open" : "Close"
  kms_encrypted_password      = var.redis_password_ciphertext
  ssl_enable                  = local.on ? "Enable" : "Disable"
  tde_status                  = local.sql
  encryption_key              = alicloud_kms_key.main.id
  instance_release_protection = true
  backup_period               = ["Monday", "Wednesday", "Friday"]
  backup_time                 = "18:00Z-19:00Z"

  config = {
    "maxmemory-policy" = "noeviction"
    "appendonly"       = "yes"
  }

  tags = local.tags
}
