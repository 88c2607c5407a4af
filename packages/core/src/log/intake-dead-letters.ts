// Messages an intake could not turn into events (not JSON, not a valid event, not allowed through its
// door), kept with their raw body so that nothing a provider sent is lost and an operator can see why.
import type { Db } from './database.js';

export interface IntakeDeadLetter {
  /** Which intake and queue, e.g. `mns:onramp-intake`. */
  intake: string;
  messageId: string;
  body: string;
  code: string;
  error: string;
}

export interface IntakeDeadLetterRow extends IntakeDeadLetter {
  id: number;
  receivedAt: Date;
}

/** Keeps a dead letter once per (intake, message id): a redelivered message is not kept twice. */
export async function keepIntakeDeadLetter(db: Db, letter: IntakeDeadLetter): Promise<void> {
  await db
    .insertInto('intake_dead_letters')
    .values({ intake: letter.intake, message_id: letter.messageId, body: letter.body, code: letter.code, error: letter.error.slice(0, 1024) })
    .ignore()
    .execute();
}

export async function listIntakeDeadLetters(db: Db): Promise<IntakeDeadLetterRow[]> {
  const rows = await db.selectFrom('intake_dead_letters').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), intake: r.intake, messageId: r.message_id, body: r.body, code: r.code, error: r.error, receivedAt: r.received_at }));
}
