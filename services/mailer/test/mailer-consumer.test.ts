// The mailer as it runs: events in the log, the dispatcher, the worker, the real SDK, a local Resend.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Queue } from 'bullmq';
import { appendEvents, listDeadLetters, loadConfig, readEvents, replayRange, silentLogger, type StoredEvent } from '@onramp/core';
import { freshDatabase, freshPrefix, joinerEvent, startTestDelivery, TEST_REDIS, waitFor } from '@onramp/core/testing';
import { startResendServer } from '@onramp/provider-servers';
import { startMailer } from '@onramp/mailer';

async function setup(t: Test, server: Parameters<typeof startResendServer>[0] = {}) {
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
  });
  const mailer = await startMailer(config, { db, logger: silentLogger, queuePrefix: prefix, lingerMs: 10 });
  const delivery = await startTestDelivery(db, TEST_REDIS, prefix, silentLogger);
  t.teardown(async () => {
    await mailer.close();
    await delivery.close();
    await resend.close();
    await drop();
    await rm(home, { recursive: true, force: true });
  });
  const outcomes = (type: string) => readEvents(db, { type, limit: 1000 });
  return { db, prefix, resend, delivery, outcomes };
}

t.test('a joiner gets one welcome email and WelcomeSent records its Resend id', async (t) => {
  const { db, resend, outcomes } = await setup(t);
  await appendEvents(db, [joinerEvent(1)]);
  const [sent] = await waitFor(async () => (await outcomes('onramp.mail.WelcomeSent')).at(0) && outcomes('onramp.mail.WelcomeSent'));
  t.equal(resend.emails.length, 1);
  t.match(sent!.data, { messageId: resend.emails[0]!.id, provider: 'resend', idempotencyKey: 'welcome/com.aliyun.idaas/joiner-1', cause: { type: 'SCIM.UserCreated' } });
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
  const { db, resend, delivery, outcomes } = await setup(t);
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
  t.match(keys[1], /^welcome\/com\.aliyun\.idaas\/joiner-3\/replay-/);
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
