// The relay (dispatcher): turns the outbox into delivery rows and queue jobs (relay.ts), and regularly
// queues again what Redis lost (restore-lost-jobs.ts). One dispatcher at a time holds a MySQL advisory
// lock (released by the server if the process dies), so rows are expanded in seq order and by one relay.
import { sql, type Kysely } from 'kysely';
import type { Database, Db } from '../log/database.js';
import type { Logger } from '../logger.js';
import type { JobsOptions } from 'bullmq';
import type { DeliveryQueues } from './delivery-queues.js';
import { isCollision } from '../log/collision.js';
import { dispatchPending } from './relay.js';
import { restoreLostJobs, type RestoreCursor } from './restore-lost-jobs.js';


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
  /** How often queued deliveries are checked against Redis, and how old a queued row must be to count. */
  restoreEveryMs?: number;
  restoreGraceMs?: number;
}

export interface Dispatcher {
  /** Look for work now (the ingest process calls this after each append). */
  wake(): void;
  close(): Promise<void>;
}

export function startDispatcher(db: Db, queues: DeliveryQueues, logger: Logger, options: DispatcherOptions = {}): Dispatcher {
  const { batchSize = 1000, pollMs = 200, retryMs = 1000, coalesceMs = 20, restoreEveryMs = 10_000, restoreGraceMs = 5000 } = options;
  let restoreCursor: RestoreCursor | undefined;
  let lastRestore = 0;
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
      if (Date.now() - lastRestore >= restoreEveryMs) {
        lastRestore = Date.now();
        const result = await restoreLostJobs(conn, queues, { graceMs: restoreGraceMs, pageSize: 1000, cursor: restoreCursor, ...(options.jobOptions === undefined ? {} : { jobOptions: options.jobOptions }) });
        restoreCursor = result.cursor;
        for (const { consumer, seqs } of result.restored) {
          logger.warn({ consumer, count: seqs.length, firstSeq: seqs[0] }, 'queued deliveries had lost their jobs (Redis emptied or failed over); queued them again');
        }
      }
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
        // A deadlock with a worker finishing a delivery of the same person, or a replay writing the same row:
        // the pass was rolled back; go again (jobs it added are added again under the same ids: no double).
        if (isCollision(error)) continue;
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
