// The transactions that change delivery state run at READ COMMITTED (see deliveries.ts) and are run
// again when they collide with another: InnoDB picked them as a deadlock's victim (two of them touching
// one person's rows at once), or a row they planned was inserted meanwhile by another (a replay and the
// relay writing the same delivery). Run again, they plan from what is there now.
import type { Transaction } from 'kysely';
import type { Database, Db } from '../log/database.js';

const ER_DUP_ENTRY = 1062;
const ER_LOCK_DEADLOCK = 1213;

/** The failures that another transaction caused and a second run resolves. */
export function isCollision(error: unknown): boolean {
  const errno = (error as { errno?: unknown }).errno;
  return errno === ER_LOCK_DEADLOCK || errno === ER_DUP_ENTRY;
}

/** Runs `work` in a READ COMMITTED transaction, again (up to five times) after a collision. */
export async function inDeliveryTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().setIsolationLevel('read committed').execute(work);
    } catch (error) {
      if (attempt >= 5 || !isCollision(error)) throw error;
    }
  }
}

