// One failing and one compliant configuration per Alibaba Cloud Config managed rule onramp maps to
// (rules/known-ids.ts), written from the rule's documented evaluation logic as far as a
// configuration can show it (Config evaluates the live resource; here its Terraform definition).
import type { ParityCase } from './parity-case.js';

const r = (type: string, name: string, body: string) => `resource "${type}" "${name}" {\n${body}}\n`;
const bucket = (body = '') => r('alicloud_oss_bucket', 'b', `  bucket = "b"\n${body}`);
const policy = (statement: string) => `${bucket()}resource "alicloud_oss_bucket_policy" "p" {\n  bucket = alicloud_oss_bucket.b.bucket\n  policy = jsonencode({ Version = "1", Statement = [${statement}] })\n}\ndata "alicloud_caller_identity" "me" {}\n`;
const own = 'data.alicloud_caller_identity.me.account_id';
const sg = (body: string) => r('alicloud_security_group_rule', 'r', `  security_group_id = "sg-1"\n${body}`);
const ingress = (ports: string, cidr: string, protocol = 'tcp') => sg(`  type        = "ingress"\n  ip_protocol = "${protocol}"\n  port_range  = "${ports}"\n  cidr_ip     = "${cidr}"\n`);
const db = (body: string) => r('alicloud_db_instance', 'd', body);
const redis = (body: string) => r('alicloud_kvstore_instance', 'k', body);
const es = (body: string) => r('alicloud_elasticsearch_instance', 'e', body);
const instance = (body: string) => r('alicloud_instance', 'i', body);
const alb = (zones: number, type = 'Intranet') =>
  r('alicloud_alb_load_balancer', 'a', `  address_type = "${type}"\n${Array.from({ length: zones }, (_v, i) => `  zone_mappings {\n    zone_id    = "z${i}"\n    vswitch_id = "v${i}"\n  }\n`).join('')}`);
const trail = (body: string) => r('alicloud_actiontrail_trail', 't', `  trail_name = "t"\n${body}`);
const backup = (log: boolean) =>
  db('  engine = "MySQL"\n') + r('alicloud_db_backup_policy', 'p', `  instance_id                 = alicloud_db_instance.d.id\n  enable_backup_log           = ${log}\n  backup_retention_period     = 7\n  log_backup_retention_period = 7\n`);
const tls = (versions: string) => db(`  engine = "MySQL"\n  parameters {\n    name  = "tls_version"\n    value = "${versions}"\n  }\n`);
const acl = (entry: string) => r('alicloud_network_acl', 'n', `  vpc_id = "vpc-1"\n  ingress_acl_entries {\n    protocol       = "tcp"\n    port           = "${entry}"\n    source_cidr_ip = "0.0.0.0/0"\n    policy         = "accept"\n  }\n`);
const eips = (a: number, b: number) =>
  r('alicloud_eip_address', 'a', `  bandwidth = "${a}"\n`) + r('alicloud_eip_address', 'b', `  bandwidth = "${b}"\n`) +
  r('alicloud_snat_entry', 's', '  snat_table_id = "stb-1"\n  snat_ip       = "${alicloud_eip_address.a.ip_address},${alicloud_eip_address.b.ip_address}"\n');
const publicEs = '  enable_public                = false\n  enable_kibana_public_network = false\n  private_whitelist            = ["10.0.0.0/8"]\n';

