// The runtime every consumer runs in: takes delivery jobs from the consumer's queue, loads the event
// from the log, skips what is already done, runs the handler, and records the result. Retries with
// exponential back-off and jitter; a permanent error or the last attempt makes a dead letter.
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { CloudEvent, StoredEvent } from '../events/cloud-event.js';
import { PermanentError, RetryableError } from '../errors.js';
import type { Db } from '../log/database.js';
import { readEvent } from '../log/event-log.js';
import type { Logger } from '../logger.js';
import type { Consumer, DeliveryJob } from './consumers.js';
import { earlierPending, isCompleted, recordCompletion, recordDeadLetter } from './outcomes.js';
import { redisOptions } from './redis.js';

export interface ConsumerContext {
  attempt: number;
  maxAttempts: number;
  /** The redelivery tag (replay or dead-letter retry), when this is not the first delivery. */
  redelivery: string | undefined;
  /** True when a forced replay asked for the effect again even though it completed: a new effect is wanted. */
  forced: boolean;
  logger: Logger;
}

/** Does the consumer's work for one event; returns the outcome events to append with the completion. */
export type ConsumerHandler = (event: StoredEvent, context: ConsumerContext) => Promise<CloudEvent[]>;

export interface ConsumerDefinition {
  consumer: Consumer;
  handle: ConsumerHandler;
  /** Appended with the dead letter, e.g. onramp.mail.WelcomeFailed. */
  failureType?: string;
  concurrency?: number;
  /** A queue-wide rate limit shared by every process of this consumer (BullMQ's global limiter). */
  limiter?: { max: number; duration: number };
}

export interface ConsumerRuntime {
  db: Db;
  redisUrl: string;
  prefix: string;
  logger: Logger;
  /** How long close() lets the current jobs finish before it releases them to another worker. */
  shutdownGraceMs?: number;
  /** BullMQ job lock and stalled-job check; a killed worker's jobs go to another worker after about these. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export type JobResult = 'completed' | 'skipped';

export interface ConsumerWorker {
  /** Opens the gate: no job is taken before this. */
  start(): Promise<void>;
  close(): Promise<void>;
  readonly worker: Worker<DeliveryJob, JobResult>;
}

function errorCode(error: unknown): string {
  return typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'error';
}

// Events of one subject are handled in seq order: a later one waits in steps while an earlier one is
// neither done nor dead-lettered. The limit keeps a lost earlier job (Redis lost it and nobody replayed
// yet) from holding that person's later events for ever; it is logged when it is reached.
const ORDER_WAIT_STEP_MS = 200;
const ORDER_WAIT_LIMIT_MS = 10 * 60_000;

export function createConsumerWorker(definition: ConsumerDefinition, runtime: ConsumerRuntime): ConsumerWorker {
  const { consumer, handle } = definition;
  const { db, logger } = runtime;
  const log = logger.child({ consumer });

  async function process(job: Job<DeliveryJob, JobResult>, token?: string): Promise<JobResult> {
    const { seq, redelivery, force } = job.data;
    const event = await readEvent(db, seq);
    if (event === undefined) throw new UnrecoverableError(`event ${seq} is not in the log`);
    if (force !== true && (await isCompleted(db, consumer, seq))) {
      log.debug({ seq, jobId: job.id }, 'already completed; skipped');
      return 'skipped';
    }
    const before = await earlierPending(db, consumer, event);
    if (before !== undefined && Date.now() - job.timestamp < ORDER_WAIT_LIMIT_MS) {
      log.debug({ seq, waitingFor: before }, 'an earlier event of the same subject is not done yet; waiting');
      await job.moveToDelayed(Date.now() + ORDER_WAIT_STEP_MS, token);
      throw new DelayedError();
    }
    if (before !== undefined) log.warn({ seq, waitingFor: before }, 'gave up waiting for an earlier event of the same subject');
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    try {
      const outcomes = await handle(event, {
        attempt,
        maxAttempts,
        redelivery,
        forced: force === true,
        logger: log.child({ seq }),
      });
      await recordCompletion(db, consumer, seq, outcomes, force === true);
      return 'completed';
    } catch (error) {
      if (error instanceof RetryableError && error.retryAfterMs !== undefined) {
        // The provider said when to come back: wait that long without spending an attempt.
        log.info({ seq, retryAfterMs: error.retryAfterMs }, 'provider asked us to wait');
        await job.moveToDelayed(Date.now() + error.retryAfterMs, token);
        throw new DelayedError();
      }
      const permanent = error instanceof PermanentError;
      const reason = error instanceof Error ? error.message : String(error);
      if (permanent || attempt >= maxAttempts) {
        const letter = { consumer, event, attempts: attempt, code: errorCode(error), reason };
        await recordDeadLetter(db, definition.failureType === undefined ? letter : { ...letter, failureType: definition.failureType });
        log.warn({ seq, attempt, code: letter.code }, 'dead-lettered');
        throw new UnrecoverableError(reason);
      }
      log.info({ seq, attempt, code: errorCode(error) }, 'failed; will retry');
      throw error;
    }
  }

  const worker = new Worker<DeliveryJob, JobResult>(consumer, process, {
    connection: redisOptions(runtime.redisUrl, 'worker'),
    prefix: runtime.prefix,
    autorun: false,
    concurrency: definition.concurrency ?? 4,
    ...(definition.limiter === undefined ? {} : { limiter: definition.limiter }),
    ...(runtime.lockDurationMs === undefined ? {} : { lockDuration: runtime.lockDurationMs }),
    ...(runtime.stalledIntervalMs === undefined ? {} : { stalledInterval: runtime.stalledIntervalMs }),
  });
  worker.on('error', (error) => log.warn({ err: error }, 'worker connection error'));

  let closing: Promise<void> | undefined;
  return {
    worker,
    async start() {
      await worker.waitUntilReady();
      void worker.run().catch((error: unknown) => log.error({ err: error }, 'worker stopped'));
      log.info('consuming');
    },
    close() {
      closing ??= (async () => {
        const grace = runtime.shutdownGraceMs ?? 10_000;
        let timer: NodeJS.Timeout | undefined;
        const forced = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), grace);
        });
        const outcome = await Promise.race([worker.close(), forced]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          log.warn('jobs still running at shutdown; releasing them to another worker');
          await worker.close(true);
        }
      })();
      return closing;
    },
  };
}

/** What a service's start function takes to run its consumer in this process. */
export interface ServiceWorkerOptions {
  db: Db;
  logger: Logger;
  queuePrefix: string;
  /** Worker tuning (tests shorten the stalled-job check so that a killed worker's jobs move on quickly). */
  runtime?: Pick<ConsumerRuntime, 'lockDurationMs' | 'stalledIntervalMs' | 'shutdownGraceMs'>;
  concurrency?: number;
}

/** Creates the consumer's worker on the service's options and opens its gate. */
export async function runConsumer(definition: ConsumerDefinition, redisUrl: string, options: ServiceWorkerOptions, logger: Logger): Promise<ConsumerWorker> {
  const worker = createConsumerWorker(definition, { db: options.db, redisUrl, prefix: options.queuePrefix, logger, ...options.runtime });
  await worker.start();
  return worker;
}
