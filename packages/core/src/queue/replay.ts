// Replay: re-deliver a range of the log to one consumer. A replay writes delivery rows (tagged with the
// replay's id); the relay queues them, one person's events in order like any others. Effects are
// idempotent and a reactor's completion record skips what was done, so a replay is safe; `force`
// delivers even completed events again. A projection handles every replayed event.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { OnrampError } from '../errors.js';
import { OUTCOME } from '../events/event-types.js';
import { onrampEvent } from '../events/onramp-event.js';
import type { Db } from '../log/database.js';
import { appendEvents } from '../log/event-log.js';
import type { Consumer } from './consumers.js';
import { addDeliveries } from './deliveries.js';
import { inDeliveryTransaction } from './delivery-transaction.js';
import { moveStartBack, subscribedConsumers } from './subscriptions.js';

export interface ReplayRequest {
  consumer: Consumer;
  fromSeq?: number;
  toSeq?: number;
  type?: string;
  subject?: string;
  dryRun?: boolean;
  force?: boolean;
}

export interface ReplaySummary {
  replayId: string;
  dryRun: boolean;
  /** Events in the range that the consumer subscribes to. */
  matched: number;
  /** Of those, already completed by the consumer: skipped on delivery unless forced. */
  alreadyCompleted: number;
  /** Deliveries written for the relay to queue (0 on a dry run). */
  enqueued: number;
}

const PAGE = 2000;

function rangeQuery(db: Db, request: ReplayRequest, subscribed: string[]) {
  const types = request.type === undefined ? subscribed : [request.type];
  let query = db.selectFrom('events').where('events.type', 'in', types);
  if (request.fromSeq !== undefined) query = query.where('events.seq', '>=', request.fromSeq);
  if (request.toSeq !== undefined) query = query.where('events.seq', '<=', request.toSeq);
  if (request.subject !== undefined) query = query.where('events.subject', '=', request.subject);
  return query;
}

/** The types `consumer` subscribes to; an unknown consumer is an error that names the known ones. */
export async function subscribedTypes(db: Db, consumer: Consumer): Promise<string[]> {
  const consumers = await subscribedConsumers(db);
  const types = consumers.get(consumer);
  if (types === undefined) {
    throw new OnrampError('invalid_request', `no consumer "${consumer}" is registered (known: ${[...consumers.keys()].join(', ') || 'none'})`);
  }
  return types;
}

export async function countReplay(db: Db, request: ReplayRequest, subscribed: string[]): Promise<{ matched: number; alreadyCompleted: number }> {
  const row = await rangeQuery(db, request, subscribed)
    .leftJoin('consumer_completions as c', (join) =>
      join.onRef('c.seq', '=', 'events.seq').on('c.consumer', '=', request.consumer),
    )
    .select([sql<number>`COUNT(*)`.as('matched'), sql<number>`COUNT(c.seq)`.as('completed')])
    .executeTakeFirstOrThrow();
  return { matched: Number(row.matched), alreadyCompleted: Number(row.completed) };
}

export async function replayRange(
  db: Db,
  request: ReplayRequest,
  onProgress: (done: number, total: number) => void = () => undefined,
  tag = 'replay',
): Promise<ReplaySummary> {
  const subscribed = await subscribedTypes(db, request.consumer);
  if (request.type !== undefined && !subscribed.includes(request.type)) {
    throw new OnrampError('invalid_request', `${request.consumer} does not consume ${request.type}`);
  }
  const replayId = `${tag}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dryRun = request.dryRun === true;
  const counts = await countReplay(db, request, subscribed);
  const summary: ReplaySummary = { replayId, dryRun, ...counts, enqueued: 0 };
  if (dryRun) return summary;

  const record = (type: string, data: object) =>
    appendEvents(db, [onrampEvent('replay', type, { replayId, ...request, ...data }, { id: `${replayId}/${type}` })]);
  await record(OUTCOME.replayRequested, { matched: counts.matched, alreadyCompleted: counts.alreadyCompleted });
  onProgress(0, counts.matched);

  const readPage = (after: number) =>
    rangeQuery(db, request, subscribed).select(['events.seq', 'events.subject']).where('events.seq', '>', after).orderBy('events.seq').limit(PAGE).execute();
  for (let page = await readPage(0); page.length > 0; page = page.length === PAGE ? await readPage(Number(page.at(-1)!.seq)) : []) {
    const rows = page.map((row) => ({
      consumer: request.consumer,
      seq: Number(row.seq),
      subject: row.subject,
      redelivery: replayId,
      forced: request.force === true,
    }));
    await inDeliveryTransaction(db, (trx) => addDeliveries(trx, rows, { queuedNow: false }));
    summary.enqueued += page.length;
    onProgress(summary.enqueued, counts.matched);
  }
  await record(OUTCOME.replayCompleted, { enqueued: summary.enqueued });
  return summary;
}

/**
 * Backfill: a consumer that started at the log's head is handed the events from `fromSeq` up to its
 * start, and its start moves back so that `onramp consumers` tells the truth.
 */
export async function backfill(db: Db, consumer: Consumer, fromSeq: number, dryRun = false): Promise<ReplaySummary> {
  const start = (await db.selectFrom('subscriptions').select((eb) => eb.fn.min('start_seq').as('start')).where('consumer', '=', consumer).executeTakeFirst())?.start;
  const toSeq = start === null || start === undefined ? undefined : Number(start);
  const summary = await replayRange(db, { consumer, fromSeq, ...(toSeq === undefined ? {} : { toSeq }), dryRun }, undefined, 'backfill');
  if (!dryRun) await moveStartBack(db, consumer, fromSeq);
  return summary;
}