export const CONFIG_CASES: Record<string, ParityCase> = {
  'actiontrail-trail-intact-enabled': { fail: trail('  status = "Disable"\n  event_rw = "All"\n'), pass: trail('  event_rw = "All"\n') },
  'alb-acl-public-access-check': { fail: r('alicloud_alb_acl_entry_attachment', 'e', '  acl_id = "acl-1"\n  entry  = "0.0.0.0/0"\n'), pass: r('alicloud_alb_acl_entry_attachment', 'e', '  acl_id = "acl-1"\n  entry  = "10.0.0.0/8"\n') },
  'alb-address-type-check': { fail: alb(2, 'Internet'), pass: alb(2) },
  'alb-all-listener-enabled-acl': {
    fail: r('alicloud_alb_listener', 'l', '  listener_protocol = "HTTPS"\n'),
    pass: r('alicloud_alb_listener', 'l', '  listener_protocol = "HTTPS"\n') + r('alicloud_alb_listener_acl_attachment', 'a', '  listener_id = alicloud_alb_listener.l.id\n  acl_id      = "acl-1"\n  acl_type    = "White"\n'),
  },
  'alb-instance-multi-zone': { fail: alb(1), pass: alb(2) },
  'ecs-disk-all-encrypted-by-kms': { fail: r('alicloud_disk', 'd', '  encrypted = true\n'), pass: r('alicloud_disk', 'd', '  encrypted  = true\n  kms_key_id = "key-1"\n') },
  'ecs-disk-auto-snapshot-policy': { fail: instance('  vswitch_id = "v"\n'), pass: instance('  system_disk_auto_snapshot_policy_id = "sp-1"\n') },
  'ecs-in-use-disk-encrypted': { fail: instance('  system_disk_encrypted = false\n'), pass: instance('  system_disk_encrypted = true\n') },
  'ecs-instance-enabled-security-protection': { fail: instance('  security_enhancement_strategy = "Deactive"\n'), pass: instance('  security_enhancement_strategy = "Active"\n') },
  'ecs-instance-meta-data-mode-check': { fail: instance('  http_tokens = "optional"\n'), pass: instance('  http_tokens = "required"\n') },
  'ecs-instance-no-public-ip': { fail: instance('  internet_max_bandwidth_out = 5\n'), pass: instance('  vswitch_id = "v"\n') },
  'ecs-running-instance-no-public-ip': {
    fail: instance('  vswitch_id = "v"\n') + r('alicloud_eip_association', 'e', '  allocation_id = "eip-1"\n  instance_id   = alicloud_instance.i.id\n'),
    pass: instance('  internet_max_bandwidth_out = 0\n'),
  },
  'ecs-instance-ram-role-attached': {
    fail: instance('  vswitch_id = "v"\n'),
    pass: instance('  vswitch_id = "v"\n') + r('alicloud_ecs_ram_role_attachment', 'a', '  instance_id   = alicloud_instance.i.id\n  ram_role_name = "host"\n'),
  },
  'ecs-instances-in-vpc': { fail: instance('  instance_name = "i"\n'), pass: instance('  vswitch_id = "v"\n') },
  'ecs-launch-template-version-data-disk-encrypted': {
    fail: r('alicloud_ecs_launch_template', 'l', '  data_disks {\n    encrypted = false\n  }\n'),
    pass: r('alicloud_ecs_launch_template', 'l', '  data_disks {\n    encrypted = true\n  }\n'),
  },
  'ecs-security-group-egress-not-all-access': {
    fail: sg('  type        = "egress"\n  ip_protocol = "all"\n  port_range  = "-1/-1"\n  cidr_ip     = "0.0.0.0/0"\n'),
    pass: sg('  type        = "egress"\n  ip_protocol = "tcp"\n  port_range  = "443/443"\n  cidr_ip     = "0.0.0.0/0"\n'),
  },
  'ecs-security-group-not-internet-cidr-access': { fail: ingress('443/443', '8.8.8.0/24'), pass: ingress('443/443', '10.0.0.0/8') },
  'ecs-security-group-risky-ports-check-with-protocol': { fail: ingress('3306/3306', '0.0.0.0/0'), pass: ingress('3306/3306', '0.0.0.0/0', 'icmp') },
  'eip-bandwidth-limit': { fail: r('alicloud_eip_address', 'e', '  bandwidth = "5"\n'), pass: r('alicloud_eip_address', 'e', '  bandwidth = "10"\n') },
  'elasticsearch-instance-enabled-data-node-encryption': {
    fail: es('  data_node_configuration {\n    disk_encryption = false\n  }\n'),
    pass: es('  data_node_configuration {\n    disk_encryption = true\n  }\n'),
  },
  'elasticsearch-instance-enabled-kibana-public-check': { fail: es('  enable_public     = false\n  private_whitelist = ["10.0.0.0/8"]\n'), pass: es(publicEs) },
  'elasticsearch-instance-enabled-node-config-disk-encryption': {
    fail: es('  data_node_configuration {\n    disk_encryption = "false"\n  }\n'),
    pass: es('  data_node_configuration {\n    disk_encryption = "true"\n  }\n'),
  },
  'elasticsearch-instance-multi-zone': { fail: es('  zone_count = 1\n'), pass: es('  zone_count = 2\n') },
  'elasticsearch-public-and-any-ip-access-check': {
    fail: es('  enable_public                = true\n  enable_kibana_public_network = false\n  private_whitelist            = ["10.0.0.0/8"]\n'),
    pass: es(publicEs),
  },
  'kms-key-rotation-enabled': { fail: r('alicloud_kms_key', 'k', '  automatic_rotation = "Disabled"\n'), pass: r('alicloud_kms_key', 'k', '  automatic_rotation = "Enabled"\n') },
  'nat-risk-ports-check': {
    fail: r('alicloud_forward_entry', 'f', '  forward_table_id = "ftb-1"\n  external_ip      = "1.2.3.4"\n  external_port    = "22"\n  ip_protocol      = "tcp"\n  internal_ip      = "10.0.0.5"\n  internal_port    = "22"\n'),
    pass: r('alicloud_forward_entry', 'f', '  forward_table_id = "ftb-1"\n  external_ip      = "1.2.3.4"\n  external_port    = "443"\n  ip_protocol      = "tcp"\n  internal_ip      = "10.0.0.5"\n  internal_port    = "443"\n'),
  },
  'natgateway-snat-eip-bandwidth-check': { fail: eips(10, 20), pass: eips(20, 20) },
  'oss-bucket-anonymous-prohibited': {
    fail: policy('{ Effect = "Allow", Action = ["oss:GetObject"], Principal = ["*"], Resource = ["acs:oss:*:*:b/*"] }'),
    pass: policy(`{ Effect = "Allow", Action = ["oss:GetObject"], Principal = [${own}], Resource = ["acs:oss:*:*:b/*"] }`),
  },
  'oss-bucket-authorize-specified-ip': {
    fail: policy(`{ Effect = "Allow", Action = ["oss:GetObject"], Principal = [${own}], Resource = ["acs:oss:*:*:b/*"] }`),
    pass: policy(`{ Effect = "Allow", Action = ["oss:GetObject"], Principal = [${own}], Resource = ["acs:oss:*:*:b/*"], Condition = { IpAddress = { "acs:SourceIp" = ["10.0.0.0/8"] } } }`),
  },
  'oss-bucket-only-https-enabled': {
    fail: bucket(),
    pass: policy('{ Effect = "Deny", Action = ["oss:*"], Principal = ["*"], Resource = ["acs:oss:*:*:b/*"], Condition = { Bool = { "acs:SecureTransport" = ["false"] } } }'),
  },
  'oss-bucket-policy-no-any-anonymous': {
    fail: policy('{ Effect = "Allow", Action = ["oss:*"], Principal = ["*"], Resource = ["acs:oss:*:*:b/*"] }'),
    pass: policy('{ Effect = "Deny", Action = ["oss:*"], Principal = ["*"], Resource = ["acs:oss:*:*:b/*"], Condition = { Bool = { "acs:SecureTransport" = ["false"] } } }'),
  },
  'oss-bucket-policy-outside-organization-check': {
    fail: policy('{ Effect = "Allow", Action = ["oss:GetObject"], Principal = ["1234567890123456"], Resource = ["acs:oss:*:*:b/*"] }'),
    pass: policy(`{ Effect = "Allow", Action = ["oss:GetObject"], Principal = [${own}], Resource = ["acs:oss:*:*:b/*"] }`),
  },
  'oss-bucket-public-read-prohibited': { fail: bucket('  acl = "public-read"\n'), pass: bucket('  acl = "private"\n') },
  // Public read alone is not a public-write finding: the finding carries only the read rule.
  'oss-bucket-public-write-prohibited': { fail: bucket('  acl = "public-read-write"\n'), pass: bucket('  acl = "public-read"\n') },
  'oss-bucket-referer-enabled': {
    fail: bucket('  referer_config {\n    allow_empty = true\n    referers    = ["https://a.example"]\n  }\n'),
    pass: bucket('  referer_config {\n    allow_empty = false\n    referers    = ["https://a.example"]\n  }\n'),
  },
  'oss-bucket-tls-version-check': {
    fail: bucket() + r('alicloud_oss_bucket_https_config', 'h', '  bucket       = alicloud_oss_bucket.b.bucket\n  enable       = true\n  tls_versions = ["TLSv1.1", "TLSv1.2"]\n'),
    pass: bucket() + r('alicloud_oss_bucket_https_config', 'h', '  bucket       = alicloud_oss_bucket.b.bucket\n  enable       = "true"\n  tls_versions = ["TLSv1.2", "TLSv1.3"]\n'),
  },
  'oss-bucket-versioning-enabled': {
    fail: bucket() + r('alicloud_oss_bucket_versioning', 'v', '  bucket = alicloud_oss_bucket.b.bucket\n  status = "Suspended"\n'),
    pass: bucket() + r('alicloud_oss_bucket_versioning', 'v', '  bucket = alicloud_oss_bucket.b.bucket\n  status = "Enabled"\n'),
  },
  'oss-default-encryption-kms': {
    fail: bucket() + r('alicloud_oss_bucket_server_side_encryption', 's', '  bucket        = alicloud_oss_bucket.b.bucket\n  sse_algorithm = "AES256"\n'),
    pass: bucket() + r('alicloud_oss_bucket_server_side_encryption', 's', '  bucket            = alicloud_oss_bucket.b.bucket\n  sse_algorithm     = "KMS"\n  kms_master_key_id = "key-1"\n'),
  },
  'oss-zrs-enabled': { fail: bucket('  redundancy_type = "LRS"\n'), pass: bucket('  redundancy_type = "ZRS"\n') },
  'ram-policy-no-statements-with-admin-access-check': {
    fail: r('alicloud_ram_policy', 'p', '  policy_name     = "p"\n  policy_document = jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = ["*"], Resource = ["*"] }] })\n'),
    pass: r('alicloud_ram_policy', 'p', '  policy_name     = "p"\n  policy_document = jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = ["oss:GetObject"], Resource = ["*"] }] })\n'),
  },
  'rds-instance-enabled-auditing': {
    fail: db('  sql_collector_status = "Disabled"\n'),
    pass: db('  sql_collector_status       = "Enabled"\n  sql_collector_config_value = "180"\n'),
  },
  'rds-instance-enabled-disk-encryption': { fail: db('  engine = "MySQL"\n'), pass: db('  encryption_key = "key-1"\n') },
  'rds-instance-enabled-log-backup': { fail: backup(false), pass: backup(true) },
  'rds-instance-enabled-ssl': { fail: db('  ssl_action = "Close"\n'), pass: db('  ssl_action = "Open"\n') },
  'rds-instance-enabled-tde': { fail: db('  engine     = "MySQL"\n  tde_status = "Disabled"\n'), pass: db('  engine     = "MySQL"\n  tde_status = "Enabled"\n') },
  'rds-instance-has-guard-instance': {
    fail: db('  engine = "MySQL"\n'),
    pass: db('  engine = "MySQL"\n') + r('alicloud_rds_instance_cross_backup_policy', 'c', '  instance_id     = alicloud_db_instance.d.id\n  cross_backup_region = "cn-shanghai"\n'),
  },
  'rds-instance-tls-version-check': { fail: tls('TLSv1,TLSv1.2'), pass: tls('TLSv1.2,TLSv1.3') },
  'rds-instances-in-vpc': { fail: db('  engine = "MySQL"\n'), pass: db('  vswitch_id = "v"\n') },
  'rds-multi-az-support': {
    fail: db('  category = "Basic"\n  zone_id  = "a"\n'),
    pass: db('  category        = "HighAvailability"\n  zone_id         = "a"\n  zone_id_slave_a = "b"\n'),
  },
  // Config fails only a public endpoint together with an any-IP whitelist; each alone is compliant for it.
  'rds-public-connection-and-any-ip-access-check': {
    fail: db('  security_ips = ["0.0.0.0/0"]\n') + r('alicloud_db_connection', 'c', '  instance_id = alicloud_db_instance.d.id\n'),
    pass: db('  security_ips = ["10.0.0.0/8"]\n') + r('alicloud_db_connection', 'c', '  instance_id = alicloud_db_instance.d.id\n'),
  },
  'redis-instance-enabled-ssl': { fail: redis('  ssl_enable = "Disable"\n'), pass: redis('  ssl_enable = "Enable"\n') },
  'redis-instance-enabled-tde': { fail: redis('  tde_status = "Disabled"\n'), pass: redis('  tde_status     = "Enabled"\n  encryption_key = "key-1"\n') },
  'redis-instance-in-vpc': { fail: redis('  zone_id = "a"\n'), pass: redis('  vswitch_id = "v"\n') },
  'redis-instance-multi-zone': { fail: redis('  zone_id = "a"\n'), pass: redis('  zone_id           = "a"\n  secondary_zone_id = "b"\n') },
  'redis-instance-open-auth-mode': { fail: redis('  vpc_auth_mode = "Close"\n'), pass: redis('  vpc_auth_mode          = "Open"\n  kms_encrypted_password = "c"\n') },
  'redis-public-and-any-ip-access-check': { fail: redis('  enable_public = true\n  security_ips  = ["0.0.0.0/0"]\n'), pass: redis('  security_ips = ["0.0.0.0/0"]\n') },
  'sg-public-access-check': { fail: ingress('-1/-1', '0.0.0.0/0', 'all'), pass: ingress('443/443', '10.0.0.0/8') },
  'slb-all-listenter-tls-policy-check': {
    fail: r('alicloud_alb_security_policy', 'p', '  security_policy_name = "p"\n  tls_versions         = ["TLSv1.0", "TLSv1.2"]\n  ciphers              = ["ECDHE-RSA-AES128-GCM-SHA256"]\n'),
    pass: r('alicloud_alb_security_policy', 'p', '  security_policy_name = "p"\n  tls_versions         = ["TLSv1.2"]\n  ciphers              = ["ECDHE-RSA-AES128-GCM-SHA256"]\n'),
  },
  'sls-logstore-enabled-encrypt': {
    fail: r('alicloud_log_store', 's', '  project_name = "p"\n  logstore_name = "s"\n'),
    pass: r('alicloud_log_store', 's', '  project_name = "p"\n  logstore_name = "s"\n  encrypt_conf {\n    enable       = true\n    encrypt_type = "default"\n  }\n'),
  },
  'vpc-flow-logs-enabled': {
    fail: r('alicloud_vpc', 'v', '  cidr_block = "10.0.0.0/16"\n'),
    pass: r('alicloud_vpc', 'v', '  cidr_block = "10.0.0.0/16"\n') + r('alicloud_vpc_flow_log', 'f', '  resource_id   = alicloud_vpc.v.id\n  resource_type = "VPC"\n  traffic_type  = "All"\n'),
  },
  'vpc-network-acl-risky-ports-check': { fail: acl('22/22'), pass: acl('443/443') },
};
