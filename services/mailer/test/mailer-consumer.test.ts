// The mailer as it runs: events in the log, the dispatcher, the worker, the real SDK, a local Resend.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Queue } from 'bullmq';
import { appendEvents, listDeadLetters, loadConfig, readEvents, replayRange, silentLogger, type CloudEvent, type Logger, type StoredEvent } from '@onramp/core';
import { freshDatabase, freshPrefix, joinerEvent, startTestDelivery, TEST_REDIS, waitFor } from '@onramp/core/testing';
import { startResendServer } from '@onramp/provider-servers';
import { CAPTURE_WARNING, startMailer, welcomeKey } from '@onramp/mailer';

async function setup(t: Test, server: Parameters<typeof startResendServer>[0] = {}, env: Record<string, string> = {}, logger: Logger = silentLogger) {
  const { db, url, drop } = await freshDatabase('mailer');
  const prefix = freshPrefix('mailer');
  const home = await mkdtemp(join(tmpdir(), 'onramp-home-'));
  const resend = await startResendServer({ ratePerSecond: 20, ...server });
  const config = loadConfig({
    DATABASE_URL: url,
    REDIS_URL: TEST_REDIS,
    ONRAMP_HOME: home,
    RESEND_API_KEY: 're_test_key',
    RESEND_BASE_URL: resend.url,
    MAIL_RATE_PER_SECOND: '20',
    ...env,
  });
  const mailer = await startMailer(config, { db, logger, queuePrefix: prefix, lingerMs: 10 });
  const delivery = await startTestDelivery(db, TEST_REDIS, prefix, silentLogger);
  t.teardown(async () => {
    await mailer.close();
    await delivery.close();
    await resend.close();
    await drop();
    await rm(home, { recursive: true, force: true });
  });
  const outcomes = (type: string) => readEvents(db, { type, limit: 1000 });
  return { db, prefix, home, resend, delivery, outcomes, mailer };
}

t.test('a joiner gets one welcome email and WelcomeSent records its Resend id', async (t) => {
  const { db, resend, outcomes } = await setup(t);
  await appendEvents(db, [joinerEvent(1)]);
  const [sent] = await waitFor(async () => (await outcomes('onramp.mail.WelcomeSent')).at(0) && outcomes('onramp.mail.WelcomeSent'));
  t.equal(resend.emails.length, 1);
  t.match(sent!.data, { messageId: resend.emails[0]!.id, provider: 'resend', mode: 'send', idempotencyKey: welcomeKey({ source: 'com.aliyun.idaas', id: 'joiner-1' }), cause: { type: 'SCIM.UserCreated' } });
  t.match(resend.emails[0], { to: ['hire1@example.com'], subject: 'Welcome', from: 'Onboarding <onboarding@example.com>', html: /Hire1 Example/ });
});

t.test('a rejected email is not retried: dead letter and WelcomeFailed with the reason', async (t) => {
  const { db, resend, outcomes } = await setup(t, { verifiedDomains: ['company.test'] });
  await appendEvents(db, [joinerEvent(2)]);
  const [failed] = await waitFor(async () => (await outcomes('onramp.mail.WelcomeFailed')).at(0) && outcomes('onramp.mail.WelcomeFailed'));
  t.match(failed!.data, { code: 'validation_error', reason: /domain is not verified/, attempts: 1 });
  t.equal(resend.requests.length, 1, 'one request, no retry');
  t.equal((await listDeadLetters(db, 'mailer')).length, 1);
});

