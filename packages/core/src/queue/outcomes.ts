// Writing a consumer's results: its outcome events and the (consumer, seq) completion record go in one
// transaction, so the log never says "sent" without the record that stops a second send, or the reverse.
import { sql, type Transaction } from 'kysely';
import type { CloudEvent, StoredEvent } from '../events/cloud-event.js';
import { OUTCOME } from '../events/event-types.js';
import { onrampEvent } from '../events/onramp-event.js';
import type { Database, Db } from '../log/database.js';
import { appendInTransaction } from '../log/event-log.js';
import type { Consumer } from './consumers.js';
import { finishDelivery, type ReadyDelivery } from './deliveries.js';
import { inDeliveryTransaction } from './delivery-transaction.js';

/** An event onramp writes about something that happened to `cause` (same subject, pointer back in data). */
export function outcomeEvent(component: string, type: string, cause: StoredEvent, data: Record<string, unknown>): CloudEvent {
  const pointer = { seq: cause.seq, source: cause.source, id: cause.id, type: cause.type };
  return onrampEvent(component, type, { ...data, cause: pointer }, { subject: cause.subject });
}

/** A consumer's own row written in the transaction of its completion (e.g. a held deprovisioning). */
export type CompletionWrite = (trx: Transaction<Database>) => Promise<void>;

export async function isCompleted(db: Db, consumer: Consumer, seq: number): Promise<boolean> {
  const row = await db
    .selectFrom('consumer_completions')
    .select('seq')
    .where('consumer', '=', consumer)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Records that `consumer` is done with `event`, with its outcome events, and makes the next delivery of
 * the same person ready (returned, for the caller to enqueue). When two deliveries of the same event ran
 * at once, the effect happened once (idempotent) but both come here: the one that finds the completion
 * already recorded appends nothing, so the log tells the effect once. A forced redelivery asked for a new
 * effect, so its outcomes are always appended.
 */
export async function recordCompletion(
  db: Db,
  consumer: Consumer,
  event: Pick<StoredEvent, 'seq' | 'subject'>,
  outcomes: CloudEvent[],
  forced = false,
  writes: CompletionWrite[] = [],
): Promise<ReadyDelivery | undefined> {
  return inDeliveryTransaction(db, async (trx) => {
    const recorded = await sql`INSERT IGNORE INTO consumer_completions (consumer, seq) VALUES (${consumer}, ${event.seq})`.execute(trx);
    const first = Number(recorded.numAffectedRows ?? 0) > 0;
    if ((first || forced) && outcomes.length > 0) await appendInTransaction(trx, outcomes);
    if (first || forced) for (const write of writes) await write(trx);
    await trx
      .updateTable('dead_letters')
      .set({ resolved_at: new Date() })
      .where('consumer', '=', consumer)
      .where('seq', '=', event.seq)
      .where('resolved_at', 'is', null)
      .execute();
    return finishDelivery(trx, consumer, event.seq, event.subject);
  });
}

export interface DeadLetter {
  consumer: Consumer;
  event: StoredEvent;
  attempts: number;
  code: string;
  reason: string;
  /** The consumer's own failure event type (e.g. onramp.mail.WelcomeFailed), appended beside DeadLettered. */
  failureType?: string;
}

/** Records a delivery that failed for good, and makes the next delivery of the same person ready. */
export async function recordDeadLetter(db: Db, letter: DeadLetter): Promise<ReadyDelivery | undefined> {
  const { consumer, event, attempts, code, reason } = letter;
  const details = { consumer, attempts, code, reason };
  const outcomes = [outcomeEvent(consumer, OUTCOME.deadLettered, event, details)];
  if (letter.failureType !== undefined) outcomes.push(outcomeEvent(consumer, letter.failureType, event, details));
  return inDeliveryTransaction(db, async (trx) => {
    await appendInTransaction(trx, outcomes);
    await sql`
      INSERT INTO dead_letters (consumer, seq, attempts, code, error)
      VALUES (${consumer}, ${event.seq}, ${attempts}, ${code}, ${reason.slice(0, 4000)})
      ON DUPLICATE KEY UPDATE attempts = VALUES(attempts), code = VALUES(code), error = VALUES(error),
        failed_at = CURRENT_TIMESTAMP(6), resolved_at = NULL`.execute(trx);
    return finishDelivery(trx, consumer, event.seq, event.subject);
  });
}

/** A delivery found already completed (a repeat): its row goes, and the next one of the person is ready. */
export async function releaseDelivery(db: Db, consumer: Consumer, event: Pick<StoredEvent, 'seq' | 'subject'>): Promise<ReadyDelivery | undefined> {
  return inDeliveryTransaction(db, (trx) => finishDelivery(trx, consumer, event.seq, event.subject));
}
