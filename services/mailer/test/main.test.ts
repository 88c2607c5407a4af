// The mailer as its own process (`node services/mailer/dist/main.js`): it takes a delivery, records the
// outcome, and exits 0 on SIGTERM; against a log `onramp migrate` has not prepared, it refuses to start.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { appendEvents, deliveryPrefix, OUTCOME, readEvents, SCHEMA_VERSION, silentLogger } from '@onramp/core';
import { freePort, freshDatabase, freshPrefix, joinerEvent, startTestDelivery, TEST_REDIS, unmigratedDatabase, waitFor } from '@onramp/core/testing';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function runMain(env: Record<string, string>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: TEST_REDIS, LOG_LEVEL: 'warn', ...env };
  for (const name of ['RESEND_API_KEY', 'NODE_ENV']) delete childEnv[name];
  const child = spawn(process.execPath, [MAIN], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

t.test('main.js takes a joiner, sends the welcome, serves its metrics on METRICS_PORT, and exits 0 on SIGTERM', async (t) => {
  const { db, url, drop } = await freshDatabase('mailermain');
  const home = await mkdtemp(join(tmpdir(), 'onramp-mailer-main-'));
  const configured = freshPrefix('mailermain');
  const delivery = await startTestDelivery(db, TEST_REDIS, await deliveryPrefix(db, configured), silentLogger);
  const metricsPort = await freePort();
  const mailer = runMain({ DATABASE_URL: url, QUEUE_PREFIX: configured, ONRAMP_HOME: home, METRICS_PORT: String(metricsPort) });
  t.teardown(async () => {
    if (mailer.child.exitCode === null) mailer.child.kill('SIGKILL');
    await delivery.close();
    await drop();
    await rm(home, { recursive: true, force: true });
  });
  await waitFor(() => mailer.out().includes('mailer sending through local capture') || mailer.child.exitCode !== null, 20_000, 'the mailer to start');
  t.equal(mailer.child.exitCode, null, mailer.err());

  await appendEvents(db, [joinerEvent('main')]);
  delivery.dispatcher.wake();
  const sent = await waitFor(async () => {
    const events = await readEvents(db, { type: OUTCOME.welcomeSent });
    return events.length > 0 ? events : undefined;
  }, 20_000, 'WelcomeSent');
  t.equal(sent.length, 1);
  t.equal(sent[0]!.subject, 'user/main');
  t.equal((await readdir(join(home, 'mail'))).filter((name) => name.endsWith('.eml')).length, 1, 'one email captured');
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  t.match(metrics, /onramp_consumer_effect_seconds_count\{[^}]*consumer="mailer"[^}]*result="done"[^}]*\} 1/, 'its effect latency, on its own /metrics');

  mailer.child.kill('SIGTERM');
  t.equal(await mailer.exited, 0, 'exit 0 on SIGTERM');
});

t.test('main.js against a log that was never migrated: one line naming onramp migrate, exit 75', async (t) => {
  const { url, name } = unmigratedDatabase('mailermain');
  const mailer = runMain({ DATABASE_URL: url });
  t.equal(await mailer.exited, 75);
  t.equal(mailer.err().trim(), `onramp mailer: run "onramp migrate" first: the database ${name} does not exist, this onramp needs ${SCHEMA_VERSION}`);
});
