// `npm start` with no provider keys, from no database at all: `onramp migrate` then `onramp start`; the
// sample joiner becomes one .eml file and a dry-run GitBook record within seconds, and both outcomes
// are in `onramp events list`.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { joinerEvent, TEST_REDIS, unmigratedDatabase, waitFor } from '@onramp/core/testing';
import { SCHEMA_VERSION, toStructured } from '@onramp/core';

const BIN = fileURLToPath(new URL('../../../bin/onramp.js', import.meta.url));

const ROOT_PACKAGE = fileURLToPath(new URL('../../../package.json', import.meta.url));

t.test('npm start runs migrate, then start', async (t) => {
  const { scripts } = JSON.parse(readFileSync(ROOT_PACKAGE, 'utf8')) as { scripts: Record<string, string> };
  t.match(scripts.start, /node bin\/onramp\.js migrate && SEARCH_AUTH=disabled exec node bin\/onramp\.js start$/);
});

t.test('npm start with no keys and no database: sample joiner → .eml file + dry-run GitBook record, both in events list', async (t) => {
  const { url, drop } = unmigratedDatabase('start');
  const home = await mkdtemp(join(tmpdir(), 'onramp-start-'));
  // The default queue prefix is safe to share: queues carry the fresh log's own identity.
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, REDIS_URL: TEST_REDIS, ONRAMP_HOME: home, INGEST_PORT: '0', SEARCH_PORT: '0', SEARCH_AUTH: 'disabled', LOG_LEVEL: 'warn' };
  for (const name of ['RESEND_API_KEY', 'MAIL_MODE', 'GITBOOK_SCIM_URL', 'GITBOOK_SCIM_TOKEN', 'GITBOOK_MODE', 'INGEST_TOKEN', 'ADMIN_TOKEN', 'NODE_ENV']) delete env[name];
  // What `npm start` runs, after tsc -b.
  const migrated = await promisify(execFile)(process.execPath, [BIN, 'migrate'], { env });
  t.match(migrated.stdout, `migrated to ${SCHEMA_VERSION}`);
  const child = spawn(process.execPath, [BIN, 'start'], { env: { ...env, SEARCH_AUTH: 'disabled' }, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await drop();
    await rm(home, { recursive: true, force: true });
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ingestUrl = await waitFor(() => /ingest listening on (\S+)/.exec(output)?.[1], 20_000, 'ingest to listen');
  await waitFor(() => output.includes('gitbook-sync in dry run') && output.includes('local capture'), 20_000, 'the workers');
  const token = (JSON.parse(readFileSync(join(home, 'tokens.json'), 'utf8')) as { ingest: string }).ingest;
  const started = Date.now();
  const posted = await fetch(`${ingestUrl}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(toStructured(joinerEvent('sample'))),
  });
  t.equal(posted.status, 202);
  const files = await waitFor(async () => {
    // Capture writes a temporary file and renames it: only finished .eml files count.
    const found = (await readdir(join(home, 'mail')).catch(() => [])).filter((name) => name.endsWith('.eml'));
    return found.length > 0 ? found : undefined;
  }, 20_000, 'the .eml file');
  t.equal(files.length, 1);
  t.match(files[0], /^welcome-[0-9a-f]{32}\.eml$/);
  const listed = await waitFor(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'events', 'list'], { env });
    return stdout.includes('onramp.mail.WelcomeSent') && stdout.includes('onramp.gitbook.AccessGranted') ? stdout : undefined;
  }, 20_000, 'both outcomes in events list');
  // A bound generous enough for a loaded CI machine: how fast it is, is measured by `npm run bench`.
  t.ok(Date.now() - started < 30_000, `both effects within ${Date.now() - started} ms`);
  t.match(listed, /SCIM\.UserCreated/);
});
