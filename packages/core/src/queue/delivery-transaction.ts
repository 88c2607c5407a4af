// The transactions that change delivery state run at READ COMMITTED (see deliveries.ts) and are run
// again when they collide with another: InnoDB picked them as a deadlock's victim (two of them touching
// one person's rows at once), or a row they planned was inserted meanwhile by another (a replay and the
// relay writing the same delivery). Run again, they plan from what is there now.
import type { Transaction } from 'kysely';
import { isCollision } from '../log/collision.js';
import type { Database, Db } from '../log/database.js';


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

