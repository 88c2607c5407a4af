# One customer-managed key encrypts disks, databases, cache, buckets and search; it rotates
# yearly and cannot be deleted by accident.
resource "alicloud_kms_key" "main" {
  description            = "${var.name}: data at rest"
  key_spec               = "Aliyun_AES_256"
  key_usage              = "ENCRYPT/DECRYPT"
  protection_level       = "SOFTWARE"
  automatic_rotation     = local.on ? "Enabled" : "Disabled"
  rotation_interval      = "31536000s"
  pending_window_in_days = 30
  deletion_protection    = "Enabled"
  status                 = "Enabled"
  tags                   = local.tags
}

resource "alicloud_kms_alias" "main" {
  alias_name = "alias/${var.name}"
  key_id     = alicloud_kms_key.main.id
}
