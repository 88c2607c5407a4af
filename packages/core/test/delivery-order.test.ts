// Order and start positions kept by data: one person's events one after the other at any concurrency,
// and a consumer added later takes events from its start on, at once, with the past only on request.
import t, { type Test } from 'tap';
import {
  appendEvents,
  backfill,
  consumerStatuses,
  createConsumerWorker,
  openDeliveryQueues,
  registerSubscriptions,
  silentLogger,
  startDispatcher,
} from '@onramp/core';
import { TEST_REDIS, freshDatabase, freshPrefix, waitFor } from '@onramp/core/testing';
import { personEvent } from './helpers.js';

const FAST = { attempts: 3, backoff: { type: 'fixed', delay: 20 } };

async function pipeline(t: Test, label: string) {
  const database = await freshDatabase(label);
  const prefix = freshPrefix(label);
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  const dispatcher = startDispatcher(database.db, queues, silentLogger, { pollMs: 20, jobOptions: FAST });
  const workers: { close(): Promise<void> }[] = [];
  t.teardown(async () => {
    for (const worker of workers) await worker.close();
    await dispatcher.close();
    await queues.close();
    await database.drop();
  });
  return { ...database, prefix, dispatcher, workers };
}

t.test('one person’s events are handled one at a time, in seq order, at concurrency 16 (100 people × 20 events)', async (t) => {
  const p = await pipeline(t, 'order16');
  await registerSubscriptions(p.db, 'ordered', ['SCIM.UserCreated', 'SCIM.UserUpdated']);
  const busy = new Set<string>();
  const seen = new Map<string, number[]>();
  let overlaps = 0;
  let handled = 0;
  const worker = createConsumerWorker(
    {
      consumer: 'ordered',
      concurrency: 16,
      handle: async (event) => {
        const subject = event.subject!;
        if (busy.has(subject)) overlaps++;
        busy.add(subject);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        seen.set(subject, [...(seen.get(subject) ?? []), event.seq]);
        busy.delete(subject);
        handled++;
        return [];
      },
    },
    { db: p.db, redisUrl: TEST_REDIS, prefix: p.prefix, logger: silentLogger, jobOptions: FAST },
  );
  p.workers.push(worker);
  await worker.start();
  for (let n = 0; n < 20; n++) {
    await appendEvents(p.db, Array.from({ length: 100 }, (_, person) => personEvent(person, n)));
    p.dispatcher.wake();
  }
  await waitFor(() => handled === 2000, 120_000, 'all 2,000 handled');
  t.equal(overlaps, 0, 'never two events of one person at once');
  const outOfOrder = [...seen.values()].filter((seqs) => seqs.some((seq, i) => i > 0 && seq < seqs[i - 1]!));
  t.equal(outOfOrder.length, 0, 'every person’s events in seq order');
  t.equal(seen.size, 100);
  t.ok([...seen.values()].every((seqs) => seqs.length === 20), 'each person’s 20 events, once each');
});

t.test('a consumer added after 1,000 events takes the next event of a known person at once, and the past only by backfill', async (t) => {
  const p = await pipeline(t, 'late');
  await registerSubscriptions(p.db, 'early', ['SCIM.UserCreated', 'SCIM.UserUpdated']);
  for (let n = 0; n < 10; n++) await appendEvents(p.db, Array.from({ length: 100 }, (_, person) => personEvent(person, n)));
  p.dispatcher.wake();
  // The early consumer never runs: its 1,000 deliveries stay pending, as a slow or stopped consumer's would.
  await waitFor(async () => (await p.db.selectFrom('outbox').select('seq').execute()).length === 0, 30_000, 'relay caught up');

  await registerSubscriptions(p.db, 'late', ['SCIM.UserCreated', 'SCIM.UserUpdated']);
  const handled: number[] = [];
  const worker = createConsumerWorker(
    { consumer: 'late', concurrency: 4, handle: async (event) => (handled.push(event.seq), []) },
    { db: p.db, redisUrl: TEST_REDIS, prefix: p.prefix, logger: silentLogger, jobOptions: FAST },
  );
  p.workers.push(worker);
  await worker.start();
  p.dispatcher.wake();
  const placed = await waitFor(async () => (await consumerStatuses(p.db)).find((s) => s.consumer === 'late' && s.startSeq !== null), 10_000, 'start placed');
  t.equal(placed.startSeq, 1000, 'the new consumer starts at the head of the log');

  const appendedAt = Date.now();
  const [next] = await appendEvents(p.db, [personEvent(7, 10)]);
  p.dispatcher.wake();
  await waitFor(() => handled.length === 1, 10_000, 'the new event handled');
  const tookMs = Date.now() - appendedAt;
  t.ok(tookMs < 3000, `handled ${tookMs} ms after the append, not held behind person 7's earlier events`);
  t.same(handled, [next!.seq], 'only the event after its start');

  const summary = await backfill(p.db, 'late', 901);
  t.equal(summary.matched, 100, 'backfill from seq 901: the hundred events up to its start');
  await waitFor(() => handled.length === 101, 30_000, 'backfilled events handled');
  // The handler has run; its completion (which ends the delivery) follows a moment later.
  const status = await waitFor(async () => (await consumerStatuses(p.db)).find((s) => s.consumer === 'late' && s.pending === 0), 10_000, 'no delivery left');
  t.match(status, { startSeq: 900, pending: 0, deadLetters: 0 });
  t.equal(handled.length, 101, 'each backfilled event handled once');
  t.match((await consumerStatuses(p.db)).find((s) => s.consumer === 'early'), { pending: 1001, inFlight: 100 }, 'the stopped consumer’s lag is visible');
});
