// The transactions that change delivery state run at READ COMMITTED (see deliveries.ts) and are run
// again when InnoDB picks them as a deadlock's victim: two of them touching one person's rows at once.
import type { Transaction } from 'kysely';
import type { Database, Db } from '../log/database.js';

const ER_LOCK_DEADLOCK = 1213;

/** Runs `work` in a READ COMMITTED transaction, again (up to five times) after a deadlock. */
export async function inDeliveryTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().setIsolationLevel('read committed').execute(work);
    } catch (error) {
      if (attempt >= 5 || (error as { errno?: unknown }).errno !== ER_LOCK_DEADLOCK) throw error;
    }
  }
}

