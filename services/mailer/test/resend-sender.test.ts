// The Resend adapter with the real SDK against the local Resend server, Redis shared as in production.
import t, { type Test } from 'tap';
import { Redis } from 'ioredis';
import { silentLogger } from '@onramp/core';
import { freshPrefix, TEST_REDIS } from '@onramp/core/testing';
import { startResendServer } from '@onramp/provider-servers';
import { MailError, createBatchPlans, createRequestLimiter, createResendSender, type OutgoingMail } from '@onramp/mailer';

const mail = (n: number | string, to = `hire${n}@example.com`): OutgoingMail => ({
  idempotencyKey: `welcome/test/${n}`,
  from: 'Onboarding <onboarding@example.com>',
  to,
  subject: 'Welcome',
  html: `<p>Hello ${n}</p>`,
  text: `Hello ${n}`,
});

async function setup(t: Test, server: Parameters<typeof startResendServer>[0] = {}, ratePerSecond = 2) {
  const resend = await startResendServer({ ratePerSecond, ...server });
  const redis = new Redis(TEST_REDIS);
  const prefix = freshPrefix('resend');
  const senders: ReturnType<typeof createResendSender>[] = [];
  const newSender = () => {
    const sender = createResendSender({
      apiKey: 're_test_key',
      baseUrl: resend.url,
      limiter: createRequestLimiter(redis, `${prefix}:rate`, ratePerSecond),
      plans: createBatchPlans(redis, prefix),
      logger: silentLogger,
      lingerMs: 20,
      timeoutMs: 5000,
    });
    senders.push(sender);
    return sender;
  };
  t.teardown(async () => {
    for (const s of senders) await s.close();
    await resend.close();
    await redis.quit();
  });
  return { resend, newSender };
}

t.test('a lone email goes through POST /emails with its own key, once', async (t) => {
  const { resend, newSender } = await setup(t);
  const sender = newSender();
  const first = await sender.send(mail(1));
  const again = await newSender().send(mail(1));
  t.equal(again.messageId, first.messageId);
  t.equal(first.batched, false);
  t.equal(resend.emails.length, 1);
  t.same(resend.requests.map((r) => [r.path, r.idempotencyKey]), [['/emails', 'welcome/test/1'], ['/emails', 'welcome/test/1']]);
});

t.test('emails waiting together leave in one batch, within the rate', async (t) => {
  const { resend, newSender } = await setup(t);
  const sender = newSender();
  const sent = await Promise.all(Array.from({ length: 150 }, (_, i) => sender.send(mail(i))));
  t.equal(new Set(sent.map((s) => s.messageId)).size, 150);
  t.equal(resend.emails.length, 150);
  t.ok(resend.requests.length <= 3, `${resend.requests.length} requests for 150 emails`);
  t.ok(resend.requests.every((r) => r.status === 200), 'no 429');
  t.ok(sent.every((s) => s.batched));
});

t.test('one bad address fails alone (permissive batch); a bad sender domain fails all', async (t) => {
  const { resend, newSender } = await setup(t, { verifiedDomains: ['example.com'] });
  const sender = newSender();
  const results = await Promise.allSettled([sender.send(mail(1)), sender.send(mail(2, 'not an address')), sender.send(mail(3))]);
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  const failure = (results[1] as PromiseRejectedResult).reason as MailError;
  t.ok(failure instanceof MailError);
  t.equal(failure.failure, 'permanent');
  t.equal(resend.emails.length, 2);
  const unverified = await sender.send({ ...mail(4), from: 'x@unverified.test' }).catch((e: unknown) => e);
  t.match(unverified, { failure: 'permanent', providerCode: 'validation_error', message: /not verified/ });
});

t.test('429, quota, 5xx and network errors are told apart', async (t) => {
  const { resend, newSender } = await setup(t, {}, 50);
  const sender = newSender();
  resend.failNext(1, { status: 429, name: 'rate_limit_exceeded', headers: { 'retry-after': '3' } });
  t.match(await sender.send(mail(1)).catch((e: unknown) => e), { failure: 'wait', retryAfterMs: 3000 });
  resend.failNext(1, { status: 429, name: 'daily_quota_exceeded' });
  t.match(await sender.send(mail(2)).catch((e: unknown) => e), { failure: 'quota', providerCode: 'daily_quota_exceeded' });
  resend.failNext(1, { status: 500, name: 'internal_server_error' });
  t.match(await sender.send(mail(3)).catch((e: unknown) => e), { failure: 'transient' });
});

t.test('processes share the request rate through Redis: no 429 at 2 requests/s', async (t) => {
  const { resend, newSender } = await setup(t);
  const a = newSender();
  const b = newSender();
  const started = Date.now();
  // One at a time from each "process", so that every email is its own request.
  await Promise.all([0, 1].map(async (p) => {
    for (let i = 0; i < 3; i++) await (p === 0 ? a : b).send(mail(`${p}-${i}`));
  }));
  const elapsed = Date.now() - started;
  t.equal(resend.requests.length, 6);
  t.ok(resend.requests.every((r) => r.status === 200), 'no 429');
  t.ok(elapsed >= 2400, `6 requests took ${elapsed} ms (at least 5 intervals of 500 ms)`);
});

t.test('after a lost answer, each email of the batch is re-sent in the same batch: nothing twice', async (t) => {
  const { resend, newSender } = await setup(t, {}, 20);
  resend.failNext(1, { status: 500, name: 'internal_server_error', afterAccept: true });
  const first = newSender();
  const lost = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => first.send(mail(i))));
  t.ok(lost.every((r) => r.status === 'rejected'), 'the answer was lost');
  t.equal(resend.emails.length, 5, 'but the provider accepted the batch');
  // Another process picks the jobs up one by one, and in another order.
  const second = newSender();
  const ids = [];
  for (const i of [3, 0, 4, 1, 2]) ids.push((await second.send(mail(i))).messageId);
  t.equal(resend.emails.length, 5, 'no email sent twice');
  t.same(new Set(ids), new Set(resend.emails.map((e) => e.id)));
  t.ok(resend.requests.slice(1).every((r) => r.path === '/emails/batch' && r.idempotencyKey === resend.requests[0]!.idempotencyKey));
});
