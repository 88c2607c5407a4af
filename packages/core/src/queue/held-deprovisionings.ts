// Deprovisionings held at the deletion threshold, and an operator's decision on them. Approving writes a
// delivery row (tagged APPROVE_TAG) for the held leaver, in the transaction that records the decision, so
// the consumer is handed it again behind the person's events in progress and finds it approved; rejecting
// records the decision and an outcome event, and the consumer skips it whenever it comes back.
import { randomBytes } from 'node:crypto';
import { OnrampError } from '../errors.js';
import { OUTCOME } from '../events/event-types.js';
import type { Db } from '../log/database.js';
import { appendInTransaction, readEvent } from '../log/event-log.js';
import { addDeliveries } from './deliveries.js';
import { inDeliveryTransaction } from './delivery-transaction.js';
import { outcomeEvent } from './outcomes.js';

/** The redelivery tag of an approved hold; the row's decision is what the consumer trusts. */
export const APPROVE_TAG = 'lifecycle-approve';

export interface HeldDeprovisioning {
  consumer: string;
  /** The leaver event whose deprovisioning is held. */
  seq: number;
  type: string;
  subject: string | null;
  leaversInWindow: number;
  threshold: number;
  heldAt: Date;
}

export async function listHeldDeprovisionings(db: Db): Promise<HeldDeprovisioning[]> {
  const rows = await db
    .selectFrom('held_deprovisionings as h')
    .innerJoin('events as e', 'e.seq', 'h.seq')
    .select(['h.consumer', 'h.seq', 'e.type', 'e.subject', 'h.leavers_in_window', 'h.threshold', 'h.held_at'])
    .where('h.decision', 'is', null)
    .orderBy('h.seq')
    .execute();
  return rows.map((r) => ({
    consumer: r.consumer,
    seq: Number(r.seq),
    type: r.type,
    subject: r.subject,
    leaversInWindow: r.leavers_in_window,
    threshold: r.threshold,
    heldAt: r.held_at,
  }));
}

/** How many holds there are now, per consumer (for /metrics). */
export async function countHeldDeprovisionings(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('held_deprovisionings')
    .select(['consumer', (eb) => eb.fn.countAll<number>().as('held')])
    .where('decision', 'is', null)
    .groupBy('consumer')
    .execute();
  return new Map(rows.map((r) => [r.consumer, Number(r.held)]));
}

export type HoldSelection = { all: true } | { seq: number };

/**
 * Approves or rejects the selected holds (every one, or the one of a leaver's seq). Each decision, its
 * outcome event and (approve) its delivery row are one transaction. Returns the seqs decided.
 */
export async function decideHeldDeprovisionings(db: Db, decision: 'approved' | 'rejected', selection: HoldSelection): Promise<number[]> {
  const held = (await listHeldDeprovisionings(db)).filter((h) => 'all' in selection || h.seq === selection.seq);
  if ('seq' in selection && held.length === 0) throw new OnrampError('invalid_request', `no deprovisioning of seq ${selection.seq} is held`);
  const redelivery = `${APPROVE_TAG}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const decided: number[] = [];
  for (const hold of held) {
    const cause = await readEvent(db, hold.seq);
    if (cause === undefined) continue;
    const type = decision === 'approved' ? OUTCOME.deprovisionApproved : OUTCOME.deprovisionRejected;
    const done = await inDeliveryTransaction(db, async (trx) => {
      const updated = await trx
        .updateTable('held_deprovisionings')
        .set({ decision, decided_at: new Date() })
        .where('consumer', '=', hold.consumer)
        .where('seq', '=', hold.seq)
        .where('decision', 'is', null)
        .executeTakeFirst();
      // Someone else decided it meanwhile: theirs stands.
      if (Number(updated.numUpdatedRows) === 0) return false;
      await appendInTransaction(trx, [outcomeEvent('lifecycle', type, cause, { consumer: hold.consumer, heldSeq: hold.seq })]);
      if (decision === 'approved') {
        await addDeliveries(trx, [{ consumer: hold.consumer, seq: hold.seq, subject: hold.subject, redelivery, forced: true }], { queuedNow: false });
      }
      return true;
    });
    if (done) decided.push(hold.seq);
  }
  return decided;
}
