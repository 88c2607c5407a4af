// The Docker image without Docker (there is no engine where the tests run): the runtime stage's files are
// assembled by the very script the Dockerfile's build stage runs, into a temporary folder, and onramp is
// started from there as the runtime stage would: `onramp --help`, then `onramp start --only ingest`.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import semver from 'semver';
import { TEST_REDIS, freshDatabase, waitFor } from '@onramp/core/testing';
import { registerModules } from '@onramp/cli';
import { REPO_ROOT, cleanEnv, spawnCommand } from './helpers/onramp-process.js';

const run = promisify(execFile);
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const [build, runtime] = dockerfile.split(/^FROM /m).slice(1) as [string, string];

/** Every package.json under node_modules, with its `engines.node` when it has one. */
function enginesUnder(dir: string, found: { name: string; node: string }[] = []): { name: string; node: string }[] {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      enginesUnder(path, found);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (existsSync(manifest)) {
      const { name, engines } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; engines?: { node?: string } };
      if (engines?.node !== undefined) found.push({ name: name ?? entry.name, node: engines.node });
    }
    enginesUnder(join(path, 'node_modules'), found);
  }
  return found;
}

t.test('the Dockerfile: build stage compiles native modules and assembles with runtime-files.sh; runtime copies, non-root, healthcheck', async (t) => {
  t.match(build, /apt-get install[^\n]*python3 make g\+\+/);
  t.match(build, /RUN npm ci && npm run build/);
  t.match(build, /RUN sh deploy\/docker\/runtime-files\.sh \/app \/out/);
  t.match(runtime, /^COPY --from=build[^\n]* \/out \.\/$/m);
  t.notMatch(runtime, /npm (ci|install)/, 'the runtime stage installs nothing');
  t.match(runtime, /^USER node$/m);
  t.match(runtime, /^HEALTHCHECK /m);
});

t.test('the runtime files, assembled in a temporary folder, run onramp --help and onramp start --only ingest', async (t) => {
  const out = join(await mkdtemp(join(tmpdir(), 'onramp-image-')), 'app');
  t.teardown(() => rm(join(out, '..'), { recursive: true, force: true }));
  // Hard links instead of copies: the same files, without copying 600 MB for a test.
  await run('sh', [join(REPO_ROOT, 'deploy/docker/runtime-files.sh'), REPO_ROOT, out], { env: { ...process.env, ONRAMP_LINK_FILES: '1' }, maxBuffer: 1 << 24 });

  t.notOk(existsSync(join(out, 'packages/core/src')), 'no sources');
  t.notOk(existsSync(join(out, 'node_modules/tap')), 'no development dependencies');
  t.ok(existsSync(join(out, 'node_modules/hnswlib-node/build/Release/addon.node')), 'the native build of hnswlib-node is there');

  // The image's Node version (the tag's major) satisfies every dependency's `engines`, and the root's.
  const major = /^FROM node:(\d+)-/m.exec(dockerfile)?.[1];
  t.ok(major !== undefined && /^FROM node:\d+-\S+ AS runtime$/m.test(dockerfile), 'both stages on one pinned major');
  const node = `${major}.12.0`;
  const unmet = enginesUnder(join(out, 'node_modules')).filter((e) => !semver.satisfies(node, e.node));
  t.same(unmet, [], `every runtime dependency accepts Node ${node}`);
  const root = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as { engines: { node: string } };
  t.ok(semver.satisfies(node, root.engines.node), `onramp's own engines (${root.engines.node})`);

  const help = await run(process.execPath, ['bin/onramp.js', '--help'], { cwd: out });
  t.match(help.stdout, /usage: onramp <command>/);
  // The native addon loads and works (an index built and searched), as the embedded search backend uses it.
  const hnsw = await run(process.execPath, ['-e', `import('hnswlib-node').then(({ default: { HierarchicalNSW } }) => {
    const index = new HierarchicalNSW('cosine', 3); index.initIndex(4); index.addPoint([1, 0, 0], 7);
    console.log(index.searchKnn([1, 0, 0], 1).neighbors[0]);
  })`], { cwd: out });
  t.equal(hnsw.stdout.trim(), '7', 'hnswlib-node answers from the runtime folder');

  const database = await freshDatabase('image');
  t.teardown(database.drop);
  await registerModules(database.db);
  const home = join(out, '..', 'home');
  // The runtime stage's environment (NODE_ENV=production), with what production then requires.
  const env = cleanEnv({
    NODE_ENV: 'production', ONRAMP_HOME: home, DATABASE_URL: database.url, REDIS_URL: TEST_REDIS, INGEST_PORT: '0', LOG_LEVEL: 'info',
    INGEST_TOKEN: 'image-test-ingest-token-0001', ADMIN_TOKEN: 'image-test-admin-token-0001',
    MAIL_MODE: 'capture', GITBOOK_MODE: 'dry-run', SEARCH_JWT_SECRET: 'image-test-secret-of-at-least-32-bytes',
    SEARCH_JWT_AUDIENCE: 'onramp', SEARCH_JWT_ISSUER: 'https://idp.example.com/',
  });
  const started = spawnCommand(process.execPath, ['bin/onramp.js', 'start', '--only', 'ingest'], env, out);
  t.teardown(() => void started.child.kill('SIGKILL'));
  const url = await waitFor(() => /ingest listening on (\S+)/.exec(started.stdout())?.[1] ?? (started.child.exitCode === null ? undefined : 'exited'), 30_000, 'ingest to listen');
  t.not(url, 'exited', started.stderr());
  t.equal((await fetch(`${url}/healthz`)).status, 200);
  // The image's HEALTHCHECK command, as Docker would run it in the container.
  const check = /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])$/m.exec(runtime)?.[1];
  t.ok(check !== undefined, 'the HEALTHCHECK is an exec form');
  const [command, ...args] = JSON.parse(check!) as string[];
  t.equal(command, 'node');
  await run(process.execPath, args, { cwd: out, env: { ...env, INGEST_PORT: new URL(url).port } });
  started.child.kill('SIGTERM');
  t.equal((await started.exited).code, 0, 'SIGTERM ends it with 0');
});