t.test('a replay sends nothing again; replay --force sends again with a new key', async (t) => {
  const { db, resend, outcomes } = await setup(t);
  await appendEvents(db, [joinerEvent(3)]);
  await waitFor(async () => (await outcomes('onramp.mail.WelcomeSent')).length === 1);
  await replayRange(db, { consumer: 'mailer' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(resend.emails.length, 1, 'replay: no second email');
  await replayRange(db, { consumer: 'mailer', force: true });
  const sent = await waitFor(async () => {
    const all = await outcomes('onramp.mail.WelcomeSent');
    return all.length === 2 ? all : undefined;
  });
  t.equal(resend.emails.length, 2, 'forced: a second email');
  const keys = sent.map((e: StoredEvent) => (e.data as { idempotencyKey: string }).idempotencyKey);
  t.not(keys[0], keys[1]);
  t.equal(keys[0], welcomeKey({ source: 'com.aliyun.idaas', id: 'joiner-3' }));
  t.match(keys[1], /^welcome\/[A-Za-z0-9_-]{43}$/);
});

t.test('a used-up daily quota pauses the queue instead of spending attempts', async (t) => {
  const { db, prefix, resend } = await setup(t, { dailyQuota: 0 });
  await appendEvents(db, [joinerEvent(4)]);
  await waitFor(() => resend.requests.length >= 1);
  const queue = new Queue('mailer', { connection: { url: TEST_REDIS }, prefix });
  t.teardown(() => queue.close());
  const ttl = await waitFor(async () => {
    const ms = await queue.getRateLimitTtl(Number.MAX_SAFE_INTEGER);
    return ms > 0 ? ms : undefined;
  });
  t.ok(ttl > 3_000_000, `the mailer queue is paused for ${ttl} ms`);
  const job = await waitFor(async () => {
    const found = await queue.getJob('seq-1');
    return (await found?.getState()) === 'delayed' ? found : undefined;
  });
  t.equal(job.attemptsMade, 0, 'no attempt spent');
  t.equal(resend.requests.length, 1);
});

/** A joiner event with the given id, address and name. */
const joiner = (n: number, changes: { id?: string; email?: string; givenName?: string }): CloudEvent => {
  const event = joinerEvent(n);
  const data = event.data as Record<string, unknown>;
  const email = changes.email ?? `hire${n}@example.com`;
  return {
    ...event,
    id: changes.id ?? event.id,
    data: { ...data, userName: email, emails: [{ value: email, type: 'work', primary: true }], name: { givenName: changes.givenName ?? `Hire${n}`, familyName: 'Example' } },
  };
};
const waitOutcome = (outcomes: (type: string) => Promise<StoredEvent[]>, type: string) => waitFor(async () => (await outcomes(type)).at(0));

t.test('a joiner whose event id is not Latin-1 gets a welcome email: the key is hashed to ASCII', async (t) => {
  const { db, resend, outcomes } = await setup(t);
  await appendEvents(db, [joiner(5, { id: '入职-0001' })]);
  const sent = await waitOutcome(outcomes, 'onramp.mail.WelcomeSent');
  t.equal(resend.emails.length, 1);
  const key = (sent.data as { idempotencyKey: string }).idempotencyKey;
  t.equal(key, welcomeKey({ source: 'com.aliyun.idaas', id: '入职-0001' }));
  t.match(key, /^welcome\/[A-Za-z0-9_-]{43}$/, 'ASCII, 51 characters');
  t.equal(resend.emails[0]!.idempotencyKey, key, 'sent in the Idempotency-Key header');
});

t.test('internationalised addresses get their email: the domain as IDNA A-labels, the local part as it is', async (t) => {
  const { db, resend, outcomes } = await setup(t);
  await appendEvents(db, [joiner(6, { email: 'josé@example.com' }), joiner(7, { email: '用户@例子.公司' })]);
  await waitFor(async () => (await outcomes('onramp.mail.WelcomeSent')).length === 2);
  t.same(resend.emails.flatMap((e) => e.to).sort(), ['josé@example.com', '用户@xn--fsqu00a.xn--55qx5d'].sort());
});

t.test('a provider that refuses a non-ASCII local part: a dead letter with its own code, the others still sent', async (t) => {
  const { db, resend, outcomes } = await setup(t, { smtpUtf8: false });
  await appendEvents(db, [joiner(8, { email: '用户@例子.公司' }), joiner(9, { email: 'hire9@例子.公司' })]);
  const failed = await waitOutcome(outcomes, 'onramp.mail.WelcomeFailed');
  t.match(failed.data, { code: 'recipient_unsupported', reason: /non-ASCII local part/, attempts: 1 });
  await waitOutcome(outcomes, 'onramp.mail.WelcomeSent');
  t.same(resend.emails.flatMap((e) => e.to), ['hire9@xn--fsqu00a.xn--55qx5d'], 'an IDN domain alone needs no SMTPUTF8');
  t.equal((await listDeadLetters(db, 'mailer')).length, 1);
});

t.test('bidi and invisible controls in a name never reach the email', async (t) => {
  const { db, resend, outcomes } = await setup(t);
  await appendEvents(db, [joiner(10, { givenName: 'Ali\u202Ece\u2066\u200f\u0085' })]);
  await waitOutcome(outcomes, 'onramp.mail.WelcomeSent');
  const [email] = resend.emails;
  t.match(email!.text, /Hello Alice Example,/);
  t.match(email!.html, /Hello Alice Example,/);
  t.notMatch(`${email!.text}${email!.html}`, /[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\u0080-\u009f]/);
});

/** A logger that keeps its warnings (and drops the rest), to see what a start says. */
function warningsLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger: Logger = new Proxy({} as Logger, {
    get: (_target, property) => {
      if (property === 'child') return () => logger;
      if (property === 'warn') return (first: unknown, message?: string) => void warnings.push(typeof first === 'string' ? first : (message ?? ''));
      return () => undefined;
    },
  });
  return { logger, warnings };
}

t.test('MAIL_MODE=capture in production: warned at start, nothing sent, and WelcomeSent says mode capture', async (t) => {
  const { logger, warnings } = warningsLogger();
  const production = {
    NODE_ENV: 'production',
    INGEST_TOKEN: 'ingest-token-0123456789',
    ADMIN_TOKEN: 'admin-token-0123456789',
    MAIL_MODE: 'capture',
    GITBOOK_MODE: 'dry-run',
    SEARCH_AUTH: 'disabled',
  };
  const { db, home, resend, outcomes, mailer } = await setup(t, {}, production, logger);
  t.equal(mailer.mode, 'capture', 'capture asked for by name wins over RESEND_API_KEY');
  t.same(warnings, [CAPTURE_WARNING]);
  await appendEvents(db, [joinerEvent(11)]);
  const sent = await waitOutcome(outcomes, 'onramp.mail.WelcomeSent');
  t.match(sent.data, { mode: 'capture', provider: 'local-capture' });
  t.equal(resend.requests.length, 0, 'Resend was not called');
  t.equal((await readdir(join(home, 'mail'))).filter((f) => f.endsWith('.eml')).length, 1);
});

t.test('outside production, no RESEND_API_KEY is capture as before, and WelcomeSent says so too', async (t) => {
  const { logger, warnings } = warningsLogger();
  const { db, outcomes, mailer } = await setup(t, {}, { RESEND_API_KEY: '' }, logger);
  t.equal(mailer.mode, 'capture');
  t.same(warnings, [], 'the local default is no warning');
  await appendEvents(db, [joinerEvent(12)]);
  t.match((await waitOutcome(outcomes, 'onramp.mail.WelcomeSent')).data, { mode: 'capture', provider: 'local-capture' });
});
