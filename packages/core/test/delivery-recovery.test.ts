// Outages end with everything done once and without an operator: Redis emptied under a backlog, and
// the event log going away before or after a consumer's effect.
import t, { type Test } from 'tap';
import {
  OUTCOME,
  appendEvents,
  connectDatabase,
  createConsumerWorker,
  listDeadLetters,
  openDeliveryQueues,
  readEvents,
  registerSubscriptions,
  silentLogger,
  startDispatcher,
  type ConsumerHandler,
} from '@onramp/core';
import { TEST_REDIS, freshDatabase, freshPrefix, startOutageProxy, startPrivateRedis, waitFor } from '@onramp/core/testing';
import { joiner, welcomeSent } from './helpers.js';

const FAST = { attempts: 2, backoff: { type: 'fixed', delay: 20 } };
const completions = async (db: Awaited<ReturnType<typeof freshDatabase>>['db']) =>
  (await db.selectFrom('consumer_completions').select('seq').execute()).length;

t.test('Redis restarted empty with a backlog: every delivery is done once, and the log says jobs were restored', async (t) => {
  const { db, drop } = await freshDatabase('lostredis');
  const redis = await startPrivateRedis();
  const prefix = freshPrefix('lostredis');
  await registerSubscriptions(db, 'mailer', ['SCIM.UserCreated']);
  const queues = openDeliveryQueues(redis.url, prefix);
  const dispatcher = startDispatcher(db, queues, silentLogger, { pollMs: 50, retryMs: 100, restoreEveryMs: 300, restoreGraceMs: 500, jobOptions: FAST });
  const handled = new Map<number, number>();
  const worker = createConsumerWorker(
    { consumer: 'mailer', concurrency: 8, handle: async (event) => (handled.set(event.seq, (handled.get(event.seq) ?? 0) + 1), []) },
    { db, redisUrl: redis.url, prefix, logger: silentLogger },
  );
  t.teardown(async () => {
    await worker.close();
    await dispatcher.close();
    await queues.close();
    await redis.kill();
    await drop();
  });
  await appendEvents(db, Array.from({ length: 60 }, (_, i) => joiner(`lost${i}`)));
  dispatcher.wake();
  await waitFor(async () => (await db.selectFrom('outbox').select('seq').execute()).length === 0, undefined, 'all queued');
  t.equal((await db.selectFrom('deliveries').select('seq').where('queued_at', 'is not', null).execute()).length, 60, '60 deliveries queued');

  await redis.kill();
  await redis.restart(); // empty: every queued job is gone
  await worker.start();
  await waitFor(async () => (await completions(db)) === 60, 30_000, 'all 60 done after the restore');
  t.equal(handled.size, 60, 'each event handled');
  t.ok([...handled.values()].every((n) => n === 1), 'and each once');
  const restored = await readEvents(db, { type: OUTCOME.jobsRestored, limit: 100 });
  t.equal(restored.reduce((n, e) => n + Number((e.data as { count: number }).count), 0), 60, 'the log records 60 restored jobs');
  t.same(await db.selectFrom('deliveries').select('seq').execute(), [], 'no delivery left');
});

/** A mailer worker that reaches the log through a proxy the test can take down; the relay reaches it directly. */
async function behindOutageProxy(t: Test, label: string, handle: ConsumerHandler) {
  const database = await freshDatabase(label);
  const proxy = await startOutageProxy(database.url);
  const { db: viaProxy } = connectDatabase(proxy.url, 4);
  const prefix = freshPrefix(label);
  await registerSubscriptions(database.db, 'mailer', ['SCIM.UserCreated']);
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  const dispatcher = startDispatcher(database.db, queues, silentLogger, { pollMs: 50, jobOptions: FAST });
  const worker = createConsumerWorker({ consumer: 'mailer', handle }, { db: viaProxy, redisUrl: TEST_REDIS, prefix, logger: silentLogger });
  t.teardown(async () => {
    await worker.close();
    await dispatcher.close();
    await queues.close();
    await viaProxy.destroy();
    await proxy.close();
    await database.drop();
  });
  const append = async (id: string) => {
    await appendEvents(database.db, [joiner(id)]);
    dispatcher.wake();
  };
  return { db: database.db, proxy, worker, append };
}

t.test('the log down after the effect: the worker waits, records once, spends no attempt', async (t) => {
  let calls = 0;
  const s = await behindOutageProxy(t, 'dbdown', async (event) => {
    calls++;
    await s.proxy.down(); // the effect happened; the log goes away before it is recorded
    setTimeout(() => void s.proxy.up(), 5000);
    return [welcomeSent(event, 'm')];
  });
  await s.worker.start();
  await s.append('after-effect');
  await waitFor(async () => (await completions(s.db)) === 1, 30_000, 'recorded after the log came back');
  t.equal(calls, 1, 'the effect happened once');
  t.equal((await readEvents(s.db, { type: OUTCOME.welcomeSent })).length, 1, 'one outcome in the log');
  t.same(await listDeadLetters(s.db), [], 'no dead letter');
});

t.test('the log down before the effect: the job waits for it without spending its attempts', async (t) => {
  let calls = 0;
  const s = await behindOutageProxy(t, 'dbdown2', async () => (calls++, []));
  await s.proxy.down();
  await s.worker.start();
  await s.append('before-effect');
  await new Promise((resolve) => setTimeout(resolve, 5000)); // longer than two attempts' back-off
  t.equal(calls, 0, 'nothing done while the log is away');
  await s.proxy.up();
  await waitFor(async () => (await completions(s.db)) === 1, 30_000, 'done once the log is back');
  t.equal(calls, 1);
  t.same(await listDeadLetters(s.db), [], 'no attempt was spent into a dead letter');
});
