// The local Resend server behaves as Resend documents it, seen through the real `resend` SDK.
import t, { type Test } from 'tap';
import { Resend } from 'resend';
import { startResendServer } from '@onramp/provider-servers';

const email = (to = 'new.hire@example.com') => ({ from: 'Onboarding <onboarding@example.com>', to: [to], subject: 'Welcome', html: '<p>hi</p>', text: 'hi' });

async function setup(t: Test, options: Parameters<typeof startResendServer>[0] = {}) {
  const server = await startResendServer({ ratePerSecond: 100, ...options });
  t.teardown(() => server.close());
  return { server, resend: new Resend('re_test_key', { baseUrl: server.url }) };
}

t.test('the same Idempotency-Key gives the same answer and no second email', async (t) => {
  const { server, resend } = await setup(t);
  const first = await resend.emails.send(email(), { idempotencyKey: 'welcome/x/1' });
  const second = await resend.emails.send(email(), { idempotencyKey: 'welcome/x/1' });
  t.ok(first.data?.id);
  t.equal(second.data?.id, first.data?.id);
  t.equal(server.emails.length, 1);
  const other = await resend.emails.send(email('someone.else@example.com'), { idempotencyKey: 'welcome/x/1' });
  t.match(other.error, { statusCode: 409, name: 'invalid_idempotent_request' }, 'same key, another body');
  const batch = await resend.batch.send([email('a@example.com'), email('b@example.com')], { idempotencyKey: 'batch/1' });
  const again = await resend.batch.send([email('a@example.com'), email('b@example.com')], { idempotencyKey: 'batch/1' });
  t.same(again.data, batch.data);
  t.equal(server.emails.length, 3);
});

t.test('errors come as {statusCode, name, message}', async (t) => {
  const { resend } = await setup(t, { verifiedDomains: ['example.com'] });
  const badTo = await resend.emails.send(email('not-an-address'));
  t.match(badTo.error, { statusCode: 422, name: 'validation_error', message: /Invalid `to` field/ });
  const unverified = await resend.emails.send({ ...email(), from: 'x@unverified.test' });
  t.match(unverified.error, { statusCode: 403, name: 'validation_error', message: /domain is not verified/ });
  const noKey = await new Resend('re_x', { baseUrl: 'http://127.0.0.1:1' }).emails.send(email());
  t.match(noKey.error, { statusCode: null, name: 'application_error' }, 'network errors have no status');
});

t.test('batches: at most 100; permissive validation answers per email', async (t) => {
  const { server, resend } = await setup(t);
  const tooMany = await resend.batch.send(Array.from({ length: 101 }, () => email()));
  t.match(tooMany.error, { statusCode: 422 });
  const strict = await resend.batch.send([email(), email('bad')]);
  t.match(strict.error, { statusCode: 422 }, 'strict: one bad email fails the batch');
  const permissive = await resend.batch.send([email('a@example.com'), email('bad'), email('c@example.com')], { batchValidation: 'permissive' });
  t.equal(permissive.data?.data.length, 2);
  t.same((permissive.data as { errors: { index: number }[] }).errors.map((e) => e.index), [1]);
  t.same(server.emails.map((e) => e.to[0]), ['a@example.com', 'c@example.com']);
});

t.test('2 requests per second, then 429 with ratelimit-* and retry-after', async (t) => {
  const { resend } = await setup(t, { ratePerSecond: 2 });
  const answers = await Promise.all([1, 2, 3].map((i) => resend.emails.send(email(), { idempotencyKey: `k${i}` })));
  const limited = answers.filter((a) => a.error !== null);
  t.equal(limited.length, 1);
  t.match(limited[0]!.error, { statusCode: 429, name: 'rate_limit_exceeded' });
  t.match(limited[0]!.headers, { 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'retry-after': '1' });
  t.match(answers[0]!.headers, { 'ratelimit-limit': '2', 'ratelimit-reset': /^\d+$/ });
});

t.test('daily quota', async (t) => {
  const { resend } = await setup(t, { dailyQuota: 1 });
  t.ok((await resend.emails.send(email())).data);
  t.match((await resend.emails.send(email())).error, { statusCode: 429, name: 'daily_quota_exceeded' });
});
