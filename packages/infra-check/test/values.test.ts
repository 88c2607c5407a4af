// The value model: Terraform's conversions, provider defaults for omitted arguments, case rules,
// and rules reading string-typed and omitted values the way Terraform and the provider do.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runRules } from '../src/check.js';
import { Ref } from '../src/eval/value.js';
import { buildModel } from '../src/model/build-model.js';
import { RULES } from '../src/rules/index.js';
import { toBool, toNumber, toStringValue } from '../src/values/convert.js';
import { matches } from '../src/values/read-value.js';

t.test('string ↔ bool: only "true" and "false" convert, as in Terraform', async (t) => {
  t.equal(toBool('true'), true);
  t.equal(toBool('false'), false);
  t.equal(toBool(true), true);
  t.equal(toBool('True'), undefined, 'Terraform rejects "True" for a bool');
  t.equal(toBool('yes'), undefined);
  t.equal(toStringValue(true), 'true');
  t.equal(toStringValue(false), 'false');
});

t.test('string ↔ number: decimal strings convert, others do not', async (t) => {
  t.equal(toNumber('180'), 180);
  t.equal(toNumber('1.5'), 1.5);
  t.equal(toNumber('-1'), -1);
  t.equal(toNumber(' 7 '), 7);
  t.equal(toNumber('180d'), undefined);
  t.equal(toStringValue(180), '180');
});

t.test('bool ↔ number never convert', async (t) => {
  t.equal(toBool(1), undefined);
  t.equal(toBool(0), undefined);
  t.equal(toNumber(true), undefined);
});

t.test('values known only after apply are not converted', async (t) => {
  t.equal(toBool(new Ref('alicloud_x.y', ['enabled'])), undefined);
  t.equal(toStringValue(new Ref('alicloud_x.y', ['id'])), undefined);
});

t.test('case rules: PostgreSQL parameter values and RDS engines ignore case; other arguments do not', async (t) => {
  t.ok(matches('alicloud_db_instance', 'parameters.value', 'on', ['ON']));
  t.ok(matches('alicloud_db_instance', 'engine', 'postgresql', ['PostgreSQL']));
  t.notOk(matches('alicloud_db_instance', 'ssl_action', 'open', ['Open']));
  t.ok(matches('alicloud_db_policy', 'enable_backup_log', 'true', [true]), 'string "true" equals bool true');
});

/** Runs one rule on a configuration written to a temporary directory. */
async function findings(ruleId: string, hcl: string) {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-values-'));
  writeFileSync(join(dir, 'main.tf'), hcl);
  const rule = RULES.find((r) => r.id === ruleId)!;
  return runRules(await buildModel(dir), [rule]);
}

