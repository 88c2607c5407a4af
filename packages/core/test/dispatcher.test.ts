import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  appendEvents,
  createConsumerWorker,
  readEvents,
  openDeliveryQueues,
  silentLogger,
  startDispatcher,
  type StoredEvent,
} from '@onramp/core';
import { TEST_REDIS, freshDatabase, freshPrefix, registerTestConsumers, startPrivateRedis, waitFor } from '@onramp/core/testing';
import { jobIds, joiner, welcomeSent } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function runToDeath(script: string, args: string[]): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture(script), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve(signal));
  });
}

const outboxSize = async (db: Awaited<ReturnType<typeof freshDatabase>>['db']) =>
  (await db.selectFrom('outbox').select('seq').execute()).length;

t.test('every subscribed consumer gets one job per event, with the job id derived from the seq', async (t) => {
  const { db, drop } = await freshDatabase('disp');
  await registerTestConsumers(db);
  const prefix = freshPrefix('disp');
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  const dispatcher = startDispatcher(db, queues, silentLogger);
  t.teardown(async () => {
    await dispatcher.close();
    await queues.close();
    await drop();
  });
  const [created] = await appendEvents(db, [joiner('a')]);
  const [doc] = await appendEvents(db, [
    { ...joiner('d'), type: 'Document.Published', data: { uri: 'x', title: 'x', text: 'x', acl: [] } },
  ]);
  const [created0] = await readEvents(db, { limit: 1 });
  await appendEvents(db, [welcomeSent(created0!, 'o')]);
  dispatcher.wake();
  await waitFor(async () => (await outboxSize(db)) === 0, undefined, 'outbox drained');
  t.same(await jobIds(TEST_REDIS, prefix, 'mailer'), [`seq-${created!.seq}`]);
  t.same(await jobIds(TEST_REDIS, prefix, 'gitbook-sync'), [`seq-${created!.seq}`]);
  t.same(await jobIds(TEST_REDIS, prefix, 'indexer'), [`seq-${created!.seq}`, `seq-${doc!.seq}`].sort());
});

t.test('an event appended while Redis is down is dispatched once Redis is back', async (t) => {
  const { db, drop } = await freshDatabase('disp');
  await registerTestConsumers(db);
  const redis = await startPrivateRedis();
  const prefix = freshPrefix('down');
  const queues = openDeliveryQueues(redis.url, prefix);
  const dispatcher = startDispatcher(db, queues, silentLogger, { retryMs: 100 });
  t.teardown(async () => {
    await dispatcher.close();
    await queues.close();
    await redis.kill();
    await drop();
  });
  await redis.kill();
  const [result] = await appendEvents(db, [joiner('while-down')]);
  t.equal(result!.status, 'appended', 'the log takes the event with Redis down');
  dispatcher.wake();
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(await outboxSize(db), 1, 'the event waits in the outbox while Redis is down');
  await redis.restart();
  await waitFor(async () => (await outboxSize(db)) === 0, 20_000, 'outbox drained after Redis came back');
  for (const consumer of ['mailer', 'gitbook-sync', 'indexer'] as const) {
    t.same(await jobIds(redis.url, prefix, consumer), [`seq-${result!.seq}`], `${consumer} has the job once`);
  }
});

t.test('a process killed between append and enqueue: dispatched after restart, once', async (t) => {
  const { db, url, drop } = await freshDatabase('kill');
  await registerTestConsumers(db);
  const prefix = freshPrefix('kill');
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  t.teardown(async () => {
    await queues.close();
    await drop();
  });
  t.equal(await runToDeath('append-then-die.mjs', [url, 'k1']), 'SIGKILL');
  t.equal(await outboxSize(db), 1, 'appended, not yet enqueued');
  const dispatcher = startDispatcher(db, queues, silentLogger);
  await waitFor(async () => (await outboxSize(db)) === 0, undefined, 'outbox drained');
  await dispatcher.close();
  t.equal((await jobIds(TEST_REDIS, prefix, 'mailer')).length, 1);
});

