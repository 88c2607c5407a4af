// docker-compose.yml and the Dockerfile, without a Docker engine: the compose file validates
// against the Compose Specification schema, and every onramp service runs the command and reads
// the variables the code does (CONFIG_VARIABLES in packages/core).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPONENTS } from '@onramp/cli';
import { CONFIG_VARIABLES } from '@onramp/core';
import { Ajv } from 'ajv';
import t from 'tap';
import { parse } from 'yaml';
import { repoRoot, sharedData } from './helpers.js';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const text = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as { services: Record<string, ComposeService> };
const ONRAMP = ['ingest', 'mailer', 'gitbook-sync', 'indexer', 'search-api'];
const HTTP_PORTS: Record<string, [string, string]> = { ingest: ['INGEST_PORT', '8080'], 'search-api': ['SEARCH_PORT', '8081'] };

t.test('validates against the Compose Specification schema', async (t) => {
  // The spec names draft-07 by a URI Ajv does not know; Ajv's default dialect is draft-07.
  const { $schema: _dialect, ...schema } = JSON.parse(readFileSync(join(sharedData, 'compose-spec.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const valid = validate(compose);
  t.ok(valid, JSON.stringify(validate.errors, null, 2));
});

t.test('runs the stores and the five services', async (t) => {
  t.same(Object.keys(compose.services).sort(), ['gitbook-sync', 'indexer', 'ingest', 'mailer', 'mysql', 'opensearch', 'redis', 'search-api']);
  t.match(compose.services.mysql!.image, /^mysql:8/);
  t.match(compose.services.redis!.image, /^redis:7/);
  t.match(compose.services.opensearch!.image, /^opensearchproject\/opensearch:2\./);
  const redis = compose.services.redis!.command!.join(' ');
  t.match(redis, /--maxmemory-policy noeviction/);
  t.match(redis, /--appendonly yes/);
  t.match(text, /LOCAL USE ONLY[^\n]*\n[^\n]*\n\s*plugins\.security\.disabled: "true"/, 'the security plugin is off, and the file says it is for local use only');
});

for (const name of ONRAMP) {
  t.test(`${name}: command, environment, health and start order match the code`, async (t) => {
    const service = compose.services[name]!;
    const [node, bin, start, only, components] = service.command ?? [];
    t.same([node, bin, start, only], ['node', 'bin/onramp.js', 'start', '--only']);
    const listed = (components ?? '').split(',');
    t.equal(listed[0], name, 'runs its own component first');
    for (const component of listed) t.ok(COMPONENTS[component], `${component} is a component the CLI starts`);
    t.match(service.build, { context: '.', dockerfile: 'Dockerfile' });
    const env = Object.keys(service.environment ?? {});
    t.ok(env.length > 0);
    for (const variable of env) t.ok((CONFIG_VARIABLES as readonly string[]).includes(variable), `${variable} is read by the code`);
    for (const [dependency, how] of Object.entries(service.depends_on ?? {})) t.match(how.condition, /^service_(healthy|started|completed_successfully)$/, `waits for ${dependency}`);
    t.ok(service.depends_on?.mysql, 'starts after MySQL');
    const http = HTTP_PORTS[name];
    if (http) {
      t.equal(service.environment?.[http[0]], http[1], `${http[0]} = ${http[1]}`);
      t.match(service.healthcheck?.test.join(' '), `http://127.0.0.1:${http[1]}/healthz`, 'healthcheck hits /healthz on its port');
    }
    if (name === 'ingest') t.equal(service.environment?.INGEST_HOST, '0.0.0.0', 'ingest listens beyond the container');
  });
}

t.test('Dockerfile: multi-stage, production dependencies only, non-root', async (t) => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  t.ok(stages.length >= 2, 'at least a build and a runtime stage');
  t.match(stages[0], /npm ci && npm run build/);
  const runtime = stages[stages.length - 1]!;
  t.match(runtime, /npm ci --omit=dev/);
  t.match(runtime, /^USER (?!root)\S+/m);
  t.notMatch(runtime, /COPY --from=build \/app\/node_modules/, 'build-stage dependencies are not copied');
});
