// What the relay does in one pass: turns appended events (the outbox) into delivery rows for every
// consumer subscribed to them at that seq, adds the jobs of the rows that are ready, and hands to the
// queues the ready rows others made (replays, dead-letter retries, backfills). All of it is idempotent:
// a relay that dies half-way leaves rows the next pass finishes.
import { sql, type Kysely } from 'kysely';
import type { JobsOptions } from 'bullmq';
import type { Database } from '../log/database.js';
import { DELIVERY_OPTIONS } from './consumers.js';
import { planDeliveries, type NewDelivery, type ReadyDelivery } from './deliveries.js';
import { groupBy } from './group-by.js';
import { enqueueDeliveries, type DeliveryQueues } from './delivery-queues.js';
import { placeNewSubscriptions, readSubscriptions, type Subscription } from './subscriptions.js';


async function enqueueByConsumer(queues: DeliveryQueues, ready: ReadyDelivery[], jobOptions: JobsOptions): Promise<void> {
  // One connection per queue: the consumers' jobs go in side by side.
  await Promise.all([...groupBy(ready, (d) => d.consumer)].map(([consumer, deliveries]) => enqueueDeliveries(queues.queue(consumer), deliveries, jobOptions)));
}

async function subscriptionsByType(conn: Kysely<Database>): Promise<Map<string, Subscription[]>> {
  let subscriptions = await readSubscriptions(conn);
  if (subscriptions.some((s) => s.startSeq === null)) {
    await placeNewSubscriptions(conn);
    subscriptions = await readSubscriptions(conn);
  }
  return groupBy(subscriptions, (s) => s.type);
}

/** Outbox → delivery rows; the ready ones' jobs are added before the rows are committed. */
async function expandOutbox(conn: Kysely<Database>, queues: DeliveryQueues, batchSize: number, jobOptions: JobsOptions): Promise<number> {
  const byType = await subscriptionsByType(conn);
  return conn.transaction().setIsolationLevel('read committed').execute(async (trx) => {
    const events = await trx
      .selectFrom('outbox')
      .innerJoin('events', 'events.seq', 'outbox.seq')
      .select(['outbox.seq as seq', 'events.type as type', 'events.subject as subject'])
      .orderBy('outbox.seq')
      .limit(batchSize)
      .execute();
    if (events.length === 0) return 0;
    const typeOf = new Map(events.map((e) => [Number(e.seq), e.type]));
    const wanted: NewDelivery[] = events.flatMap((e) =>
      (byType.get(e.type) ?? [])
        .filter((s) => s.startSeq !== null && Number(e.seq) > s.startSeq)
        .map((s) => ({ consumer: s.consumer, seq: Number(e.seq), subject: e.subject })),
    );
    const { ready, write } = await planDeliveries(trx, wanted, { queuedNow: true });
    // The rows and the jobs are written at the same time; the rows commit only once both are done.
    await Promise.all([
      write(),
      enqueueByConsumer(
        queues,
        ready.map((d) => ({ consumer: d.consumer, seq: d.seq, type: typeOf.get(d.seq)!, enqueues: 1, redelivery: null, forced: false })),
        jobOptions,
      ),
    ]);
    await trx.deleteFrom('outbox').where('seq', 'in', [...typeOf.keys()]).execute();
    return events.length;
  });
}

/** Ready rows nobody has queued yet: replays, retries, backfills (they are written without a job). */
async function queueUnqueued(conn: Kysely<Database>, queues: DeliveryQueues, batchSize: number, jobOptions: JobsOptions): Promise<number> {
  const rows = await conn
    .selectFrom('deliveries as d')
    .innerJoin('events as e', 'e.seq', 'd.seq')
    .select(['d.consumer', 'd.seq', 'd.enqueues', 'd.redelivery', 'd.forced', 'e.type'])
    .where('d.state', '=', 'ready')
    .where('d.queued_at', 'is', null)
    .orderBy('d.seq')
    .limit(batchSize)
    .execute();
  if (rows.length === 0) return 0;
  const ready = rows.map((r) => ({ consumer: r.consumer, seq: Number(r.seq), type: r.type, enqueues: r.enqueues + 1, redelivery: r.redelivery, forced: r.forced === 1 }));
  await enqueueByConsumer(queues, ready, jobOptions);
  for (const [consumer, deliveries] of groupBy(ready, (d) => d.consumer)) {
    await conn
      .updateTable('deliveries')
      .set({ queued_at: new Date(), enqueues: sql`enqueues + 1` })
      .where('consumer', '=', consumer)
      .where('seq', 'in', deliveries.map((d) => d.seq))
      .where('queued_at', 'is', null)
      .execute();
  }
  return rows.length;
}

/** One pass of the relay; returns how many outbox events and unqueued deliveries it moved. */
export async function dispatchPending(
  conn: Kysely<Database>,
  queues: DeliveryQueues,
  batchSize: number,
  jobOptions: JobsOptions = DELIVERY_OPTIONS,
): Promise<number> {
  const expanded = await expandOutbox(conn, queues, batchSize, jobOptions);
  const queued = await queueUnqueued(conn, queues, batchSize, jobOptions);
  return expanded + queued;
}
