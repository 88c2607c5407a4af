import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import {
  OUTCOME,
  PermanentError,
  RetryableError,
  appendEvents,
  createConsumerWorker,
  dispatchPending,
  enqueueDeliveries,
  registerSubscriptions,
  listDeadLetters,
  openDeliveryQueues,
  readEvents,
  retryDeadLetters,
  silentLogger,
  type ConsumerHandler,
} from '@onramp/core';
import { TEST_REDIS, freshDatabase, freshPrefix, waitFor } from '@onramp/core/testing';
import { joiner, welcomeSent } from './helpers.js';

const FAST = { attempts: 3, backoff: { type: 'fixed', delay: 20 } };

async function setup(t: Test, handle: ConsumerHandler, failureType?: string) {
  const database = await freshDatabase('worker');
  const prefix = freshPrefix('worker');
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  const worker = createConsumerWorker(
    { consumer: 'mailer', handle, concurrency: 2, ...(failureType === undefined ? {} : { failureType }) },
    { db: database.db, redisUrl: TEST_REDIS, prefix, logger: silentLogger },
  );
  t.teardown(async () => {
    await worker.close();
    await queues.close();
    await database.drop();
  });
  await registerSubscriptions(database.db, 'mailer', ['SCIM.UserCreated']);
  // One relay pass: the event becomes a delivery row and a job.
  const relay = () => dispatchPending(database.db, queues, 100, FAST);
  const deliver = async (id: string) => {
    const [appended] = await appendEvents(database.db, [joiner(id)]);
    await relay();
    return appended!.seq;
  };
  const again = (seq: number, redelivery: string | null, enqueues = 1) =>
    enqueueDeliveries(queues.queue('mailer'), [{ seq, type: 'SCIM.UserCreated', enqueues, redelivery, forced: false }], FAST);
  const completions = async () => (await database.db.selectFrom('consumer_completions').selectAll().execute()).length;
  return { ...database, queues, worker, deliver, again, relay, completions };
}

t.test('handles an event once, records completion and outcome, and skips a re-added job', async (t) => {
  let calls = 0;
  const s = await setup(t, async (event) => {
    calls++;
    return [welcomeSent(event, 'm-1')];
  });
  await s.worker.start();
  const seq = await s.deliver('once');
  await waitFor(async () => (await s.completions()) === 1, undefined, 'completed');
  const sent = await readEvents(s.db, { type: OUTCOME.welcomeSent });
  t.equal(sent.length, 1);
  t.equal(sent[0]!.subject, 'user/once', 'the outcome carries the person as subject');
  t.match(sent[0]!.data, { messageId: 'm-1', cause: { seq } });
  // BullMQ removed the completed job; the same delivery arrives again (a replay, a lost Redis):
  await s.queues.queue('mailer').clean(0, 100, 'completed');
  await s.again(seq, null);
  const job = await s.queues.queue('mailer').getJob(`seq-${seq}`);
  await waitFor(async () => (await job!.getState()) === 'completed', undefined, 're-added job done');
  t.equal((await s.queues.queue('mailer').getJob(`seq-${seq}`))!.returnvalue, 'skipped');
  t.equal(calls, 1, 'the handler ran once');
});

t.test('retries a failing handler with back-off, then completes', async (t) => {
  let calls = 0;
  const s = await setup(t, async () => {
    if (++calls < 3) throw new Error('provider 500');
    return [];
  });
  await s.worker.start();
  await s.deliver('flaky');
  await waitFor(async () => (await s.completions()) === 1, undefined, 'completed');
  t.equal(calls, 3);
  t.same(await listDeadLetters(s.db), []);
});

t.test('a permanent error dead-letters at once, visible in the log and the list', async (t) => {
  let calls = 0;
  const s = await setup(t, async () => {
    calls++;
    throw new PermanentError('422 invalid address', 'validation_error');
  }, OUTCOME.welcomeFailed);
  await s.worker.start();
  const seq = await s.deliver('bad');
  await waitFor(async () => (await listDeadLetters(s.db)).length === 1, undefined, 'dead letter');
  t.equal(calls, 1, 'no retry');
  const [letter] = await listDeadLetters(s.db, 'mailer');
  t.match(letter, { seq, consumer: 'mailer', code: 'validation_error', attempts: 1, error: '422 invalid address' });
  t.equal((await readEvents(s.db, { type: OUTCOME.deadLettered })).length, 1);
  t.match((await readEvents(s.db, { type: OUTCOME.welcomeFailed }))[0]!.data, { reason: '422 invalid address' });
  t.equal(await s.completions(), 0);
});

t.test('the last failed attempt dead-letters; a retry after the fix completes and resolves it', async (t) => {
  let broken = true;
  let calls = 0;
  const s = await setup(t, async () => {
    calls++;
    if (broken) throw new Error('still down');
    return [];
  });
  await s.worker.start();
  const seq = await s.deliver('exhausted');
  await waitFor(async () => (await listDeadLetters(s.db)).length === 1, undefined, 'dead letter');
  t.equal(calls, 3, 'all attempts were used');
  t.equal((await listDeadLetters(s.db))[0]!.attempts, 3);
  broken = false;
  t.equal(await retryDeadLetters(s.db, 'mailer', seq), 1);
  await s.relay();
  await waitFor(async () => (await s.completions()) === 1, undefined, 'completed');
  t.same(await listDeadLetters(s.db), [], 'resolved');
});

