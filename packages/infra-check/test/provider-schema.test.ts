// Every resource type, data source, argument and nested block used in infra/ exists in the
// alicloud provider's own schema (v1.283.0, vendored in fixtures/alicloud-schema) and is not deprecated.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { loadTfFiles } from '../src/hcl/load-files.js';
import { collectBlocks, type Body } from '../src/model/raw-blocks.js';
import { fixtures, infraDir } from './helpers.js';

interface SchemaBlock {
  attributes?: Record<string, { deprecated?: boolean }>;
  block_types?: Record<string, { block: SchemaBlock }>;
  deprecated?: boolean;
}
interface ProviderSchema {
  provider_version?: string;
  resource_schemas: Record<string, { block: SchemaBlock }>;
  data_source_schemas: Record<string, { block: SchemaBlock }>;
}

const schema = JSON.parse(gunzipSync(readFileSync(join(fixtures, 'alicloud-schema', 'alicloud-provider-schema.json.gz'))).toString('utf8')) as ProviderSchema;
const META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);

function moduleDirs(dir: string): string[] {
  const subdirs = readdirSync(dir).map((n) => join(dir, n)).filter((p) => statSync(p).isDirectory() && !p.endsWith('templates'));
  const hasTf = readdirSync(dir).some((n) => n.endsWith('.tf'));
  return [...(hasTf ? [dir] : []), ...subdirs.flatMap(moduleDirs)];
}

/** Problems with one body against its schema block; `where` names the path for messages. */
function checkBody(body: Body, block: SchemaBlock, where: string): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (META.has(key)) continue;
    if (key === 'dynamic') {
      for (const [name, specs] of Object.entries(value as Record<string, Body[]>)) {
        const nested = block.block_types?.[name];
        if (!nested) problems.push(`${where}: dynamic block "${name}" is not in the schema`);
        else for (const spec of specs) for (const content of (spec.content as Body[] | undefined) ?? []) problems.push(...checkNested(name, nested.block, content, where));
      }
      continue;
    }
    const attribute = block.attributes?.[key];
    const nested = block.block_types?.[key];
    if (attribute) {
      if (attribute.deprecated) problems.push(`${where}: argument "${key}" is deprecated`);
    } else if (nested) {
      for (const inner of Array.isArray(value) ? (value as Body[]) : [value as Body]) problems.push(...checkNested(key, nested.block, inner, where));
    } else {
      problems.push(`${where}: "${key}" is not an argument or block of this type`);
    }
  }
  return problems;
}

function checkNested(name: string, block: SchemaBlock, body: Body, where: string): string[] {
  return [...(block.deprecated ? [`${where}: block "${name}" is deprecated`] : []), ...checkBody(body, block, `${where}.${name}`)];
}

t.test('the schema is the pinned provider version', async (t) => {
  t.equal(schema.provider_version ?? '1.283.0', '1.283.0');
  t.match(readFileSync(join(infraDir, 'versions.tf'), 'utf8'), /source\s*=\s*"aliyun\/alicloud"[\s\S]*version\s*=\s*"= 1\.283\.0"/);
});

t.test('the schema check itself catches unknown and deprecated arguments', async (t) => {
  const bucket = schema.resource_schemas.alicloud_oss_bucket!.block;
  t.match(checkBody({ acl: 'private' }, bucket, 'b'), [/argument "acl" is deprecated/]);
  t.match(checkBody({ no_such_argument: 1 }, bucket, 'b'), [/not an argument or block/]);
  const listener = schema.resource_schemas.alicloud_alb_listener!.block;
  t.match(checkBody({ acl_config: [{ acl_type: 'White' }] }, listener, 'l'), [/block "acl_config" is deprecated/]);
  t.notOk(schema.resource_schemas.alicloud_ecs_instance, 'there is no alicloud_ecs_instance; ECS is alicloud_instance');
});

for (const dir of moduleDirs(infraDir)) {
  t.test(`${relative(infraDir, dir) || 'infra (root)'} uses only current provider resources and arguments`, async (t) => {
    const blocks = collectBlocks(await loadTfFiles(dir, infraDir));
    const used = [...blocks.resources.map((b) => ['resource', b] as const), ...blocks.data.map((b) => ['data', b] as const)];
    for (const [kind, block] of used) {
      const [type, name] = block.labels as [string, string];
      const where = `${block.file.path}: ${kind === 'data' ? 'data.' : ''}${type}.${name}`;
      const entry = (kind === 'data' ? schema.data_source_schemas : schema.resource_schemas)[type];
      if (!entry) {
        t.fail(`${where}: ${type} is not a ${kind === 'data' ? 'data source' : 'resource'} of the alicloud provider`);
        continue;
      }
      t.notOk(entry.block.deprecated, `${where}: ${type} is not deprecated`);
      t.same(checkBody(block.body, entry.block, where), [], `${where}: arguments and blocks exist and are current`);
    }
  });
}
