// Writing a consumer's results: its outcome events and the (consumer, seq) completion record go in one
// transaction, so the log never says "sent" without the record that stops a second send, or the reverse.
import { sql, type Transaction } from 'kysely';
import type { CloudEvent, StoredEvent } from '../events/cloud-event.js';
import { OUTCOME } from '../events/event-types.js';
import { onrampEvent } from '../events/onramp-event.js';
import type { Database, Db } from '../log/database.js';
import { appendInTransaction } from '../log/event-log.js';
import type { Consumer } from './consumers.js';
import { finishDeliveries, finishDelivery, type ReadyDelivery } from './deliveries.js';
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

/** One delivery's results, as recordCompletions takes them. */
export interface Completion {
  event: Pick<StoredEvent, 'seq' | 'subject'>;
  outcomes: CloudEvent[];
  forced?: boolean;
  writes?: CompletionWrite[];
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
  return (await recordCompletions(db, consumer, [{ event, outcomes, forced, writes }]))[0];
}

/** Another transaction claimed one of a group's completions meanwhile: the group is recorded one by one. */
export class CompletionClaimRace extends Error {
  readonly code = 'completion_claim_race';
}

/**
 * Claims (consumer, seq) completions; returns the seqs this transaction claimed first. One seq: INSERT
 * IGNORE says it. Several: the existing ones are read and locked, the rest inserted; if fewer rows went
 * in than were missing, another transaction claimed one meanwhile and which one is unknown, so this
 * throws CompletionClaimRace (the caller records them one at a time).
 */
async function claimCompletions(trx: Transaction<Database>, consumer: Consumer, seqs: number[]): Promise<Set<number>> {
  if (seqs.length === 1) {
    const recorded = await sql`INSERT IGNORE INTO consumer_completions (consumer, seq) VALUES (${consumer}, ${seqs[0]})`.execute(trx);
    return new Set(Number(recorded.numAffectedRows ?? 0) > 0 ? seqs : []);
  }
  const existing = await trx.selectFrom('consumer_completions').select('seq').where('consumer', '=', consumer).where('seq', 'in', seqs).forUpdate().execute();
  const done = new Set(existing.map((row) => Number(row.seq)));
  const missing = seqs.filter((seq) => !done.has(seq));
  if (missing.length === 0) return new Set();
  const values = sql.join(missing.map((seq) => sql`(${consumer}, ${seq})`));
  const inserted = await sql`INSERT IGNORE INTO consumer_completions (consumer, seq) VALUES ${values}`.execute(trx);
  if (Number(inserted.numAffectedRows ?? 0) !== missing.length) throw new CompletionClaimRace('a completion of the group was claimed by another transaction');
  return new Set(missing);
}

/**
 * recordCompletion for several deliveries of one consumer in one transaction, a statement per step
 * rather than per delivery: each delivery is still claimed first or not on its own (claimCompletions),
 * only the first claim (or a forced one) appends its outcomes, and each person's next delivery is made
 * ready. Returns, per completion in the order given, that next delivery.
 */
export async function recordCompletions(db: Db, consumer: Consumer, completions: Completion[]): Promise<(ReadyDelivery | undefined)[]> {
  const seqs = [...new Set(completions.map((c) => c.event.seq))].sort((a, b) => a - b);
  return inDeliveryTransaction(db, async (trx) => {
    const claimed = await claimCompletions(trx, consumer, seqs);
    const outcomes: CloudEvent[] = [];
    const writes: CompletionWrite[] = [];
    for (const { event, forced = false, ...completion } of completions) {
      // A seq given twice is claimed once: its second completion is a repeat.
      const first = claimed.delete(event.seq);
      if (!first && !forced) continue;
      outcomes.push(...completion.outcomes);
      writes.push(...(completion.writes ?? []));
    }
    if (outcomes.length > 0) await appendInTransaction(trx, outcomes);
    for (const write of writes) await write(trx);
    await trx
      .updateTable('dead_letters')
      .set({ resolved_at: new Date() })
      .where('consumer', '=', consumer)
      .where('seq', 'in', seqs)
      .where('resolved_at', 'is', null)
      .execute();
    return finishDeliveries(trx, consumer, completions.map((c) => c.event));
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
