// Delivery benchmark (issue 9): the sustained end-to-end rate with three consumers on no-op effects,
// beside BullMQ's own no-op rate for three queues; and the relay's rate (outbox → delivery rows and
// three jobs per event), beside BullMQ's addBulk of the same jobs. All in one process, same run.
import { Queue, Worker } from 'bullmq';
import {
  appendEvents,
  createConsumerWorker,
  dispatchPending,
  enqueueDeliveries,
  openDeliveryQueues,
  redisOptions,
  silentLogger,
  startDispatcher,
  type Db,
  type DeliveryQueues,
} from '@onramp/core';
import { TEST_REDIS, TEST_SUBSCRIPTIONS, freshDatabase, freshPrefix, joinerEvent, registerTestConsumers } from '@onramp/core/testing';

const CONSUMERS = Object.keys(TEST_SUBSCRIPTIONS);
const CONCURRENCY = 16;
const JOBS = { attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true };

export interface DeliveryBenchResult {
  events: number;
  bullmqNoopEventsPerSecond: number;
  onrampEndToEndEventsPerSecond: number;
  relay: { events: number; relayEventsPerSecond: number; v1RelayEventsPerSecond: number; addBulkEventsPerSecond: number };
}

const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));

async function appendJoiners(db: Db, count: number, tag: string): Promise<void> {
  for (let i = 0; i < count; i += 500) {
    await appendEvents(db, Array.from({ length: Math.min(500, count - i) }, (_, j) => joinerEvent(`${tag}-${i + j}`)));
  }
}

/** Three queues, `events` no-op jobs each, three workers: what BullMQ itself sustains here. */
async function bullmqNoop(events: number): Promise<number> {
  const prefix = freshPrefix('bench-noop');
  const connection = redisOptions(TEST_REDIS, 'worker');
  const queues = CONSUMERS.map((name) => new Queue(name, { connection: redisOptions(TEST_REDIS, 'producer'), prefix }));
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const workers = CONSUMERS.map((name) => new Worker(name, async () => undefined, { connection, prefix, concurrency: CONCURRENCY }));
    for (const worker of workers) {
      worker.on('completed', () => {
        if (++done === events * CONSUMERS.length) void Promise.all(workers.map((w) => w.close())).then(() => resolve());
      });
    }
  });
  const started = performance.now();
  for (let i = 0; i < events; i += 500) {
    const n = Math.min(500, events - i);
    for (const queue of queues) await queue.addBulk(Array.from({ length: n }, (_, j) => ({ name: 'SCIM.UserCreated', data: { seq: i + j + 1 }, opts: { ...JOBS, jobId: `seq-${i + j + 1}` } })));
  }
  await finished;
  const ms = performance.now() - started;
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  return perSecond(events, ms);
}

