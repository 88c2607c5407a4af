// infra/ itself: zero findings, the mlps_compliance switch really switches, terraform fmt,
// a README per module documenting its inputs and outputs, and a boot script that sets only
// variables the code reads.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '@onramp/core';
import t from 'tap';
import { loadTfFiles } from '../src/hcl/load-files.js';
import { collectBlocks } from '../src/model/raw-blocks.js';
import { fixtures, infraDir, runCli } from './helpers.js';

const modules = ['.', ...readdirSync(join(infraDir, 'modules')).map((m) => join('modules', m))];

t.test('infra/ passes every rule', async (t) => {
  const { code, stdout } = await runCli([infraDir, '--format', 'json']);
  const report = JSON.parse(stdout);
  t.same(report.findings, [], 'zero findings');
  t.same(report.notes, [], 'every module was inspected');
  t.equal(code, 0);
});

t.test('mlps_compliance = false turns the hardening off, and the checker sees it', async (t) => {
  const { code, stdout } = await runCli([infraDir, '--var-file', join(fixtures, 'mlps-off', 'mlps-off.tfvars'), '--format', 'json']);
  t.equal(code, 1);
  const failed: string[] = JSON.parse(stdout).summary.failedRules;
  for (const id of ['ONR-ECS-02', 'ONR-ECS-05', 'ONR-RDS-01', 'ONR-RDS-02', 'ONR-RDS-03', 'ONR-RED-03', 'ONR-OSS-03', 'ONR-ES-03', 'ONR-KMS-01', 'ONR-NET-11']) t.ok(failed.includes(id), `${id} fails`);
});

const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' });
t.test('terraform fmt -check', { skip: terraform.error ? 'terraform binary not found' : false }, async (t) => {
  for (const dir of [infraDir, join(fixtures, 'rules')]) {
    const result = spawnSync('terraform', ['fmt', '-check', '-recursive', dir], { encoding: 'utf8' });
    t.equal(result.status, 0, `terraform fmt -check ${dir}: ${result.stdout}`);
  }
});

for (const module of modules) {
  t.test(`${module}: README documents every input and output`, async (t) => {
    const dir = join(infraDir, module);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const blocks = collectBlocks(await loadTfFiles(dir, infraDir));
    for (const v of blocks.variables) t.match(readme, `\`${v.labels[0]}\``, `input ${v.labels[0]}`);
    for (const o of blocks.outputs) t.match(readme, `\`${o.labels[0]}\``, `output ${o.labels[0]}`);
    t.match(readme, /## Inputs[\s\S]*## Outputs/);
  });
}

t.test('hosts boot with only the environment variables onramp reads', async (t) => {
  const script = readFileSync(join(infraDir, 'modules', 'workers', 'templates', 'cloud-init.sh.tftpl'), 'utf8');
  const envBlock = /<<ENV\n([\s\S]*?)\nENV/.exec(script)?.[1] ?? '';
  const names = envBlock.split('\n').map((l) => /^([A-Z_]+)=/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
  t.ok(names.length > 10);
  for (const name of names) t.ok((CONFIG_VARIABLES as readonly string[]).includes(name), `${name} is read by packages/core`);
  t.match(script, /'\$\{image\}' node \$\{entry\}$/m, "one service per host, run by its own entry");
});
