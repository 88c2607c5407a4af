// An append whose event also changes a projection table in the same transaction: the row and the event
// commit together or not at all, so the table never says what the log does not. `decide` reads what it
// needs inside the transaction (lock the rows it will change) and returns the one event to append, or
// none; a deadlock runs it again from the start, any other failure (a unique key, say) is the caller's.
import type { Transaction } from 'kysely';
import type { CloudEvent } from '../events/cloud-event.js';
import { isDeadlock } from './collision.js';
import { appendInTransaction } from './event-log.js';
import type { Database, Db } from './database.js';
import { stampTraceContext } from '../tracing/trace-context.js';

/** What a projection is given: the event as appended. */
export type ProjectedEvent = CloudEvent & { seq: number };

export interface Decision<T> {
  event?: CloudEvent;
  value: T;
}

export async function appendProjected<T>(
  db: Db,
  decide: (trx: Transaction<Database>) => Promise<Decision<T>>,
  project: (trx: Transaction<Database>, event: ProjectedEvent) => Promise<void>,
): Promise<{ value: T; seq?: number; appended: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const decided = await decide(trx);
        const { value } = decided;
        if (decided.event === undefined) return { value, appended: false };
        // Called inside the request's span: the event carries its trace context into the log.
        const [event] = stampTraceContext([decided.event]) as [typeof decided.event];
        const [result] = await appendInTransaction(trx, [event]);
        // A fresh id never duplicates; should it, the event is in the log already and so is its row.
        if (result === undefined || result.status !== 'appended') return { value, appended: false, ...(result === undefined ? {} : { seq: result.seq }) };
        await project(trx, { ...event, seq: result.seq });
        return { value, seq: result.seq, appended: true };
      });
    } catch (error) {
      if (attempt >= 5 || !isDeadlock(error)) throw error;
    }
  }
}