/** The three consumers on no-op handlers behind the relay: append to the last completion. */
async function onrampEndToEnd(events: number): Promise<number> {
  const { db, drop } = await freshDatabase('bench_e2e');
  const prefix = freshPrefix('bench-e2e');
  await registerTestConsumers(db);
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  const dispatcher = startDispatcher(db, queues, silentLogger, { pollMs: 20, jobOptions: JOBS });
  const workers = CONSUMERS.map((consumer) =>
    createConsumerWorker({ consumer, concurrency: CONCURRENCY, handle: async () => [] }, { db, redisUrl: TEST_REDIS, prefix, logger: silentLogger, jobOptions: JOBS }),
  );
  for (const worker of workers) await worker.start();
  const started = performance.now();
  await appendJoiners(db, events, 'e2e');
  dispatcher.wake();
  for (;;) {
    const row = await db.selectFrom('consumer_completions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(row.n) >= events * CONSUMERS.length) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ms = performance.now() - started;
  for (const worker of workers) await worker.close();
  await dispatcher.close();
  for (const consumer of CONSUMERS) await queues.queue(consumer).obliterate({ force: true });
  await queues.close();
  await drop();
  return perSecond(events, ms);
}

/** v1's relay, for comparison: outbox rows straight to three addBulk calls, no delivery rows, no order. */
async function v1RelayPass(db: Db, queues: DeliveryQueues): Promise<number> {
  const rows = await db.selectFrom('outbox').innerJoin('events', 'events.seq', 'outbox.seq').select(['outbox.seq as seq', 'events.type as type']).orderBy('outbox.seq').limit(1000).execute();
  if (rows.length === 0) return 0;
  for (const consumer of CONSUMERS) {
    await enqueueDeliveries(queues.queue(consumer), rows.map((r) => ({ seq: Number(r.seq), type: r.type, enqueues: 1, redelivery: null, forced: false })), JOBS);
  }
  await db.deleteFrom('outbox').where('seq', 'in', rows.map((r) => Number(r.seq))).execute();
  return rows.length;
}

/** The same backlog in the outbox, drained by v2's relay and by v1's; beside addBulk of the same jobs. */
async function relayRate(events: number): Promise<DeliveryBenchResult['relay']> {
  const drain = async (pass: (db: Db, queues: DeliveryQueues) => Promise<number>) => {
    const { db, drop } = await freshDatabase('bench_relay');
    const prefix = freshPrefix('bench-relay');
    await registerTestConsumers(db);
    await appendJoiners(db, events, 'relay');
    const queues = openDeliveryQueues(TEST_REDIS, prefix);
    const started = performance.now();
    while ((await pass(db, queues)) > 0);
    const ms = performance.now() - started;
    for (const consumer of CONSUMERS) await queues.queue(consumer).obliterate({ force: true });
    await queues.close();
    await drop();
    return ms;
  };
  const relayMs = await drain((db, queues) => dispatchPending(db, queues, 1000, JOBS));
  const v1Ms = await drain(v1RelayPass);
  const queues = openDeliveryQueues(TEST_REDIS, freshPrefix('bench-addbulk'));
  const started = performance.now();
  for (let i = 0; i < events; i += 1000) {
    const n = Math.min(1000, events - i);
    await Promise.all(CONSUMERS.map((consumer) =>
      queues.queue(consumer).addBulk(Array.from({ length: n }, (_, j) => ({ name: 'SCIM.UserCreated', data: { seq: i + j + 1 }, opts: { ...JOBS, jobId: `seq-${i + j + 1}` } }))),
    ));
  }
  const addBulkMs = performance.now() - started;
  for (const consumer of CONSUMERS) await queues.queue(consumer).obliterate({ force: true });
  await queues.close();
  return { events, relayEventsPerSecond: perSecond(events, relayMs), v1RelayEventsPerSecond: perSecond(events, v1Ms), addBulkEventsPerSecond: perSecond(events, addBulkMs) };
}

export async function benchDelivery(log: (line: string) => void, events = Number(process.env.BENCH_DELIVERY_EVENTS ?? 10_000)): Promise<DeliveryBenchResult> {
  log(`delivery: BullMQ no-op baseline, ${events} events × 3 queues`);
  const bullmqNoopEventsPerSecond = await bullmqNoop(events);
  log(`delivery: onramp end to end, ${events} events × 3 consumers`);
  const onrampEndToEndEventsPerSecond = await onrampEndToEnd(events);
  log(`delivery: relay, ${events * 2} events`);
  const relay = await relayRate(events * 2);
  return { events, bullmqNoopEventsPerSecond, onrampEndToEndEventsPerSecond, relay };
}

export function deliveryMarkdown(r: DeliveryBenchResult): string {
  const ratio = (a: number, b: number) => `${Math.round((a / b) * 100)}%`;
  return [
    '## Delivery (issue 9)',
    '',
    `${r.events.toLocaleString('en')} joiners (one person each), three consumers with no-op effects at concurrency ${CONCURRENCY}, in one process.`,
    'The end-to-end rate counts from the first append to the last completion record; every delivery is a row',
    'written with the relay pass and finished (completion + outcome transaction) by the worker.',
    '',
    '| | events/s |',
    '|---|---:|',
    `| BullMQ alone: three queues, no-op workers (baseline) | ${r.bullmqNoopEventsPerSecond.toLocaleString('en')} |`,
    `| onramp end to end: log → relay → three consumers → completions | ${r.onrampEndToEndEventsPerSecond.toLocaleString('en')} (${ratio(r.onrampEndToEndEventsPerSecond, r.bullmqNoopEventsPerSecond)} of the baseline) |`,
    '',
    `The relay draining a backlog of ${r.relay.events.toLocaleString('en')} events in the outbox, three jobs per event:`,
    '',
    '| | events/s |',
    '|---|---:|',
    `| BullMQ addBulk of the same jobs, three queues side by side (limit) | ${r.relay.addBulkEventsPerSecond.toLocaleString('en')} |`,
    `| v1's relay, same run: outbox → three addBulk calls (no delivery rows, no order) | ${r.relay.v1RelayEventsPerSecond.toLocaleString('en')} |`,
    `| onramp relay: outbox → delivery rows + three jobs per event | ${r.relay.relayEventsPerSecond.toLocaleString('en')} (${ratio(r.relay.relayEventsPerSecond, r.relay.v1RelayEventsPerSecond)} of v1's, ${ratio(r.relay.relayEventsPerSecond, r.relay.addBulkEventsPerSecond)} of the limit) |`,
    '',
  ].join('\n');
}
