// The static evaluator: variables (defaults and tfvars), locals, for-expressions, count and
// for_each, local modules with inputs and outputs, templatefile, and what stays symbolic.
import { join } from 'node:path';
import t from 'tap';
import { Ref } from '../src/eval/value.js';
import { loadVariables } from '../src/load-variables.js';
import { buildModel } from '../src/model/build-model.js';
import { fixtures } from './helpers.js';

const dir = join(fixtures, 'evaluator');

t.test('evaluates a configuration the way Terraform would plan it', async (t) => {
  const model = await buildModel(dir, { variables: await loadVariables(dir, []) });
  const byAddress = new Map(model.resources.map((r) => [r.address, r]));

  t.same(byAddress.get('alicloud_vswitch.app["a"]')?.attributes.cidr_block, '10.0.0.0/24', 'for-expression and cidrsubnet');
  t.same(byAddress.get('alicloud_vswitch.app["b"]')?.attributes.cidr_block, '10.0.1.0/24');
  t.ok(byAddress.has('alicloud_kms_key.optional[0]'), 'terraform.tfvars turns enabled on, so count = 1');

  const instance = byAddress.get('alicloud_instance.uses_module')!;
  t.equal(instance.attributes.instance_name, 'child-x-A', 'module for_each, inputs and outputs');
  t.equal(instance.attributes.user_data, 'SERVICE=ingest\nLOG_LEVEL=debug\n', 'templatefile with a directive');
  const vswitch = instance.attributes.vswitch_id;
  t.ok(vswitch instanceof Ref && vswitch.address === 'alicloud_vswitch.app["a"]', 'resource attributes stay symbolic through modules');

  t.match(model.notes, [/module\.remote: source .* not a local path/], 'remote modules are reported, not guessed');
  t.equal(byAddress.get('alicloud_instance.uses_module')?.line, 33, 'resources carry their line');
});

t.test('without tfvars the defaults apply', async (t) => {
  const model = await buildModel(dir);
  t.notOk(model.resources.some((r) => r.type === 'alicloud_kms_key'), 'count = 0 creates nothing');
});
