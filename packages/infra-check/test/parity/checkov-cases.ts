// One failing and one compliant configuration per Checkov alicloud check whose resource type onramp
// supports, written from what the check's source does (bridgecrewio/checkov 03d5fdad8d61,
// checkov/terraform/checks/resource/alicloud and graph_checks/alicloud). Checks on types onramp does
// not use (RAM password policy 13–19, 23; MFA 24; API Gateway 21; ACK 26, 31; MongoDB 41–44) have none.
import type { ParityCase } from './parity-case.js';

const bucket = (body = '') => `resource "alicloud_oss_bucket" "b" {\n  bucket = "b"\n${body}}\n`;
const rule = (body: string) => `resource "alicloud_security_group_rule" "r" {\n  security_group_id = "sg-1"\n${body}}\n`;
const db = (body: string) => `resource "alicloud_db_instance" "d" {\n${body}}\n`;
const pgParameter = (name: string, value?: string) =>
  db(`  engine = "PostgreSQL"\n${value === undefined ? '' : `  parameters {\n    name  = "${name}"\n    value = "${value}"\n  }\n`}`);

export const CHECKOV_CASES: Record<string, ParityCase> = {
  // Graph check: fails a bucket whose acl, or whose connected alicloud_oss_bucket_acl, is public.
  CKV_ALI_1: {
    fail: bucket() + 'resource "alicloud_oss_bucket_acl" "a" {\n  bucket = alicloud_oss_bucket.b.bucket\n  acl    = "public-read"\n}\n',
    pass: bucket() + 'resource "alicloud_oss_bucket_acl" "a" {\n  bucket = alicloud_oss_bucket.b.bucket\n  acl    = "private"\n}\n',
  },
  // Ingress rule whose port_range covers 22 (3389) from 0.0.0.0/0.
  CKV_ALI_2: { fail: rule('  type        = "ingress"\n  ip_protocol = "tcp"\n  port_range  = "20/30"\n  cidr_ip     = "0.0.0.0/0"\n'), pass: rule('  type        = "ingress"\n  ip_protocol = "tcp"\n  port_range  = "22/22"\n  cidr_ip     = "10.0.0.0/8"\n') },
  CKV_ALI_3: { fail: rule('  type        = "ingress"\n  ip_protocol = "tcp"\n  port_range  = "3389/3389"\n  cidr_ip     = "0.0.0.0/0"\n'), pass: rule('  type        = "ingress"\n  ip_protocol = "tcp"\n  port_range  = "22/22"\n  cidr_ip     = "0.0.0.0/0"\n') },
  // trail_region must be "All"; missing passes (missing_block_result PASSED).
  CKV_ALI_4: { fail: 'resource "alicloud_actiontrail_trail" "t" {\n  trail_name   = "t"\n  trail_region = "cn-hangzhou"\n}\n', pass: 'resource "alicloud_actiontrail_trail" "t" {\n  trail_name = "t"\n}\n' },
  // event_rw must be "All"; missing fails.
  CKV_ALI_5: { fail: 'resource "alicloud_actiontrail_trail" "t" {\n  trail_name = "t"\n}\n', pass: 'resource "alicloud_actiontrail_trail" "t" {\n  trail_name = "t"\n  event_rw   = "All"\n}\n' },
  // server_side_encryption_rule[0].kms_master_key_id must be set.
  CKV_ALI_6: {
    fail: bucket('  server_side_encryption_rule {\n    sse_algorithm = "KMS"\n  }\n'),
    pass: bucket('  server_side_encryption_rule {\n    sse_algorithm     = "KMS"\n    kms_master_key_id = "key-1"\n  }\n'),
  },
  // alicloud_disk: encrypted must be true (a disk from a snapshot is UNKNOWN).
  CKV_ALI_7: { fail: 'resource "alicloud_disk" "d" {\n  size = 20\n}\n', pass: 'resource "alicloud_disk" "d" {\n  encrypted = true\n}\n' },
  // alicloud_disk: encrypted and a kms_key_id.
  CKV_ALI_8: { fail: 'resource "alicloud_disk" "d" {\n  encrypted = true\n}\n', pass: 'resource "alicloud_disk" "d" {\n  encrypted  = true\n  kms_key_id = "key-1"\n}\n' },
  // security_ips containing 0.0.0.0 or 0.0.0.0/0.
  CKV_ALI_9: { fail: db('  security_ips = ["0.0.0.0/0"]\n'), pass: db('  security_ips = ["10.0.0.0/8"]\n') },
  // versioning[0].status must be "Enabled".
  CKV_ALI_10: { fail: bucket('  versioning {\n    status = "Suspended"\n  }\n'), pass: bucket('  versioning {\n    status = "Enabled"\n  }\n') },
  // transfer_acceleration[0].enabled must be true.
  CKV_ALI_11: { fail: bucket('  transfer_acceleration {\n    enabled = false\n  }\n'), pass: bucket('  transfer_acceleration {\n    enabled = true\n  }\n') },
  // logging must be present.
  CKV_ALI_12: { fail: bucket(), pass: bucket('  logging {\n    target_bucket = "logs"\n  }\n') },
  // ssl_action in Open / Update.
  CKV_ALI_20: { fail: db('  ssl_action = "Close"\n'), pass: db('  ssl_action = "Open"\n') },
  // MySQL / SQLServer of a TDE-capable version: tde_status must be "Enabled".
  CKV_ALI_22: { fail: db('  engine         = "MySQL"\n  engine_version = "8.0"\n'), pass: db('  engine         = "MySQL"\n  engine_version = "8.0"\n  tde_status     = "Enabled"\n') },
  // sql_collector_status "Enabled" and sql_collector_config_value ≥ 180.
  CKV_ALI_25: {
    fail: db('  sql_collector_status       = "Enabled"\n  sql_collector_config_value = 30\n'),
    pass: db('  sql_collector_status       = "Enabled"\n  sql_collector_config_value = 180\n'),
  },
  // automatic_rotation must be "Enabled"; missing fails.
  CKV_ALI_27: { fail: 'resource "alicloud_kms_key" "k" {\n  description = "k"\n}\n', pass: 'resource "alicloud_kms_key" "k" {\n  automatic_rotation = "Enabled"\n}\n' },
  // status must be "Enabled"; missing passes.
  CKV_ALI_28: { fail: 'resource "alicloud_kms_key" "k" {\n  status = "Disabled"\n}\n', pass: 'resource "alicloud_kms_key" "k" {\n  description = "k"\n}\n' },
  // entry must not be 0.0.0.0/0.
  CKV_ALI_29: { fail: 'resource "alicloud_alb_acl_entry_attachment" "e" {\n  acl_id = "acl-1"\n  entry  = "0.0.0.0/0"\n}\n', pass: 'resource "alicloud_alb_acl_entry_attachment" "e" {\n  acl_id = "acl-1"\n  entry  = "10.0.0.0/8"\n}\n' },
  // auto_upgrade_minor_version must be "Auto"; missing fails.
  CKV_ALI_30: { fail: db('  auto_upgrade_minor_version = "Manual"\n'), pass: db('  auto_upgrade_minor_version = "Auto"\n') },
  // every data_disks block encrypted = true.
  CKV_ALI_32: {
    fail: 'resource "alicloud_ecs_launch_template" "l" {\n  data_disks {\n    encrypted = true\n  }\n  data_disks {\n    encrypted = false\n  }\n}\n',
    pass: 'resource "alicloud_ecs_launch_template" "l" {\n  data_disks {\n    encrypted = true\n  }\n}\n',
  },
  // tls_versions must not contain TLSv1.0 / TLSv1.1.
  CKV_ALI_33: {
    fail: 'resource "alicloud_slb_tls_cipher_policy" "p" {\n  tls_versions = ["TLSv1.1", "TLSv1.2"]\n  ciphers      = ["ECDHE-RSA-AES128-GCM-SHA256"]\n}\n',
    pass: 'resource "alicloud_slb_tls_cipher_policy" "p" {\n  tls_versions = ["TLSv1.2"]\n  ciphers      = ["ECDHE-RSA-AES128-GCM-SHA256"]\n}\n',
  },
  // A parameters block with the name and value "on" in any case. (Checkov also fails non-PostgreSQL
  // instances; onramp deliberately does not: see the README.)
  CKV_ALI_35: { fail: pgParameter('log_duration'), pass: pgParameter('log_duration', 'ON') },
  CKV_ALI_36: { fail: pgParameter('log_disconnections', 'off'), pass: pgParameter('log_disconnections', 'on') },
  CKV_ALI_37: { fail: pgParameter('log_connections'), pass: pgParameter('log_connections', 'On') },
  // variable_map.rds_enabled must be true.
  CKV_ALI_38: {
    fail: 'resource "alicloud_log_audit" "a" {\n  display_name = "a"\n  aliuid       = "1"\n  variable_map = {\n    rds_enabled = "false"\n  }\n}\n',
    pass: 'resource "alicloud_log_audit" "a" {\n  display_name = "a"\n  aliuid       = "1"\n  variable_map = {\n    rds_enabled = "true"\n  }\n}\n',
  },
};
