// Parity with Checkov and Alibaba Cloud Config: for every Checkov alicloud check on a resource type
// onramp supports and every Config rule onramp maps to, a failing configuration yields a finding
// carrying that id, and a compliant one yields none that does.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runRules } from '../src/check.js';
import { buildModel } from '../src/model/build-model.js';
import { RULES } from '../src/rules/index.js';
import { CHECKOV_ALICLOUD, CONFIG_RULES } from '../src/rules/known-ids.js';
import { CHECKOV_CASES } from './parity/checkov-cases.js';
import { CONFIG_CASES } from './parity/config-cases.js';

/** Checkov checks on types onramp does not manage: RAM account policy, API Gateway, ACK, MongoDB. */
const NOT_ONRAMP_TYPES = ['alicloud_ram_account_password_policy', 'alicloud_ram_security_preference', 'alicloud_api_gateway_api', 'alicloud_cs_kubernetes', 'alicloud_cs_kubernetes_node_pool', 'alicloud_mongodb_instance'];

async function idsFound(hcl: string, kind: 'checkov' | 'alibaba'): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-parity-'));
  writeFileSync(join(dir, 'main.tf'), hcl);
  return new Set(runRules(await buildModel(dir), RULES).flatMap((f) => f[kind]));
}

t.test('every applicable Checkov check and every mapped Config rule has a case', async (t) => {
  const applicable = Object.entries(CHECKOV_ALICLOUD).filter(([, c]) => !c.resourceTypes.every((type) => NOT_ONRAMP_TYPES.includes(type))).map(([id]) => id);
  t.same(Object.keys(CHECKOV_CASES).sort(), applicable.sort());
  t.same(Object.keys(CONFIG_CASES).sort(), Object.keys(CONFIG_RULES).sort());
  const mapped = new Set(RULES.flatMap((r) => r.checkov));
  for (const id of applicable) t.ok(mapped.has(id), `${id} is mapped by a rule`);
});

for (const [kind, cases] of [['checkov', CHECKOV_CASES], ['alibaba', CONFIG_CASES]] as const) {
  for (const [id, c] of Object.entries(cases)) {
    t.test(`${id}: the failing configuration is caught under ${id}, the compliant one is not`, async (t) => {
      t.ok((await idsFound(c.fail, kind)).has(id), 'failing configuration');
      t.notOk((await idsFound(c.pass, kind)).has(id), 'compliant configuration');
    });
  }
}
