// The Resend adapter against resend-local, a Resend emulator from npm that nobody here wrote: a
// second opinion on what the real SDK sends. It has no rate limit and no idempotency store.
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t, { type Test } from 'tap';
import { Redis } from 'ioredis';
import { Resend } from 'resend';
import { silentLogger } from '@onramp/core';
import { freshPrefix, TEST_REDIS } from '@onramp/core/testing';
import { createBatchPlans, createRequestLimiter, createResendSender } from '@onramp/mailer';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startResendLocal(t: Test): Promise<string> {
  const appDir = join(dirname(createRequire(import.meta.url).resolve('resend-local/package.json')), 'dist', 'app');
  const dataDir = await mkdtemp(join(tmpdir(), 'resend-local-'));
  // Its database comes with the package, tables and all; each run gets a copy of its own.
  await copyFile(join(appDir, 'resend-local.sqlite'), join(dataDir, 'resend-local.sqlite'));
  const port = await freePort();
  const child = spawn(process.execPath, ['server.js'], {
    cwd: appDir,
    env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', DATABASE_URL: `file:${join(dataDir, 'resend-local.sqlite')}`, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  t.teardown(async () => {
    child.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 30_000; ) {
    const up = await fetch(`${url}/emails/none`, { headers: { authorization: 'Bearer re_x' } }).then(() => true, () => false);
    if (up) return url;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('resend-local did not start within 30 s');
}

t.test('welcome emails, alone and batched, reach resend-local through the real SDK', async (t) => {
  const url = await startResendLocal(t);
  const redis = new Redis(TEST_REDIS);
  const prefix = freshPrefix('rl');
  const sender = createResendSender({
    apiKey: 're_test_key',
    baseUrl: url,
    limiter: createRequestLimiter(redis, `${prefix}:rate`, 10),
    plans: createBatchPlans(redis, prefix),
    logger: silentLogger,
  });
  t.teardown(async () => {
    await sender.close();
    await redis.quit();
  });
  const mail = (n: number) => ({ idempotencyKey: `welcome/rl/${n}`, from: 'Onboarding <onboarding@example.com>', to: `hire${n}@example.com`, subject: `Welcome ${n}`, html: `<p>Hello ${n}</p>`, text: `Hello ${n}` });
  const alone = await sender.send(mail(0));
  t.equal(alone.batched, false);
  const batch = await Promise.all([1, 2, 3].map((n) => sender.send(mail(n))));
  t.ok(batch.every((b) => b.batched), 'the three went in one batch');
  const sdk = new Resend('re_test_key', { baseUrl: url });
  for (const [n, sent] of [alone, ...batch].entries()) {
    const stored = await sdk.emails.get(sent.messageId);
    t.equal(stored.error, null, `email ${n} is stored`);
    t.match(stored.data, { subject: `Welcome ${n}`, to: [`hire${n}@example.com`], html: `<p>Hello ${n}</p>` });
  }
});