// Each rule that compares a bool, a number or a case-insensitive string: the string-typed
// variant must read like the typed one, the omitted variant like the provider default.
const cases: { rule: string; label: string; hcl: string; flagged: boolean }[] = [
  { rule: 'ONR-ECS-02', label: 'disk encrypted = "true"', hcl: 'resource "alicloud_disk" "d" {\n  encrypted = "true"\n}\n', flagged: false },
  { rule: 'ONR-ECS-02', label: 'disk encrypted omitted (default false)', hcl: 'resource "alicloud_disk" "d" {\n  size = 20\n}\n', flagged: true },
  { rule: 'ONR-ECS-02', label: 'launch template data disk encrypted = "true"', hcl: 'resource "alicloud_ecs_launch_template" "l" {\n  system_disk {\n    encrypted = true\n  }\n  data_disks {\n    encrypted = "true"\n  }\n}\n', flagged: false },
  { rule: 'ONR-OSS-12', label: 'transfer acceleration enabled = "true"', hcl: 'resource "alicloud_oss_bucket" "b" {\n  bucket = "b"\n}\nresource "alicloud_oss_bucket_transfer_acceleration" "a" {\n  bucket  = alicloud_oss_bucket.b.bucket\n  enabled = "true"\n}\n', flagged: false },
  { rule: 'ONR-OSS-01', label: 'bucket ACL omitted (default private)', hcl: 'resource "alicloud_oss_bucket" "b" {\n  bucket = "b"\n}\n', flagged: false },
  { rule: 'ONR-ECS-01', label: 'internet_max_bandwidth_out = "10" (string) is a public IP', hcl: 'resource "alicloud_instance" "i" {\n  internet_max_bandwidth_out = "10"\n}\n', flagged: true },
  { rule: 'ONR-ECS-01', label: 'internet_max_bandwidth_out = "0"', hcl: 'resource "alicloud_instance" "i" {\n  internet_max_bandwidth_out = "0"\n}\n', flagged: false },
  { rule: 'ONR-ECS-01', label: 'allocate_public_ip = "true" (string)', hcl: 'resource "alicloud_ecs_launch_template" "l" {\n  allocate_public_ip = "true"\n}\n', flagged: true },
  { rule: 'ONR-RED-02', label: 'enable_public = "true" (string) is public', hcl: 'resource "alicloud_kvstore_instance" "r" {\n  enable_public = "true"\n}\n', flagged: true },
  { rule: 'ONR-RED-02', label: 'enable_public omitted (default false)', hcl: 'resource "alicloud_kvstore_instance" "r" {\n  security_ips = ["10.0.0.0/8"]\n}\n', flagged: false },
  { rule: 'ONR-RDS-12', label: 'PostgreSQL log_duration = "on" (lower case)', hcl: 'resource "alicloud_db_instance" "p" {\n  engine = "PostgreSQL"\n  parameters {\n    name  = "log_duration"\n    value = "on"\n  }\n}\n', flagged: false },
  { rule: 'ONR-RDS-12', label: 'PostgreSQL log_duration omitted', hcl: 'resource "alicloud_db_instance" "p" {\n  engine = "PostgreSQL"\n}\n', flagged: true },
  { rule: 'ONR-RDS-01', label: 'sql_collector_config_value = "180" (string)', hcl: 'resource "alicloud_db_instance" "m" {\n  sql_collector_status       = "Enabled"\n  sql_collector_config_value = "180"\n}\n', flagged: false },
  { rule: 'ONR-AUD-04', label: 'encrypt_conf enable = "true" (string)', hcl: 'resource "alicloud_log_store" "s" {\n  encrypt_conf {\n    enable = "true"\n  }\n}\n', flagged: false },
  { rule: 'ONR-ES-01', label: 'enable_kibana_public_network omitted (default true)', hcl: 'resource "alicloud_elasticsearch_instance" "e" {\n  enable_public     = "false"\n  private_whitelist = ["10.0.0.0/8"]\n}\n', flagged: true },
  { rule: 'ONR-ES-04', label: 'disk_encryption = "true" (string)', hcl: 'resource "alicloud_elasticsearch_instance" "e" {\n  data_node_configuration {\n    disk_encryption = "true"\n  }\n}\n', flagged: false },
  { rule: 'ONR-KMS-02', label: 'status omitted (default Enabled)', hcl: 'resource "alicloud_kms_key" "k" {\n  description = "k"\n}\n', flagged: false },
  { rule: 'ONR-RDS-09', label: 'enable_backup_log = "true" (string)', hcl: 'resource "alicloud_db_instance" "m" {\n  engine = "MySQL"\n}\nresource "alicloud_db_backup_policy" "p" {\n  instance_id                 = alicloud_db_instance.m.id\n  enable_backup_log           = "true"\n  backup_retention_period     = "7"\n  log_backup_retention_period = 7\n}\n', flagged: false },
  { rule: 'ONR-OSS-02', label: 'block_public_access = "true" (string)', hcl: 'resource "alicloud_oss_bucket" "b" {\n  bucket = "b"\n}\nresource "alicloud_oss_bucket_public_access_block" "p" {\n  bucket              = alicloud_oss_bucket.b.bucket\n  block_public_access = "true"\n}\n', flagged: false },
];

for (const c of cases) {
  t.test(`${c.rule}: ${c.label} → ${c.flagged ? 'flagged' : 'clean'}`, async (t) => {
    t.equal((await findings(c.rule, c.hcl)).length > 0, c.flagged);
  });
}

t.test('AUD-01: an omitted trail_region is the provider default All; event_rw defaults to Write', async (t) => {
  const found = await findings('ONR-AUD-01', 'resource "alicloud_actiontrail_trail" "t" {\n  trail_name = "t"\n}\n');
  t.equal(found.length, 1, 'only event_rw');
  t.same(found[0]!.checkov, ['CKV_ALI_5'], 'only the events check, not the regions check');
});

t.test('NET-01: a port-22 finding carries CKV_ALI_2 only', async (t) => {
  const found = await findings('ONR-NET-01', 'resource "alicloud_security_group_rule" "r" {\n  type        = "ingress"\n  ip_protocol = "tcp"\n  port_range  = "22/22"\n  cidr_ip     = "0.0.0.0/0"\n}\n');
  t.same(found[0]!.checkov, ['CKV_ALI_2']);
});

t.test('ECS-02: an instance system disk finding carries no Checkov id (CKV_ALI_7 is alicloud_disk only)', async (t) => {
  const found = await findings('ONR-ECS-02', 'resource "alicloud_instance" "i" {\n  system_disk_encrypted = false\n}\n');
  t.same(found[0]!.checkov, []);
  t.same(found[0]!.alibaba, ['ecs-in-use-disk-encrypted']);
});
