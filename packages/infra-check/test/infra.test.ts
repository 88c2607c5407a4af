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
import { buildModel } from '../src/model/build-model.js';
import { loadVariables } from '../src/load-variables.js';
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

const opensearchVars = join(fixtures, 'search-engines', 'opensearch.tfvars');
const decodedUserData = (r: { attributes: Record<string, unknown> }) => Buffer.from(String(r.attributes.user_data), 'base64').toString('utf8');

t.test('search_engine = "opensearch" (with the PAI-EAS embedding service) passes every rule too', async (t) => {
  const { code, stdout } = await runCli([infraDir, '--var-file', opensearchVars, '--format', 'json']);
  const report = JSON.parse(stdout);
  t.same(report.findings, [], 'zero findings');
  t.same(report.notes, [], 'every module was inspected');
  t.equal(code, 0);
});

t.test('each engine setting builds its own engine and points every host at it', async (t) => {
  const managed = await buildModel(infraDir);
  const es = managed.resources.filter((r) => r.type === 'alicloud_elasticsearch_instance');
  t.equal(es.length, 1, 'elasticsearch: the managed instance');
  t.match(es[0]!.attributes.version, /^8\.(1[2-9]|[2-9]\d)/, 'at an 8.x version onramp supports (8.12+)');
  t.equal(managed.resources.filter((r) => r.address.includes('module.opensearch')).length, 0, 'and no self-managed cluster');
  const ingest = managed.resources.find((r) => r.type === 'alicloud_instance' && r.address.endsWith('["ingest-1"]'))!;
  t.match(decodedUserData(ingest), /^SEARCH_BACKEND=elasticsearch\nELASTICSEARCH_URL=https:\/\/.*:9200\nELASTICSEARCH_USERNAME=elastic\nELASTICSEARCH_PASSWORD=\$\(decrypt /m);
  t.notMatch(decodedUserData(ingest), /EMBEDDING_PROVIDER=|OPENSEARCH_URL=/, 'no embedding service configured: the local model, no OpenSearch');

  const selfManaged = await buildModel(infraDir, { variables: await loadVariables(infraDir, [opensearchVars]) });
  t.equal(selfManaged.resources.filter((r) => r.type === 'alicloud_elasticsearch_instance').length, 0, 'opensearch: no managed Elasticsearch');
  const nodes = selfManaged.resources.filter((r) => r.type === 'alicloud_instance' && r.address.startsWith('module.opensearch[0].'));
  t.equal(nodes.length, 3, 'three nodes');
  t.equal(new Set(nodes.map((n) => n.attributes.availability_zone)).size, 2, 'over two zones');
  for (const node of nodes) {
    t.equal(node.attributes.internet_max_bandwidth_out, 0, `${node.address}: no public IP`);
    const [disk] = node.attributes.data_disks as { encrypted?: unknown; kms_key_id?: unknown }[];
    t.equal(disk?.encrypted, true, `${node.address}: encrypted data disk`);
    t.ok(disk?.kms_key_id, 'with the customer-managed key');
    t.ok(node.attributes.private_ip, 'a fixed private address');
    const script = decodedUserData(node);
    t.match(script, /plugins\.security\.ssl\.http\.enabled: true/);
    t.match(script, /for plugin in opensearch-knn opensearch-ml /, 'boot refuses a distribution without k-NN and ML Commons');
    t.match(script, /sha512sum --check --strict/, 'and one that is not the pinned artifact');
  }
  const worker = selfManaged.resources.find((r) => r.type === 'alicloud_instance' && r.address.endsWith('["indexer-1"]'))!;
  const env = decodedUserData(worker);
  t.match(env, /^SEARCH_BACKEND=opensearch\nOPENSEARCH_URL=https:\/\/search\.onramp\.internal:9200\nOPENSEARCH_USERNAME=onramp\nOPENSEARCH_PASSWORD=\$\(decrypt /m);
  t.match(env, /^EMBEDDING_PROVIDER=pai-eas\nPAI_EAS_URL=https:\/\/.*\.vpc\.cn-hangzhou\.pai-eas\.aliyuncs\.com\/api\/predict\/onramp_embedding\nPAI_EAS_TOKEN=\$\(decrypt 'kms-ciphertext-of-the-eas-token'\)\nPAI_EAS_MODEL=bge-m3\nEMBEDDING_DIMENSION=1024$/m);
  t.match(env, /NODE_EXTRA_CA_CERTS=\/etc\/onramp\/search-ca\.pem/, 'the services trust the cluster CA');
  t.match(env, /-----BEGIN CERTIFICATE-----/);
  const eas = selfManaged.resources.find((r) => r.type === 'alicloud_pai_service')!;
  t.match(JSON.parse(String(eas.attributes.service_config)), { storage: [{ oss: { path: /^oss:\/\/.+\/models\/bge-m3\/2026-11-30\/$/, readOnly: true } }] }, 'the model comes from the training bucket');
});
