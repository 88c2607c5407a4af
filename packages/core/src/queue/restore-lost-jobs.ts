// Self-healing: a delivery row that says "queued" whose job Redis no longer has (Redis restarted empty,
// failed over to a replica that missed it, FLUSHALL, a job BullMQ gave up on as stalled) is queued
// again, and the log records that it happened. Rows are checked a page at a time, round the table, so
// that a long backlog is covered in full over a few passes.
import { sql, type Kysely } from 'kysely';
import type { JobsOptions } from 'bullmq';
import { OUTCOME } from '../events/event-types.js';
import { onrampEvent } from '../events/onramp-event.js';
import type { Database } from '../log/database.js';
import { appendEvents } from '../log/event-log.js';
import { DELIVERY_OPTIONS, deliveryJobId } from './consumers.js';
import { enqueueDeliveries, type DeliveryQueues } from './delivery-queues.js';

/** Job states in which the job will still run (or is running): anything else means the work is lost. */
const ALIVE = new Set(['active', 'waiting', 'waiting-children', 'delayed', 'prioritized']);

export interface RestoreCursor {
  consumer: string;
  seq: number;
}

export interface RestoreResult {
  checked: number;
  restored: { consumer: string; seqs: number[] }[];
  /** Where the next pass goes on; undefined: start again from the top. */
  cursor: RestoreCursor | undefined;
}

export async function restoreLostJobs(
  db: Kysely<Database>,
  queues: DeliveryQueues,
  options: { graceMs: number; pageSize: number; cursor: RestoreCursor | undefined; jobOptions?: JobsOptions },
): Promise<RestoreResult> {
  const { cursor } = options;
  let query = db
    .selectFrom('deliveries as d')
    .innerJoin('events as e', 'e.seq', 'd.seq')
    .select(['d.consumer', 'd.seq', 'd.enqueues', 'd.redelivery', 'd.forced', 'e.type'])
    .where('d.state', '=', 'ready')
    .where('d.queued_at', '<', new Date(Date.now() - options.graceMs));
  if (cursor !== undefined) {
    query = query.where((eb) => eb.or([eb('d.consumer', '>', cursor.consumer), eb.and([eb('d.consumer', '=', cursor.consumer), eb('d.seq', '>', cursor.seq)])]));
  }
  const rows = await query.orderBy('d.consumer').orderBy('d.seq').limit(options.pageSize).execute();
  const states = await Promise.all(
    rows.map((r) => queues.queue(r.consumer).getJobState(deliveryJobId(Number(r.seq), r.redelivery, r.enqueues))),
  );
  const restored = new Map<string, number[]>();
  for (const [i, row] of rows.entries()) {
    if (ALIVE.has(states[i]!)) continue;
    // Claim the row first: if a worker finished it meanwhile (row gone) or another pass took it, skip.
    const claimed = await db
      .updateTable('deliveries')
      .set({ enqueues: sql`enqueues + 1`, queued_at: new Date() })
      .where('consumer', '=', row.consumer)
      .where('seq', '=', row.seq)
      .where('enqueues', '=', row.enqueues)
      .where('state', '=', 'ready')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const seq = Number(row.seq);
    await enqueueDeliveries(
      queues.queue(row.consumer),
      [{ seq, type: row.type, enqueues: row.enqueues + 1, redelivery: row.redelivery, forced: row.forced === 1 }],
      options.jobOptions ?? DELIVERY_OPTIONS,
    );
    const seqs = restored.get(row.consumer);
    if (seqs === undefined) restored.set(row.consumer, [seq]);
    else seqs.push(seq);
  }
  const result = [...restored].map(([consumer, seqs]) => ({ consumer, seqs }));
  if (result.length > 0) {
    await appendEvents(
      db,
      result.map(({ consumer, seqs }) =>
        onrampEvent('dispatcher', OUTCOME.jobsRestored, { consumer, count: seqs.length, firstSeq: seqs[0], lastSeq: seqs.at(-1), seqs: seqs.slice(0, 1000) }),
      ),
    );
  }
  const last = rows.at(-1);
  return {
    checked: rows.length,
    restored: result,
    cursor: rows.length < options.pageSize || last === undefined ? undefined : { consumer: last.consumer, seq: Number(last.seq) },
  };
}
