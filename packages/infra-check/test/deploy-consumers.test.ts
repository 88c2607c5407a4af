// Deployment takes its consumers from one place: deploy/consumers.json is what the module list
// (packages/cli/src/consumer-modules.ts) says, Terraform builds one group of hosts per entry of it,
// and docker-compose.yml has one service per consumer (compose.test.ts checks each one's command).
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumerNames, deployConsumers } from '@onramp/cli';
import t from 'tap';
import { parse } from 'yaml';
import { buildModel } from '../src/model/build-model.js';
import { infraDir, repoRoot } from './helpers.js';

const HTTP_SERVICES = ['ingest', 'search-api'];

/** The service each host runs and the command its boot script ends with, from the evaluated Terraform. */
async function hostsOf(dir: string): Promise<Map<string, string[]>> {
  const model = await buildModel(dir);
  const hosts = new Map<string, string[]>();
  for (const host of model.resources.filter((r) => r.type === 'alicloud_instance' && r.name === 'host')) {
    const service = (host.attributes.tags as Record<string, string>).service!;
    const boot = Buffer.from(host.attributes.user_data as string, 'base64').toString('utf8');
    hosts.set(service, [...(hosts.get(service) ?? []), /node (\S+)\s*$/.exec(boot)?.[1] ?? 'no entry']);
  }
  return hosts;
}

t.test('deploy/consumers.json is the module list (else: npm run deploy:consumers)', async (t) => {
  const file = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'consumers.json'), 'utf8'));
  t.same(file, deployConsumers());
});

t.test('Terraform: hosts for ingest, search-api and each listed consumer, each running its entry', async (t) => {
  const hosts = await hostsOf(infraDir);
  t.same([...hosts.keys()].sort(), [...HTTP_SERVICES, ...consumerNames()].sort());
  for (const { name, main } of deployConsumers().consumers) for (const entry of hosts.get(name) ?? []) t.equal(entry, main, `${name} runs ${main}`);
});

t.test('Terraform: a consumer added to deploy/consumers.json gets hosts, with no change to infra/', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'onramp-deploy-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await cp(infraDir, join(root, 'infra'), { recursive: true });
  const listed = deployConsumers();
  const extra = { name: 'badge-printer', kind: 'reactor' as const, main: 'services/badge-printer/dist/main.js', variables: [] };
  await cp(join(repoRoot, 'deploy'), join(root, 'deploy'), { recursive: true });
  await writeFile(join(root, 'deploy', 'consumers.json'), JSON.stringify({ ...listed, consumers: [...listed.consumers, extra] }));
  const hosts = await hostsOf(join(root, 'infra'));
  t.same(hosts.get('badge-printer'), [extra.main]);
});

t.test('docker-compose.yml: one service per listed consumer, none else', async (t) => {
  const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, unknown> };
  const stores = ['mysql', 'redis', 'opensearch', 'migrate'];
  const others = Object.keys(compose.services).filter((s) => !stores.includes(s) && !HTTP_SERVICES.includes(s));
  t.same(others.sort(), consumerNames().sort());
});