t.test('a provider-requested wait delays the job without spending an attempt', async (t) => {
  const attempts: number[] = [];
  const s = await setup(t, async (_event, ctx) => {
    attempts.push(ctx.attempt);
    if (attempts.length < 3) throw new RetryableError('429', 50);
    return [];
  });
  await s.worker.start();
  await s.deliver('limited');
  await waitFor(async () => (await s.completions()) === 1, undefined, 'completed');
  t.same(attempts, [1, 1, 1], 'three tries, all on the first attempt');
});

t.test('no job is taken before start()', async (t) => {
  let calls = 0;
  const s = await setup(t, async () => (calls++, []));
  await s.deliver('gated');
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.equal(calls, 0, 'gate closed');
  await s.worker.start();
  await waitFor(async () => (await s.completions()) === 1, undefined, 'completed');
  t.equal(calls, 1);
});

t.test('SIGTERM lets the running job finish, then the process exits 0', async (t) => {
  const { db, url, drop } = await freshDatabase('term');
  const prefix = freshPrefix('term');
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  t.teardown(async () => {
    await queues.close();
    await drop();
  });
  const script = fileURLToPath(new URL('./fixtures/slow-worker.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, url, TEST_REDIS, prefix, '800'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await waitFor(async () => out.includes('ready'), undefined, 'child ready');
  const [appended] = await appendEvents(db, [joiner('term')]);
  await enqueueDeliveries(queues.queue('mailer'), [{ seq: appended!.seq, type: 'SCIM.UserCreated', enqueues: 1, redelivery: null, forced: false }], FAST);
  await waitFor(async () => out.includes('started'), undefined, 'job started');
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'exit code 0');
  const done = await db.selectFrom('consumer_completions').selectAll().execute();
  t.equal(done.length, 1, 'the job in progress was finished before exit');
});

t.test('two deliveries of one event at once: one effect, one outcome in the log', async (t) => {
  let calls = 0;
  const s = await setup(t, async (event) => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 100)); // both are in the handler together
    return [welcomeSent(event, 'same')];
  });
  await s.worker.start();
  const seq = await s.deliver('twice');
  await s.again(seq, 'replay-x');
  await waitFor(async () => calls === 2 && (await s.completions()) === 1, undefined, 'both jobs ran');
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal((await readEvents(s.db, { type: OUTCOME.welcomeSent })).length, 1, 'the log tells it once');
});

t.test('events of one person are handled one after the other, in seq order, whatever the concurrency', async (t) => {
  const { db, drop } = await freshDatabase('order');
  const prefix = freshPrefix('order');
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  const log: string[] = [];
  const worker = createConsumerWorker(
    {
      consumer: 'gitbook-sync',
      concurrency: 4,
      handle: async (event) => {
        log.push(`start ${event.subject} ${event.type}`);
        // The joiner is slow, so the mover and the leaver would overtake it without the order guard.
        await new Promise((resolve) => setTimeout(resolve, event.type === 'SCIM.UserCreated' ? 300 : 10));
        log.push(`end ${event.subject} ${event.type}`);
        return [];
      },
    },
    { db, redisUrl: TEST_REDIS, prefix, logger: silentLogger },
  );
  t.teardown(async () => {
    await worker.close();
    await queues.close();
    await drop();
  });
  await registerSubscriptions(db, 'gitbook-sync', ['SCIM.UserCreated', 'SCIM.UserUpdated', 'SCIM.UserDeactivated']);
  await worker.start();
  const types = ['SCIM.UserCreated', 'SCIM.UserUpdated', 'SCIM.UserDeactivated', 'SCIM.UserCreated'];
  const results = await appendEvents(db, [
    joiner('p1', 'user/same'),
    { ...joiner('p2', 'user/same'), type: types[1]! },
    { ...joiner('p3', 'user/same'), type: types[2]!, data: { userName: 'p3@example.com', active: false } },
    joiner('o1', 'user/other'),
  ]);
  t.equal(results.length, 4);
  await dispatchPending(db, queues, 100, FAST);
  await waitFor(async () => (await db.selectFrom('consumer_completions').selectAll().execute()).length === 4, undefined, 'all four done');
  t.same(log.filter((line) => line.includes('user/same')), [
    'start user/same SCIM.UserCreated', 'end user/same SCIM.UserCreated',
    'start user/same SCIM.UserUpdated', 'end user/same SCIM.UserUpdated',
    'start user/same SCIM.UserDeactivated', 'end user/same SCIM.UserDeactivated',
  ]);
  t.ok(log.indexOf('start user/other SCIM.UserCreated') < log.indexOf('end user/same SCIM.UserCreated'), 'another person is not held up');
});
