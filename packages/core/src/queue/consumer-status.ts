// What `onramp consumers` shows: per consumer, where it started, how far behind it is, what is in flight
// and what failed for good. Read from the delivery rows alone: the truth is in MySQL, not in Redis.
import { sql } from 'kysely';
import type { Db } from '../log/database.js';
import { subscribedConsumers } from './subscriptions.js';

export interface ConsumerStatus {
  consumer: string;
  types: string[];
  /** Events after this seq are delivered; null until the relay has placed a new subscription. */
  startSeq: number | null;
  /** Deliveries not yet finished (ready and waiting). */
  pending: number;
  /** Of those, ready: in the queue or being handled. */
  inFlight: number;
  /** Age of the oldest unfinished delivery's event, in seconds. */
  oldestPendingSeconds: number | null;
  deadLetters: number;
}

export async function consumerStatuses(db: Db): Promise<ConsumerStatus[]> {
  const consumers = await subscribedConsumers(db);
  const starts = await db.selectFrom('subscriptions').select(['consumer', sql<number | null>`MIN(start_seq)`.as('start')]).groupBy('consumer').execute();
  const pending = await db
    .selectFrom('deliveries as d')
    .innerJoin('events as e', 'e.seq', 'd.seq')
    .select([
      'd.consumer',
      sql<number>`COUNT(*)`.as('pending'),
      sql<number>`SUM(d.state = 'ready')`.as('ready'),
      sql<number | null>`TIMESTAMPDIFF(SECOND, MIN(e.recorded_at), CURRENT_TIMESTAMP(6))`.as('oldest'),
    ])
    .groupBy('d.consumer')
    .execute();
  const dead = await db
    .selectFrom('dead_letters')
    .select(['consumer', sql<number>`COUNT(*)`.as('n')])
    .where('resolved_at', 'is', null)
    .groupBy('consumer')
    .execute();
  return [...consumers].map(([consumer, types]) => {
    const p = pending.find((row) => row.consumer === consumer);
    const start = starts.find((row) => row.consumer === consumer)?.start;
    return {
      consumer,
      types,
      startSeq: start === null || start === undefined ? null : Number(start),
      pending: Number(p?.pending ?? 0),
      inFlight: Number(p?.ready ?? 0),
      oldestPendingSeconds: p?.oldest === null || p?.oldest === undefined ? null : Number(p.oldest),
      deadLetters: Number(dead.find((row) => row.consumer === consumer)?.n ?? 0),
    };
  });
}

/** Completions per consumer in the last `windowSeconds`: the rate at which each gets through its work. */
export async function completionCounts(db: Db, windowSeconds: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('consumer_completions')
    .select(['consumer', sql<number>`COUNT(*)`.as('n')])
    .where('completed_at', '>=', sql<Date>`CURRENT_TIMESTAMP(6) - INTERVAL ${windowSeconds} SECOND`)
    .groupBy('consumer')
    .execute();
  return new Map(rows.map((row) => [row.consumer, Number(row.n)]));
}
