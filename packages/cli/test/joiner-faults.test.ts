// Faults around a joiner's effects, each ending with exactly one welcome email and one GitBook user:
// a worker killed after the provider accepted the call, 500s, 429s, duplicate deliveries, replays.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { appendEvents, enqueueDeliveries, loadConfig, readEvents, replayRange, silentLogger } from '@onramp/core';
import { freshDatabase, freshPrefix, joinerEvent, startTestDelivery, TEST_REDIS, waitFor } from '@onramp/core/testing';
import { startResendServer, startScimServer, type ResendServerOptions, type ScimServerOptions } from '@onramp/provider-servers';
import { startMailer } from '@onramp/mailer';
import { startGitbookSync } from '@onramp/gitbook-sync';

const TOKEN = 'gitbook-scim-token-0123456789';
const FIXTURE = fileURLToPath(new URL('./fixtures/joiner-worker.mjs', import.meta.url));

async function pipeline(t: Test, resendOptions: ResendServerOptions = {}, scimOptions: Partial<ScimServerOptions> = {}) {
  const { db, url, drop } = await freshDatabase('faults');
  const prefix = freshPrefix('faults');
  const home = await mkdtemp(join(tmpdir(), 'onramp-faults-'));
  const resend = await startResendServer({ ratePerSecond: 10, ...resendOptions });
  const scim = await startScimServer({ token: TOKEN, ...scimOptions });
  const env = {
    DATABASE_URL: url,
    REDIS_URL: TEST_REDIS,
    ONRAMP_HOME: home,
    RESEND_API_KEY: 're_test_key',
    RESEND_BASE_URL: resend.url,
    MAIL_RATE_PER_SECOND: '10',
    GITBOOK_SCIM_URL: scim.url,
    GITBOOK_SCIM_TOKEN: TOKEN,
  };
  const config = loadConfig(env);
  const delivery = await startTestDelivery(db, TEST_REDIS, prefix, silentLogger);
  const closers: (() => Promise<void>)[] = [];
  const runtime = { lockDurationMs: 1500, stalledIntervalMs: 500 };
  const startWorkers = async () => {
    const mailer = await startMailer(config, { db, logger: silentLogger, queuePrefix: prefix, runtime, lingerMs: 10 });
    const sync = await startGitbookSync(config, { db, logger: silentLogger, queuePrefix: prefix, runtime });
    closers.push(() => mailer.close(), () => sync.close());
  };
  const startChild = async (lingerMs = 10): Promise<ChildProcess> => {
    const childEnv = { ...process.env, ...env, TEST_QUEUE_PREFIX: prefix, TEST_LINGER_MS: String(lingerMs), LOG_LEVEL: 'silent' };
    const child = spawn(process.execPath, [FIXTURE], { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
    closers.push(async () => void child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', () => reject(new Error('the worker process exited before it was ready')));
    });
    return child;
  };
  t.teardown(async () => {
    for (const close of closers) await close();
    await delivery.close();
    await resend.close();
    await scim.close();
    await drop();
    await rm(home, { recursive: true, force: true });
  });
  const count = async (type: string) => (await readEvents(db, { type, limit: 1000 })).length;
  const settled = (joiners = 1) =>
    waitFor(async () => (await count('onramp.mail.WelcomeSent')) >= joiners && (await count('onramp.gitbook.AccessGranted')) >= joiners, 20_000, 'both effects');
  return { db, resend, scim, delivery, startWorkers, startChild, settled, count };
}

function exactlyOnce(t: Test, resend: { emails: unknown[] }, scim: { users(): unknown[]; groups(): { members?: unknown }[] }, joiners = 1) {
  t.equal(resend.emails.length, joiners, `${joiners} welcome email(s) at Resend`);
  t.equal(scim.users().length, joiners, `${joiners} GitBook user(s)`);
  t.equal((scim.groups()[0]?.members as unknown[] | undefined)?.length, joiners, 'each a member of the readers group once');
}

t.test('worker killed after Resend accepted the email: another worker finishes, one email', async (t) => {
  const worker: { child?: ChildProcess } = {};
  const p = await pipeline(t, { onAccepted: () => void worker.child?.kill('SIGKILL') });
  const child = (worker.child = await p.startChild());
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await appendEvents(p.db, [joinerEvent(1)]);
  t.equal(await exited, null, 'the worker died');
  await p.startWorkers();
  await p.settled();
  exactlyOnce(t, p.resend, p.scim);
  t.ok(p.resend.requests.length >= 2, 'the second worker did call Resend again (same key, same answer)');
});

t.test('worker killed after GitBook created the user: another worker finishes, one user', async (t) => {
  const worker: { child?: ChildProcess } = {};
  const p = await pipeline(t, {}, { onUserCreated: () => void worker.child?.kill('SIGKILL') });
  const child = (worker.child = await p.startChild());
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await appendEvents(p.db, [joinerEvent(2)]);
  await exited;
  await p.startWorkers();
  await p.settled();
  exactlyOnce(t, p.resend, p.scim);
});

t.test('worker killed after a batch of three was accepted: the batch is re-sent as it was, nothing twice', async (t) => {
  const worker: { child?: ChildProcess } = {};
  let firstBatch = 0;
  const p = await pipeline(t, {
    onAccepted: (emails) => {
      firstBatch ||= emails.length;
      worker.child?.kill('SIGKILL');
    },
  });
  // A longer linger makes the three jobs meet in one batch.
  const child = (worker.child = await p.startChild(300));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await appendEvents(p.db, [joinerEvent(10), joinerEvent(11), joinerEvent(12)]);
  await exited;
  await p.startWorkers();
  await p.settled(3);
  t.equal(firstBatch, 3, 'the worker died after a batch of three was accepted');
  exactlyOnce(t, p.resend, p.scim, 3);
});

t.test('the providers answer 500 twice, then 200', async (t) => {
  const p = await pipeline(t);
  p.resend.failNext(2, { status: 500, name: 'internal_server_error' });
  p.scim.failNext(2, { status: 500 });
  await p.startWorkers();
  await appendEvents(p.db, [joinerEvent(3)]);
  await p.settled();
  exactlyOnce(t, p.resend, p.scim);
  t.same(p.resend.requests.map((r) => r.status), [500, 500, 200]);
});

t.test('the providers answer 429 with retry-after', async (t) => {
  const p = await pipeline(t);
  p.resend.failNext(1, { status: 429, name: 'rate_limit_exceeded', headers: { 'retry-after': '1' } });
  p.scim.failNext(1, { status: 429, headers: { 'retry-after': '1' } });
  await p.startWorkers();
  const started = Date.now();
  await appendEvents(p.db, [joinerEvent(4)]);
  await p.settled();
  t.ok(Date.now() - started >= 1000, 'waited what retry-after said');
  exactlyOnce(t, p.resend, p.scim);
});

t.test('the same event delivered five times', async (t) => {
  const p = await pipeline(t);
  const joiner = joinerEvent(5);
  await Promise.all(Array.from({ length: 5 }, () => appendEvents(p.db, [joiner])));
  const [stored] = await readEvents(p.db, { limit: 1 });
  for (const consumer of ['mailer', 'gitbook-sync'] as const) {
    await enqueueDeliveries(p.delivery.queues.queue(consumer), [1, 2, 3, 4].map((i) => ({ seq: stored!.seq, type: stored!.type, enqueues: 1, redelivery: `again-${i}`, forced: false })));
  }
  await p.startWorkers();
  await p.settled();
  await new Promise((resolve) => setTimeout(resolve, 500));
  exactlyOnce(t, p.resend, p.scim);
});

t.test('the range is replayed, while running and after', async (t) => {
  const p = await pipeline(t);
  await p.startWorkers();
  await appendEvents(p.db, [joinerEvent(6), joinerEvent(7), joinerEvent(8)]);
  for (const consumer of ['mailer', 'gitbook-sync'] as const) await replayRange(p.db, { consumer });
  await p.settled(3);
  for (const consumer of ['mailer', 'gitbook-sync'] as const) await replayRange(p.db, { consumer });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  exactlyOnce(t, p.resend, p.scim, 3);
});
