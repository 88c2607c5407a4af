// Every rule has a fixture directory fixtures/rules/<id>/ whose resources (and variables,
// outputs) are named pass… or fail…: the rule must flag every fail… and nothing else.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildModel } from '../src/model/build-model.js';
import { runRules } from '../src/check.js';
import { RULES } from '../src/rules/index.js';
import { fixtures } from './helpers.js';

for (const rule of RULES) {
  t.test(`${rule.id}: ${rule.title}`, async (t) => {
    const dir = join(fixtures, 'rules', rule.id);
    t.ok(existsSync(join(dir, 'main.tf')), 'has a fixture');
    const model = await buildModel(dir);
    const findings = runRules(model, [rule]);
    const flagged = new Set(findings.map((f) => f.address));

    t.ok(findings.length > 0, 'catches its failing fixture');
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
    for (const id of rule.checkov) t.match(id, /^CKV_ALI_\d+$/, `${rule.id} Checkov id ${id}`);
  }
});
