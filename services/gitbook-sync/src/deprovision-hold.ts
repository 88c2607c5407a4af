// The deletion threshold (as Microsoft Entra's accidental-deletion prevention): when more people leave
// within the window than the threshold allows, their deprovisioning is held until an operator approves or
// rejects it. Decided from the log alone — the leavers appended in the window before this one — so a
// redelivery decides the same way, and no timer has to run.
import { sql } from 'kysely';
import { LIFECYCLE, isLeaverEvent, type CompletionWrite, type Config, type Db, type StoredEvent } from '@onramp/core';

export type HoldDecision =
  | { kind: 'proceed' }
  | { kind: 'rejected' }
  | { kind: 'held'; fresh: boolean; leaversInWindow: number; threshold: number };

const LEAVER_TYPES = [LIFECYCLE.userDeactivated, LIFECYCLE.userDeleted, LIFECYCLE.userUpdated];
const PAGE = 500;

/** People (distinct subjects) who left in the window that ends with `leaver`, `leaver` included. */
export async function leaversInWindow(db: Db, leaver: StoredEvent, windowMs: number): Promise<number> {
  const since = new Date(leaver.recordedAt.getTime() - windowMs);
  const people = new Set<string>([leaver.subject ?? `seq:${leaver.seq}`]);
  // Newest first through the (type, seq) index, until the window's start: no scan of older history.
  for (let before = leaver.seq; ; ) {
    const rows = await db
      .selectFrom('events')
      .select(['seq', 'type', 'subject', 'data', 'recorded_at'])
      .where('type', 'in', LEAVER_TYPES)
      .where('seq', '<', before)
      .orderBy('seq', 'desc')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      if (row.recorded_at < since) return people.size;
      const data: unknown = row.data === null ? undefined : JSON.parse(row.data);
      if (isLeaverEvent({ type: row.type, data })) people.add(row.subject ?? `seq:${row.seq}`);
    }
    if (rows.length < PAGE) return people.size;
    before = Number(rows.at(-1)!.seq);
  }
}

/** The most leavers the window allows before holding: a count, or a share of the people the log knows. */
export async function thresholdAt(db: Db, config: Config, seq: number): Promise<number> {
  const threshold = config.lifecycle.deprovisionThreshold;
  if ('count' in threshold) return threshold.count;
  const row = await db
    .selectFrom('events')
    .select(sql<number>`COUNT(DISTINCT subject)`.as('people'))
    .where('type', '=', LIFECYCLE.userCreated)
    .where('seq', '<=', seq)
    .executeTakeFirst();
  return Math.floor((Number(row?.people ?? 0) * threshold.percent) / 100);
}

/** Whether `leaver`'s deprovisioning by `consumer` may go ahead; a new hold comes with the row to write. */
export async function holdDecision(db: Db, config: Config, consumer: string, leaver: StoredEvent): Promise<HoldDecision & { write?: CompletionWrite }> {
  const row = await db
    .selectFrom('held_deprovisionings')
    .select(['decision', 'leavers_in_window', 'threshold'])
    .where('consumer', '=', consumer)
    .where('seq', '=', leaver.seq)
    .executeTakeFirst();
  if (row?.decision === 'approved') return { kind: 'proceed' };
  if (row?.decision === 'rejected') return { kind: 'rejected' };
  if (row !== undefined && row.decision === null) return { kind: 'held', fresh: false, leaversInWindow: row.leavers_in_window, threshold: row.threshold };
  const [count, threshold] = await Promise.all([leaversInWindow(db, leaver, config.lifecycle.deprovisionWindowMs), thresholdAt(db, config, leaver.seq)]);
  if (count <= threshold) return { kind: 'proceed' };
  const write: CompletionWrite = async (trx) => {
    await sql`
      INSERT INTO held_deprovisionings (consumer, seq, leavers_in_window, threshold) VALUES (${consumer}, ${leaver.seq}, ${count}, ${threshold})
      ON DUPLICATE KEY UPDATE decision = IF(decision = 'superseded', NULL, decision), decided_at = IF(decision IS NULL, NULL, decided_at)`.execute(trx);
  };
  return { kind: 'held', fresh: true, leaversInWindow: count, threshold, write };
}

/** A later event made the person active again: their undecided holds are moot (written with the completion). */
export function supersedeHolds(consumer: string, subject: string): CompletionWrite {
  return async (trx) => {
    await sql`
      UPDATE held_deprovisionings h JOIN events e ON e.seq = h.seq
      SET h.decision = 'superseded', h.decided_at = CURRENT_TIMESTAMP(6)
      WHERE h.consumer = ${consumer} AND h.decision IS NULL AND e.subject = ${subject}`.execute(trx);
  };
}
