// Every rule has a fixture directory fixtures/rules/<id>/ whose resources (and variables,
// outputs) are named pass… or fail…: the rule must flag every fail… and nothing else.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildModel } from '../src/model/build-model.js';
import { runRules } from '../src/check.js';
import { RULES } from '../src/rules/index.js';
import { CHECKOV_ALICLOUD, CONFIG_RULES } from '../src/rules/known-ids.js';
import { fixtures, packageDir } from './helpers.js';

for (const rule of RULES) {
  t.test(`${rule.id}: ${rule.title}`, async (t) => {
    const dir = join(fixtures, 'rules', rule.id);
    t.ok(existsSync(join(dir, 'main.tf')), 'has a fixture');
    const model = await buildModel(dir);
    const findings = runRules(model, [rule]);
    const flagged = new Set(findings.map((f) => f.address));

    t.ok(findings.length > 0, 'catches its failing fixture');
    for (const f of findings) {
      for (const id of f.checkov) t.ok(rule.checkov.includes(id) && Object.hasOwn(CHECKOV_ALICLOUD, id), `${f.address}: ${id} is one of the rule's kept ids`);
      for (const id of f.alibaba) t.ok(rule.alibaba.includes(id) && Object.hasOwn(CONFIG_RULES, id), `${f.address}: ${id} is one of the rule's kept ids`);
    }
    for (const address of flagged) t.match(address, /(^|\.)fail/, `only fail… is flagged (${address})`);

    const subjects = model.resources.filter((r) => r.mode === 'managed' && rule.resourceTypes.includes(r.type));
    for (const subject of subjects.filter((r) => r.name.startsWith('fail'))) t.ok(flagged.has(subject.address), `flags ${subject.address}`);
    const passing = rule.kind === 'model' && subjects.length === 0 ? [...model.variables, ...model.outputs].filter((d) => d.name.startsWith('pass')) : subjects.filter((r) => r.name.startsWith('pass'));
    t.ok(passing.length > 0, 'the fixture also has a passing case');
  });
}

t.test('rule metadata is complete and ids are unique', async (t) => {
  const ids = RULES.map((r) => r.id);
  t.equal(new Set(ids).size, ids.length, 'unique ids');
  for (const rule of RULES) {
    t.match(rule.id, /^ONR-[A-Z]+-\d{2}$/, `${rule.id} id format`);
    t.ok(rule.title && rule.remediation, `${rule.id} has a title and remediation`);
    t.match(rule.clause, /^8\.1\.[2-5]\.\d+$/, `${rule.id} names a GB/T 22239-2019 §8.1 clause`);
    for (const id of rule.checkov) t.ok(Object.hasOwn(CHECKOV_ALICLOUD, id), `${rule.id}: ${id} is a real Checkov alicloud check`);
    for (const id of rule.alibaba) t.ok(Object.hasOwn(CONFIG_RULES, id), `${rule.id}: ${id} is in the kept Config rule list`);
  }
});

// The Alibaba Cloud Config MLPS level-3 pack (ClassifiedProtectionPreCheck) rules that concern
// resource types onramp uses, and Checkov's alicloud checks for those types: each must have a rule.
const PACK_RULES_FOR_ONRAMP_TYPES = [
  'actiontrail-trail-intact-enabled', 'alb-all-listener-enabled-acl', 'alb-instance-multi-zone',
  'ecs-disk-auto-snapshot-policy', 'ecs-in-use-disk-encrypted', 'ecs-instance-enabled-security-protection',
  'ecs-instances-in-vpc', 'ecs-running-instance-no-public-ip', 'ecs-security-group-risky-ports-check-with-protocol',
  'eip-bandwidth-limit', 'elasticsearch-instance-multi-zone', 'elasticsearch-public-and-any-ip-access-check',
  'nat-risk-ports-check', 'natgateway-snat-eip-bandwidth-check',
  'oss-bucket-authorize-specified-ip', 'oss-bucket-only-https-enabled', 'oss-bucket-policy-no-any-anonymous',
  'oss-bucket-policy-outside-organization-check', 'oss-bucket-public-read-prohibited', 'oss-bucket-referer-enabled',
  'oss-bucket-versioning-enabled', 'oss-default-encryption-kms', 'oss-zrs-enabled',
  'ram-policy-no-statements-with-admin-access-check',
  'rds-instance-enabled-auditing', 'rds-instance-enabled-disk-encryption', 'rds-instance-enabled-log-backup',
  'rds-instance-has-guard-instance', 'rds-instance-tls-version-check', 'rds-instances-in-vpc', 'rds-multi-az-support',
  'rds-public-connection-and-any-ip-access-check',
  'redis-instance-enabled-tde', 'redis-instance-in-vpc', 'redis-instance-multi-zone', 'redis-instance-open-auth-mode',
  'redis-public-and-any-ip-access-check',
  'sg-public-access-check', 'sls-logstore-enabled-encrypt', 'vpc-flow-logs-enabled', 'vpc-network-acl-risky-ports-check',
];
const CHECKOV_FOR_ONRAMP_TYPES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 22, 25, 27, 28, 29, 30, 32, 33, 35, 36, 37, 38].map((n) => `CKV_ALI_${n}`);

t.test('covers the MLPS pack and Checkov checks for the resource types onramp uses', async (t) => {
  const alibaba = new Set(RULES.flatMap((r) => r.alibaba));
  const checkov = new Set(RULES.flatMap((r) => r.checkov));
  for (const id of PACK_RULES_FOR_ONRAMP_TYPES) t.ok(alibaba.has(id), id);
  for (const id of CHECKOV_FOR_ONRAMP_TYPES) t.ok(checkov.has(id), id);
});

t.test('the README lists every deliberate difference a rule declares', async (t) => {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  for (const rule of RULES.filter((r) => r.differs)) t.match(readme, `| ${rule.id} |`, `${rule.id} is in the table`);
});
