// The dead-letter list: deliveries that failed for good, kept until a retry completes them.
import type { Db } from '../log/database.js';
import type { Consumer } from './consumers.js';
import { addDeliveries } from './deliveries.js';
import { inDeliveryTransaction } from './delivery-transaction.js';

export interface DeadLetterRow {
  consumer: string;
  seq: number;
  type: string;
  subject: string | null;
  attempts: number;
  code: string;
  error: string;
  failedAt: Date;
}

export async function listDeadLetters(db: Db, consumer?: Consumer): Promise<DeadLetterRow[]> {
  let query = db
    .selectFrom('dead_letters as d')
    .innerJoin('events as e', 'e.seq', 'd.seq')
    .select(['d.consumer', 'd.seq', 'e.type', 'e.subject', 'd.attempts', 'd.code', 'd.error', 'd.failed_at'])
    .where('d.resolved_at', 'is', null);
  if (consumer !== undefined) query = query.where('d.consumer', '=', consumer);
  const rows = await query.orderBy('d.seq').execute();
  return rows.map(({ failed_at, ...row }) => ({ ...row, seq: Number(row.seq), failedAt: failed_at }));
}

/**
 * Delivers dead letters again (all of the consumer's, or one seq): delivery rows the relay queues, each
 * behind the person's events still in progress. Returns how many were scheduled.
 */
export async function retryDeadLetters(db: Db, consumer: Consumer, seq?: number): Promise<number> {
  const letters = (await listDeadLetters(db, consumer)).filter((l) => seq === undefined || l.seq === seq);
  const redelivery = `retry-${Date.now().toString(36)}`;
  const rows = letters.map((l) => ({ consumer, seq: l.seq, subject: l.subject, redelivery }));
  await inDeliveryTransaction(db, (trx) => addDeliveries(trx, rows, { queuedNow: false }));
  return letters.length;
}
