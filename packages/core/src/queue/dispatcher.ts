// The outbox relay. Appended events wait in `outbox` until every subscribed consumer's queue has a job
// for them; only then is the outbox row deleted. One dispatcher at a time holds a MySQL advisory lock
// (released by the server if the process dies), so jobs are added in seq order and never by two relays.
import { sql, type Kysely } from 'kysely';
import type { Database, Db } from '../log/database.js';
import type { Logger } from '../logger.js';
import type { JobsOptions } from 'bullmq';
import { CONSUMERS, DELIVERY_OPTIONS, subscribes } from './consumers.js';
import { enqueueDeliveries, type DeliveryQueues } from './delivery-queues.js';

export interface DispatcherOptions {
  batchSize?: number;
  /** How often an idle dispatcher looks for work appended by other processes. */
  pollMs?: number;
  /**
   * After a partial batch, wait at least this long before the next, even when woken: under load, wake-ups
   * come with every append, and fewer, larger addBulk calls cost Redis and this process far less.
   */
  coalesceMs?: number;
  /** Back-off after a failure (Redis or MySQL down). */
  retryMs?: number;
  onDispatched?: (count: number) => void;
  /** Attempts and back-off of the jobs it adds; tests shorten them. */
  jobOptions?: JobsOptions;
}

export interface Dispatcher {
  /** Look for work now (the ingest process calls this after each append). */
  wake(): void;
  close(): Promise<void>;
}

/** Hands one batch of the outbox to the queues; returns how many events it moved. */
export async function dispatchPending(
  conn: Kysely<Database>,
  queues: DeliveryQueues,
  batchSize: number,
  jobOptions: JobsOptions = DELIVERY_OPTIONS,
): Promise<number> {
  const rows = await conn
    .selectFrom('outbox')
    .innerJoin('events', 'events.seq', 'outbox.seq')
    .select(['outbox.seq as seq', 'events.type as type'])
    .orderBy('outbox.seq')
    .limit(batchSize)
    .execute();
  if (rows.length === 0) return 0;
  const deliveries = rows.map((r) => ({ seq: Number(r.seq), type: r.type }));
  for (const consumer of CONSUMERS) {
    await enqueueDeliveries(queues[consumer], deliveries.filter((d) => subscribes(consumer, d.type)), jobOptions);
  }
  await conn.deleteFrom('outbox').where('seq', 'in', deliveries.map((d) => d.seq)).execute();
  return rows.length;
}

export function startDispatcher(db: Db, queues: DeliveryQueues, logger: Logger, options: DispatcherOptions = {}): Dispatcher {
  const { batchSize = 1000, pollMs = 200, retryMs = 1000, coalesceMs = 20 } = options;
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let stopSleeping: (() => void) | undefined;
  // A wakeable sleep ends early on wake(); the others (not leader, after a failure) only on close().
  const sleep = (ms: number, wakeable = false) =>
    new Promise<void>((resolve) => {
      if ((wakeable && woken) || stopping) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = wakeable ? done : undefined;
      stopSleeping = done;
    });

  async function leadWhileHoldingLock(conn: Kysely<Database>): Promise<void> {
    while (!stopping) {
      woken = false;
      const moved = await dispatchPending(conn, queues, batchSize, options.jobOptions);
      if (moved > 0) options.onDispatched?.(moved);
      if (moved === batchSize) continue;
      if (moved > 0) await sleep(coalesceMs);
      await sleep(pollMs, true);
    }
  }

  async function run(): Promise<void> {
    while (!stopping) {
      try {
        await db.connection().execute(async (conn) => {
          const lock = sql<{ got: number | null }>`SELECT GET_LOCK(CONCAT('onramp.dispatch.', DATABASE()), 0) AS got`;
          const got = (await lock.execute(conn)).rows[0]?.got;
          if (Number(got) !== 1) return sleep(pollMs * 5);
          try {
            await leadWhileHoldingLock(conn);
          } finally {
            await sql`SELECT RELEASE_LOCK(CONCAT('onramp.dispatch.', DATABASE()))`.execute(conn).catch(() => undefined);
          }
        });
      } catch (error) {
        logger.warn({ err: error }, 'dispatch failed; outbox kept, retrying');
        await sleep(retryMs);
      }
    }
  }

  const running = run();
  let closing: Promise<void> | undefined;
  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    close() {
      closing ??= (async () => {
        stopping = true;
        stopSleeping?.();
        await running;
      })();
      return closing;
    },
  };
}
