// The on-disk parse cache must never hand back a stale parse: an edited file or expression is
// parsed again, and a file that does not parse is reported every time, not remembered.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildModel } from '../src/model/build-model.js';
import { InfraParseError } from '../src/hcl/parse-error.js';

const dir = mkdtempSync(join(tmpdir(), 'onramp-parse-cache-'));
const write = (text: string) => writeFileSync(join(dir, 'main.tf'), text);
const bandwidth = async () => (await buildModel(dir)).resources[0]!.attributes.bandwidth;

t.test('an edited file is read afresh, an unchanged one the same as before', async (t) => {
  write('locals {\n  b = 10\n}\nresource "alicloud_eip_address" "e" {\n  bandwidth = local.b + 1\n}\n');
  t.equal(await bandwidth(), 11);
  t.equal(await bandwidth(), 11, 'second run, from the cache');
  write('locals {\n  b = 20\n}\nresource "alicloud_eip_address" "e" {\n  bandwidth = local.b * 2\n}\n');
  t.equal(await bandwidth(), 40);
});

t.test('a file that does not parse fails on every run', async (t) => {
  write('resource "alicloud_eip_address" "e" {\n  bandwidth = \n}\n');
  await t.rejects(buildModel(dir), InfraParseError);
  await t.rejects(buildModel(dir), InfraParseError);
});