t.test('a process killed between enqueue and outbox delete does not duplicate jobs', async (t) => {
  const { db, url, drop } = await freshDatabase('kill');
  await registerTestConsumers(db);
  const prefix = freshPrefix('kill2');
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  t.teardown(async () => {
    await queues.close();
    await drop();
  });
  await appendEvents(db, [joiner('k2'), joiner('k3')]);
  t.equal(await runToDeath('enqueue-then-die.mjs', [url, TEST_REDIS, prefix]), 'SIGKILL');
  t.equal(await outboxSize(db), 2, 'the outbox still holds both');
  t.equal((await jobIds(TEST_REDIS, prefix, 'indexer')).length, 2, 'jobs were added before the crash');
  const dispatcher = startDispatcher(db, queues, silentLogger);
  await waitFor(async () => (await outboxSize(db)) === 0, undefined, 'outbox drained');
  await dispatcher.close();
  for (const consumer of ['mailer', 'gitbook-sync', 'indexer'] as const) {
    t.equal((await jobIds(TEST_REDIS, prefix, consumer)).length, 2, `${consumer}: still one job per event`);
  }
});

t.test('several dispatchers at once dispatch each event exactly once', async (t) => {
  const { db, drop } = await freshDatabase('many');
  await registerTestConsumers(db);
  const prefix = freshPrefix('many');
  let dispatched = 0;
  const running = Array.from({ length: 3 }, () => {
    const queues = openDeliveryQueues(TEST_REDIS, prefix);
    const dispatcher = startDispatcher(db, queues, silentLogger, { pollMs: 5, batchSize: 7, onDispatched: (n) => (dispatched += n) });
    return { queues, dispatcher };
  });
  t.teardown(async () => {
    for (const { dispatcher, queues } of running) {
      await dispatcher.close();
      await queues.close();
    }
    await drop();
  });
  for (let batch = 0; batch < 30; batch++) {
    await appendEvents(db, Array.from({ length: 10 }, (_, i) => joiner(`m${batch}-${i}`)));
    running[batch % 3]!.dispatcher.wake();
  }
  await waitFor(async () => (await outboxSize(db)) === 0, undefined, 'outbox drained');
  t.equal(dispatched, 300, 'each event was handed to the queues by one dispatcher, once');
  t.equal((await jobIds(TEST_REDIS, prefix, 'mailer')).length, 300);
});

t.test('events of one subject reach a consumer in seq order', async (t) => {
  const { db, drop } = await freshDatabase('order');
  await registerTestConsumers(db);
  const prefix = freshPrefix('order');
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  const seen: StoredEvent[] = [];
  const worker = createConsumerWorker(
    { consumer: 'gitbook-sync', concurrency: 1, handle: async (event) => (seen.push(event), []) },
    { db, redisUrl: TEST_REDIS, prefix, logger: silentLogger },
  );
  // Appends happen before the dispatcher starts, so the whole backlog is dispatched at once.
  const types = ['SCIM.UserCreated', 'SCIM.UserUpdated', 'SCIM.UserUpdated', 'SCIM.UserUpdated'];
  for (let round = 0; round < 4; round++) {
    await appendEvents(db, ['p', 'q', 'r'].map((person) => ({ ...joiner(`${person}${round}`, `user/${person}`), type: types[round]! })));
  }
  const dispatcher = startDispatcher(db, queues, silentLogger, { batchSize: 5 });
  await worker.start();
  t.teardown(async () => {
    await worker.close();
    await dispatcher.close();
    await queues.close();
    await drop();
  });
  await waitFor(async () => seen.length === 12, undefined, 'all handled');
  for (const subject of ['user/p', 'user/q', 'user/r']) {
    const seqs = seen.filter((e) => e.subject === subject).map((e) => e.seq);
    t.same(seqs, [...seqs].sort((a, b) => a - b), `${subject} in seq order`);
  }
});
