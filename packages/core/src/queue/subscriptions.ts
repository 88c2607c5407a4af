// Which event types each consumer takes, and from which seq on. A consumer (or a type added to one)
// starts at the log's head when it is first registered: it is not handed the whole past, which a
// backfill asks for explicitly. The relay fixes the start the moment it first sees the subscription,
// at the seq up to which it has expanded the log, so no event falls between "before" and "after".
import { sql } from 'kysely';
import type { Db } from '../log/database.js';
import { inDeliveryTransaction } from './delivery-transaction.js';
import { groupBy } from './group-by.js';

export interface Subscription {
  consumer: string;
  type: string;
  /** Events with a greater seq are delivered; null until the relay has placed it. */
  startSeq: number | null;
}

/** Records what `consumer` subscribes to; types it no longer takes are dropped. Idempotent, and a read when nothing changed. */
export async function registerSubscriptions(db: Db, consumer: string, types: readonly string[]): Promise<void> {
  const current = (await db.selectFrom('subscriptions').select('type').where('consumer', '=', consumer).execute()).map((r) => r.type);
  const missing = types.filter((type) => !current.includes(type));
  const gone = current.filter((type) => !types.includes(type));
  if (missing.length === 0 && gone.length === 0) return;
  await inDeliveryTransaction(db, async (trx) => {
    if (missing.length > 0) await trx.insertInto('subscriptions').ignore().values(missing.map((type) => ({ consumer, type, start_seq: null }))).execute();
    if (gone.length > 0) await trx.deleteFrom('subscriptions').where('consumer', '=', consumer).where('type', 'in', gone).execute();
  });
}

export async function readSubscriptions(db: Db): Promise<Subscription[]> {
  const rows = await db.selectFrom('subscriptions').select(['consumer', 'type', 'start_seq']).orderBy('consumer').orderBy('type').execute();
  return rows.map((r) => ({ consumer: r.consumer, type: r.type, startSeq: r.start_seq === null ? null : Number(r.start_seq) }));
}

/** Consumers that have registered, by name. */
export async function subscribedConsumers(db: Db): Promise<Map<string, string[]>> {
  const byConsumer = groupBy(await readSubscriptions(db), (s) => s.consumer);
  return new Map([...byConsumer].map(([consumer, subscriptions]) => [consumer, subscriptions.map((s) => s.type)]));
}

/**
 * Places new subscriptions at the relay's position: everything still in the outbox is after it, the
 * rest of the log before. Only the relay (one at a time) calls this.
 */
export async function placeNewSubscriptions(db: Db): Promise<void> {
  await sql`
    UPDATE subscriptions
    SET start_seq = COALESCE((SELECT MIN(seq) - 1 FROM outbox), (SELECT MAX(seq) FROM events), 0)
    WHERE start_seq IS NULL`.execute(db);
}

/** Moves a consumer's start back to `fromSeq - 1` (a backfill); never forward. */
export async function moveStartBack(db: Db, consumer: string, fromSeq: number): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({ start_seq: sql`LEAST(COALESCE(start_seq, ${fromSeq - 1}), ${fromSeq - 1})` })
    .where('consumer', '=', consumer)
    .execute();
}
