// With Redis unreachable, `onramp start` says what it waits for, once every few seconds, and a stop signal
// ends it at once; with Redis gone while running, the mailer's own Redis client reports it in a line
// every few seconds instead of ioredis's "Unhandled error event".
import t from 'tap';
import { freshDatabase, startPrivateRedis, waitFor } from '@onramp/core/testing';
import { registerModules } from '@onramp/cli';
import { cleanEnv, freePort, spawnOnramp } from './helpers/onramp-process.js';

const WAITING = /^waiting for Redis at 127\.0\.0\.1:(\d+) \(REDIS_URL\) refused the connection; trying again every 1 s \(Ctrl-C to stop\)$/;

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`waiting for Redis: one clear line every few seconds, no stack trace, ${signal} stops it at once`, async (t) => {
    const database = await freshDatabase('redwait');
    t.teardown(database.drop);
    await registerModules(database.db);
    const port = await freePort();
    const run = spawnOnramp(['start', '--only', 'ingest,dispatcher,mailer'], cleanEnv({
      DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${port}`, INGEST_PORT: '0', LOG_LEVEL: 'info',
    }));
    t.teardown(() => void run.child.kill('SIGKILL'));
    await waitFor(() => run.stderr().includes('waiting for Redis'), 45_000, 'the first waiting line');
    // 6.5 s of waiting: the first line at once, then one every 5 s.
    await new Promise((resolve) => setTimeout(resolve, 6500));
    const lines = run.stderr().trim().split('\n');
    t.ok(lines.length >= 2 && lines.length <= 3, `${lines.length} lines in 6.5 s`);
    for (const line of lines) t.match(line, WAITING);
    t.equal(WAITING.exec(lines[0]!)?.[1], String(port), 'names the port it tries');
    t.notMatch(run.stdout(), /listening|onramp started/, 'nothing started while waiting');
    const sent = Date.now();
    run.child.kill(signal);
    const finished = await run.exited;
    t.ok(Date.now() - sent < 3000, `stopped ${Date.now() - sent} ms after ${signal}`);
    t.equal(finished.code, 0, 'a stop asked for is no failure');
  });
}

t.test('Redis gone while the mailer runs: its own client reports it in one line every few seconds, no unhandled error event', async (t) => {
  const database = await freshDatabase('redgone');
  t.teardown(database.drop);
  await registerModules(database.db);
  const redis = await startPrivateRedis();
  t.teardown(redis.kill);
  // Send mode: the mailer's own ioredis client (rate limit, batch plans) exists only then.
  const run = spawnOnramp(['start', '--only', 'mailer'], cleanEnv({
    DATABASE_URL: database.url, REDIS_URL: redis.url, MAIL_MODE: 'send', RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: 'http://127.0.0.1:9/', LOG_LEVEL: 'info',
  }));
  t.teardown(() => void run.child.kill('SIGKILL'));
  await waitFor(() => run.stdout().includes('onramp started'), 20_000, 'the mailer to start');
  const before = run.stdout().length;
  await redis.kill();
  await new Promise((resolve) => setTimeout(resolve, 6000));
  t.notMatch(run.stderr(), /Unhandled error event/, 'every Redis client has an error listener');
  const lines = run.stdout().slice(before).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; level: number; err?: unknown });
  const redisLines = lines.filter((line) => /Redis at 127\.0\.0\.1:\d+ \(REDIS_URL\)/.test(line.msg));
  t.ok(redisLines.length >= 1, 'the outage is reported');
  // One reporter per client (the worker's, the mailer's own), each at most every 5 s: a handful, not dozens.
  t.ok(redisLines.length <= 6, `${redisLines.length} Redis lines in 6 s`);
  t.ok(redisLines.every((line) => line.err === undefined), 'no stack traces');
  run.child.kill('SIGTERM');
  const finished = await Promise.race([run.exited, new Promise<undefined>((resolve) => setTimeout(resolve, 20_000))]);
  // A worker's close waits for Redis; the shutdown deadline (10 s) ends it then, with exit 1.
  t.ok(finished !== undefined, 'SIGTERM ends it even with Redis down');
});
