// Benchmarks of the joiner effects (run after `tsc -b`): 1,000 welcome emails drained through a local
// Resend enforcing 2 requests/s (batched), beside one email per request; SCIM requests per joiner,
// and 50 joiners against a SCIM server allowing 60 requests/min. Prints the machine and writes
// bench/results/mail-gitbook.json. Run by `npm run bench` (or `npm run bench -- mail`).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { appendEvents, type Db, createScimClient, listDeadLetters, loadConfig, readEvents, silentLogger } from '@onramp/core';
import { freshDatabase, freshPrefix, joinerEvent, startTestDelivery, TEST_REDIS, TEST_SUBSCRIPTIONS, waitFor } from '@onramp/core/testing';
import { startResendServer, startScimServer } from '@onramp/provider-servers';
import { createBatchPlans, createRequestLimiter, createResendSender, startMailer } from '@onramp/mailer';
import { startGitbookSync } from '@onramp/gitbook-sync';
import { describeMachine, machineLine } from './machine.js';

const RESULTS = fileURLToPath(new URL('./results/mail-gitbook.json', import.meta.url));
const TOKEN = 'bench-scim-token-0123456789';


async function count(db: Db, type: string): Promise<number> {
  const row = await db.selectFrom('events').select(db.fn.countAll().as('n')).where('type', '=', type).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function obliterate(prefix: string): Promise<void> {
  for (const name of Object.keys(TEST_SUBSCRIPTIONS)) {
    const queue = new Queue(name, { connection: { url: TEST_REDIS }, prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/** N joiners appended at once; time from the append to the last WelcomeSent, at 2 requests/s. */
async function batchedWelcomes(joiners: number) {
  const { db, url, drop } = await freshDatabase('bench_mail');
  const prefix = freshPrefix('bench-mail');
  const home = await mkdtemp(join(tmpdir(), 'onramp-bench-'));
  const resend = await startResendServer({ ratePerSecond: 2 });
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL: TEST_REDIS, ONRAMP_HOME: home, RESEND_API_KEY: 're_bench', RESEND_BASE_URL: resend.url, MAIL_RATE_PER_SECOND: '2' });
  const mailer = await startMailer(config, { db, logger: silentLogger, queuePrefix: prefix });
  const delivery = await startTestDelivery(db, TEST_REDIS, prefix, silentLogger);
  try {
    const events = Array.from({ length: joiners }, (_, i) => joinerEvent(`bench-${i}`));
    const started = Date.now();
    await appendEvents(db, events);
    delivery.dispatcher.wake();
    await waitFor(async () => (await count(db, 'onramp.mail.WelcomeSent')) >= joiners, 300_000, 'every WelcomeSent');
    const [last] = await readEvents(db, { type: 'onramp.mail.WelcomeSent', after: 0, limit: 1_000_000 }).then((all) => all.slice(-1));
    const elapsedMs = last!.recordedAt.getTime() - started;
    return {
      joiners,
      elapsedSeconds: elapsedMs / 1000,
      emailsAccepted: resend.emails.length,
      requests: resend.requests.length,
      batchRequests: resend.requests.filter((r) => r.path === '/emails/batch').length,
      rateLimited429: resend.requests.filter((r) => r.status === 429).length,
      failed: await count(db, 'onramp.mail.WelcomeFailed'),
    };
  } finally {
    await mailer.close();
    await delivery.close();
    await resend.close();
    await obliterate(prefix);
    await drop();
    await rm(home, { recursive: true, force: true });
  }
}

/** One email per request at 2 requests/s, measured on `n` emails and extrapolated to 1,000. */
async function oneEmailPerCall(n: number) {
  const resend = await startResendServer({ ratePerSecond: 2 });
  const redis = new Redis(TEST_REDIS);
  const prefix = freshPrefix('bench-single');
  const sender = createResendSender({ apiKey: 're_bench', baseUrl: resend.url, limiter: createRequestLimiter(redis, `${prefix}:rate`, 2), plans: createBatchPlans(redis, prefix), logger: silentLogger, lingerMs: 0 });
  try {
    const started = Date.now();
    for (let i = 0; i < n; i++) {
      await sender.send({ idempotencyKey: `bench/single/${prefix}/${i}`, from: 'Onboarding <onboarding@example.com>', to: `single${i}@example.com`, subject: 'Welcome', html: '<p>hi</p>', text: 'hi' });
    }
    const elapsedMs = Date.now() - started;
    // The first request leaves at once; each later one waits its turn, so the cost is per interval.
    const perEmailMs = elapsedMs / (n - 1);
    return { measuredEmails: n, measuredSeconds: elapsedMs / 1000, secondsPerEmail: perEmailMs / 1000, extrapolatedSecondsFor1000: Math.round(perEmailMs * 999) / 1000, rateLimited429: resend.requests.filter((r) => r.status === 429).length };
  } finally {
    await sender.close();
    await resend.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
}

/** N joiners of one department, whose readers group exists, against a SCIM server allowing `perMinute`. */
async function scimJoiners(joiners: number, perMinute: number | undefined) {
  const { db, url, drop } = await freshDatabase('bench_scim');
  const prefix = freshPrefix('bench-scim');
  const scim = await startScimServer({ token: TOKEN, ...(perMinute === undefined ? {} : { rateLimit: { max: perMinute, windowMs: 60_000 } }) });
  await createScimClient({ baseUrl: scim.url, token: TOKEN }).createGroup('r-d-search-readers');
  const setupRequests = scim.requests.length;
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL: TEST_REDIS, GITBOOK_SCIM_URL: scim.url, GITBOOK_SCIM_TOKEN: TOKEN });
  const sync = await startGitbookSync(config, { db, logger: silentLogger, queuePrefix: prefix });
  const delivery = await startTestDelivery(db, TEST_REDIS, prefix, silentLogger);
  try {
    const started = Date.now();
    await appendEvents(db, Array.from({ length: joiners }, (_, i) => joinerEvent(`scim-${i}`)));
    delivery.dispatcher.wake();
    await waitFor(async () => (await count(db, 'onramp.gitbook.AccessGranted')) + (await count(db, 'onramp.gitbook.AccessFailed')) >= joiners, 600_000, 'every GitBook outcome');
    const requests = scim.requests.slice(setupRequests);
    return {
      joiners,
      rateLimitPerMinute: perMinute ?? null,
      elapsedSeconds: (Date.now() - started) / 1000,
      completed: await count(db, 'onramp.gitbook.AccessGranted'),
      deadLettered: (await listDeadLetters(db, 'gitbook-sync')).length,
      requests: requests.length,
      requestsPerJoiner: requests.length / joiners,
      rateLimited429: requests.filter((r) => r.status === 429).length,
      usersInGitBook: scim.users().length,
      membersOfGroup: (scim.groups()[0]?.members as unknown[] | undefined)?.length ?? 0,
    };
  } finally {
    await sync.close();
    await delivery.close();
    await scim.close();
    await obliterate(prefix);
    await drop();
  }
}

export async function runMailGitbookBench({ quick = false } = {}) {
  const host = describeMachine();
  console.log(`machine: ${machineLine(host)}`);
  const joiners = quick ? 200 : 1000;
  console.log(`mail: ${joiners} joiners at once through the local Resend at 2 requests/s ...`);
  const batched = await batchedWelcomes(joiners);
  console.log(`  ${batched.elapsedSeconds.toFixed(1)} s to the last WelcomeSent, ${batched.requests} requests (${batched.batchRequests} batches), ${batched.rateLimited429} × 429`);
  console.log('mail: one email per request (measured on 20, extrapolated to 1,000) ...');
  const single = await oneEmailPerCall(quick ? 6 : 20);
  console.log(`  ${single.secondsPerEmail.toFixed(3)} s per email → ~${Math.round(single.extrapolatedSecondsFor1000)} s for 1,000`);
  console.log('gitbook: 50 joiners, group exists, no rate limit ...');
  const perJoiner = await scimJoiners(50, undefined);
  console.log(`  ${perJoiner.requestsPerJoiner.toFixed(2)} SCIM requests per joiner, ${perJoiner.elapsedSeconds.toFixed(1)} s`);
  const limitedJoiners = quick ? 10 : 50;
  console.log(`gitbook: ${limitedJoiners} joiners against a SCIM server allowing 60 requests/min (about ${Math.ceil((limitedJoiners * 3) / 60)} min) ...`);
  const limited = await scimJoiners(limitedJoiners, 60);
  console.log(`  ${limited.completed}/${limited.joiners} completed, ${limited.deadLettered} dead-lettered, ${limited.rateLimited429} × 429, ${limited.elapsedSeconds.toFixed(0)} s`);
  const results = { recordedAt: new Date().toISOString(), quick, machine: host, mail: { batched, oneEmailPerCall: single }, gitbook: { requestsPerJoiner: perJoiner, rateLimited: limited } };
  await mkdir(join(RESULTS, '..'), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written ${RESULTS}`);
  return results;
}
