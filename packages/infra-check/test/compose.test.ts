// docker-compose.yml and the Dockerfile, without a Docker engine: the compose file validates
// against the Compose Specification schema, and every onramp service runs its own entry after the
// one-shot migrate and reads the variables the code does (CONFIG_VARIABLES in packages/core).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumerNames } from '@onramp/cli';
import { CONFIG_VARIABLES } from '@onramp/core';
import { Ajv } from 'ajv';
import t from 'tap';
import { parse } from 'yaml';
import { fixtures, repoRoot } from './helpers.js';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

const text = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as { services: Record<string, ComposeService> };
const ONRAMP = ['ingest', 'search-api', ...consumerNames()];
const HTTP_PORTS: Record<string, [string, string]> = { ingest: ['INGEST_PORT', '8080'], 'search-api': ['SEARCH_PORT', '8081'] };

t.test('validates against the Compose Specification schema', async (t) => {
  // The spec names draft-07 by a URI Ajv does not know; Ajv's default dialect is draft-07.
  const { $schema: _dialect, ...schema } = JSON.parse(readFileSync(join(fixtures, 'compose-spec', 'compose-spec.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const valid = validate(compose);
  t.ok(valid, JSON.stringify(validate.errors, null, 2));
});

t.test('runs the stores, the migrate step and the services', async (t) => {
  t.same(Object.keys(compose.services).sort(), ['migrate', 'mysql', 'opensearch', 'redis', ...ONRAMP].sort());
  t.match(compose.services.mysql!.image, /^mysql:8/);
  t.match(compose.services.redis!.image, /^redis:7/);
  t.match(compose.services.opensearch!.image, /^opensearchproject\/opensearch:2\./);
  const redis = compose.services.redis!.command!.join(' ');
  t.match(redis, /--maxmemory-policy noeviction/);
  t.match(redis, /--appendonly yes/);
  t.match(text, /LOCAL USE ONLY[^\n]*\n[^\n]*\n\s*plugins\.security\.disabled: "true"/, 'the security plugin is off, and the file says it is for local use only');
});

t.test('migrate: a one-shot onramp migrate, as the account that may change the schema', async (t) => {
  const migrate = compose.services.migrate! as ComposeService & { restart?: string };
  t.same(migrate.command, ['node', 'bin/onramp.js', 'migrate']);
  t.equal(migrate.restart, 'no', 'runs once');
  t.match(migrate.environment?.DATABASE_URL, /^mysql:\/\/onramp_migrate:/);
  t.equal(migrate.depends_on?.mysql?.condition, 'service_healthy');
  const grants = readFileSync(join(repoRoot, 'deploy', 'mysql-init', '10-onramp-accounts.sql'), 'utf8');
  t.match(grants, /GRANT SELECT, INSERT, UPDATE, DELETE ON `onramp`\.\* TO 'onramp'@'%'/, 'the services\' account has DML only');
  t.match(compose.services.mysql!.volumes?.join(' '), './deploy/mysql-init:/docker-entrypoint-initdb.d');
});

for (const name of ONRAMP) {
  t.test(`${name}: command, environment, health and start order match the code`, async (t) => {
    const service = compose.services[name]!;
    const entry = `services/${name}/dist/main.js`;
    t.same(service.command, ['node', entry], 'runs its own entry');
    t.ok(existsSync(join(repoRoot, entry)), `${entry} is built`);
    t.match(service.build, { context: '.', dockerfile: 'Dockerfile' });
    const env = Object.keys(service.environment ?? {});
    t.ok(env.length > 0);
    for (const variable of env) t.ok((CONFIG_VARIABLES as readonly string[]).includes(variable), `${variable} is read by the code`);
    for (const [dependency, how] of Object.entries(service.depends_on ?? {})) t.match(how.condition, /^service_(healthy|started|completed_successfully)$/, `waits for ${dependency}`);
    // search-api reads the index, never the log.
    if (name !== 'search-api') t.equal(service.depends_on?.migrate?.condition, 'service_completed_successfully', 'starts after migrate');
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
  // Issue 13: the runtime stage copies the built production modules (an `npm ci --ignore-scripts` there
  // dropped hnswlib-node's native build); packages/cli/test/docker-runtime.test.ts runs the same steps.
  t.match(stages[0], /apt-get install[^\n]*python3 make g\+\+/, 'the build stage can compile hnswlib-node');
  t.match(stages[0], /runtime-files\.sh \/app \/out/, 'the build stage assembles the runtime files, production dependencies only');
  t.match(runtime, /^COPY --from=build[^\n]* \/out \.\//m, 'the runtime stage copies the built modules');
  t.notMatch(runtime, /npm (ci|install)/, 'and installs nothing');
  t.match(runtime, /^USER (?!root)\S+/m);
  t.match(runtime, /^HEALTHCHECK /m);
});
