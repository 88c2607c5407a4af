# The event log: RDS MySQL 8.0, high-availability across two zones, private, TDE + KMS disk
# encryption, SSL with TLS 1.2+, SQL audit kept ≥ 180 days, backups copied to a second region.

resource "alicloud_db_instance" "events" {
  instance_name            = "${var.name}-events"
  engine                   = "MySQL"
  engine_version           = "8.0"
  instance_type            = var.db_instance_type
  instance_storage         = var.db_storage_gb
  db_instance_storage_type = "cloud_essd"
  category                 = "HighAvailability"
  zone_id                  = local.zones[0]
  zone_id_slave_a          = local.zones[1]
  vswitch_id               = join(",", [for zone in local.zones : alicloud_vswitch.data[zone].id])
  vpc_id                   = alicloud_vpc.main.id
  security_ips             = values(local.app_subnets)

  ssl_action                 = local.on ? "Open" : "Close"
  tde_status                 = local.sql
  encryption_key             = local.on ? alicloud_kms_key.main.id : null
  sql_collector_status       = local.sql
  sql_collector_config_value = var.log_retention_days
  auto_upgrade_minor_version = "Auto"
  deletion_protection        = true

  parameters {
    name  = "tls_version"
    value = "TLSv1.2,TLSv1.3"
  }

  tags = local.tags
}

resource "alicloud_db_database" "events" {
  instance_id    = alicloud_db_instance.events.id
  data_base_name = "onramp"
  character_set  = "utf8mb4"
}

# Two accounts: the services' (DML only: SELECT, INSERT, UPDATE, DELETE) and `onramp migrate`'s, the only
# one that may change the schema (module workers runs it once per release).
resource "alicloud_db_account" "app" {
  db_instance_id         = alicloud_db_instance.events.id
  account_name           = "onramp"
  account_type           = "Normal"
  kms_encrypted_password = var.db_password_ciphertext
}

resource "alicloud_db_account_privilege" "app" {
  instance_id  = alicloud_db_instance.events.id
  account_name = alicloud_db_account.app.account_name
  privilege    = "DMLOnly"
  db_names     = [alicloud_db_database.events.data_base_name]
}

resource "alicloud_db_account" "migrate" {
  db_instance_id         = alicloud_db_instance.events.id
  account_name           = "onramp_migrate"
  account_type           = "Normal"
  kms_encrypted_password = var.db_migrate_password_ciphertext
}

resource "alicloud_db_account_privilege" "migrate" {
  instance_id  = alicloud_db_instance.events.id
  account_name = alicloud_db_account.migrate.account_name
  privilege    = "ReadWrite"
  db_names     = [alicloud_db_database.events.data_base_name]
}

resource "alicloud_db_backup_policy" "events" {
  instance_id                 = alicloud_db_instance.events.id
  preferred_backup_period     = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
  preferred_backup_time       = "18:00Z-19:00Z"
  backup_retention_period     = var.backup_retention_days
  enable_backup_log           = local.on
  log_backup_retention_period = var.backup_retention_days
  log_backup_frequency        = "LogInterval"
}

resource "alicloud_rds_instance_cross_backup_policy" "events" {
  instance_id         = alicloud_db_instance.events.id
  cross_backup_region = var.backup_region
  log_backup_enabled  = "Enable"
  retention           = var.backup_retention_days
}
