// Nothing personal or secret reaches a log line, whatever path a request takes: a whole `onramp start` at
// debug level, fed a joiner, a bad token, an invalid event, a forged outcome and a log query naming a person.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { readEvents, toStructured } from '@onramp/core';
import { freshDatabase, joinerEvent, TEST_REDIS, waitFor } from '@onramp/core/testing';

const BIN = fileURLToPath(new URL('../../../bin/onramp.js', import.meta.url));
const INGEST_TOKEN = 'ingest-token-for-the-log-test-0123456789';
const ADMIN_TOKEN = 'admin-token-for-the-log-test-0123456789';

t.test('a full run at debug level logs no email, name or token', async (t) => {
  const { db, url, drop } = await freshDatabase('nologs');
  const home = await mkdtemp(join(tmpdir(), 'onramp-logs-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATABASE_URL: url, REDIS_URL: TEST_REDIS, ONRAMP_HOME: home, INGEST_PORT: '0', SEARCH_PORT: '0',
    SEARCH_AUTH: 'disabled', LOG_LEVEL: 'debug', INGEST_TOKEN, ADMIN_TOKEN,
  };
  for (const name of ['RESEND_API_KEY', 'MAIL_MODE', 'GITBOOK_SCIM_URL', 'GITBOOK_SCIM_TOKEN', 'GITBOOK_MODE', 'NODE_ENV']) delete env[name];
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  t.teardown(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await drop();
    await rm(home, { recursive: true, force: true });
  });
  const base = await waitFor(() => /ingest listening on (\S+)/.exec(output)?.[1], 30_000, 'ingest to listen');
  await waitFor(() => output.includes('onramp started'), 30_000, 'every component');
  const post = (body: unknown, token = INGEST_TOKEN) =>
    fetch(`${base}/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(body) });

  const joiner = joinerEvent('ada', 'Platform Engineering');
  t.equal((await post(toStructured(joiner))).status, 202);
  t.equal((await post(toStructured(joinerEvent('grace')), 'wrong-token-wrong-token')).status, 401);
  const invalid = toStructured(joinerEvent('linus'));
  (invalid.data as Record<string, unknown>).emails = [{ value: 'not an address hirelinus@example.com' }];
  t.equal((await post(invalid)).status, 400);
  const forged = { ...toStructured(joinerEvent('barbara')), type: 'onramp.mail.WelcomeSent', source: 'onramp/mailer' };
  t.equal((await post(forged)).status, 403);
  const read = await fetch(`${base}/events?subject=${encodeURIComponent('hireada@example.com')}&bogus=hiregrace@example.com`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  t.equal(read.status, 400, 'an unknown query parameter is refused');
  await waitFor(async () => {
    const types = (await readEvents(db, { limit: 100 })).map((e) => e.type);
    return types.includes('onramp.mail.WelcomeSent') && types.includes('onramp.gitbook.AccessGranted') && types.includes('onramp.index.ProfileIndexed');
  }, 30_000, 'the joiner’s three outcomes');
  child.kill('SIGTERM');
  await exited;

  const lines = output.split('\n').filter((line) => line.trim() !== '');
  t.ok(lines.filter((line) => line.startsWith('{')).length > 10, `${lines.length} lines, most of them structured logs`);
  const secrets = ['hireada@example.com', 'hiregrace@example.com', 'hirelinus@example.com', 'hirebarbara@example.com', 'Hireada', 'Hiregrace', 'Hirelinus', INGEST_TOKEN, ADMIN_TOKEN, 'wrong-token-wrong-token'];
  for (const secret of secrets) {
    t.same(lines.filter((line) => line.includes(secret)), [], `no line carries ${secret.includes('token') ? 'a token' : secret}`);
  }
});
