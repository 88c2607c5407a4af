// The runtime every consumer runs in: takes delivery jobs from the consumer's queue, loads the event
// from the log, skips what is already done, runs the handler, and records the result. Retries with
// exponential back-off and jitter; a permanent error or the last attempt makes a dead letter.
import { connectionFailureReason } from '../dependency-failure.js';
import { redisErrorReporter } from './redis-error-reporter.js';
import { DelayedError, Queue, UnrecoverableError, Worker, type JobsOptions, type Job } from 'bullmq';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CloudEvent, StoredEvent } from '../events/cloud-event.js';
import { PermanentError, RetryableError } from '../errors.js';
import type { Db } from '../log/database.js';
import { isLogUnavailable } from '../log/append-failure.js';
import { readEvent, readEventsBySeq } from '../log/event-log.js';
import { BatchItemFailure, createBatcher } from './batcher.js';
import type { Logger } from '../logger.js';
import type { Consumer, DeliveryJob } from './consumers.js';
import type { ReadyDelivery } from './deliveries.js';
import { enqueueDeliveries } from './delivery-queues.js';
import { isCompleted, recordCompletions, recordDeadLetter, releaseDelivery, type Completion, type CompletionWrite } from './outcomes.js';
import { redisOptions } from './redis.js';
import { eventTraceContext } from '../tracing/trace-context.js';
import { registerSubscriptions } from './subscriptions.js';

export interface ConsumerContext {
  attempt: number;
  maxAttempts: number;
  /** The redelivery tag (replay or dead-letter retry), when this is not the first delivery. */
  redelivery: string | undefined;
  /** True when a forced replay asked for the effect again even though it completed: a new effect is wanted. */
  forced: boolean;
  logger: Logger;
  /** Adds a write of the consumer's own to the transaction that records its completion and outcomes. */
  recordWith(write: CompletionWrite): void;
}

/** Does the consumer's work for one event; returns the outcome events to append with the completion. */
export type ConsumerHandler = (event: StoredEvent, context: ConsumerContext) => Promise<CloudEvent[]>;

export interface ConsumerDefinition {
  consumer: Consumer;
  handle: ConsumerHandler;
  /**
   * A reactor's effect must happen once (email, account): a completed delivery is skipped. A projection
   * (the search index) is a view that replays rebuild: it handles every delivery it is given.
   */
  kind?: 'reactor' | 'projection';
  /** Appended with the dead letter, e.g. onramp.mail.WelcomeFailed. */
  failureType?: string;
  concurrency?: number;
  /**
   * Group commit: the deliveries that finish while another's completion is being written are read and
   * recorded together (one query for their events, one transaction for their completions) instead of one
   * by one. Each keeps its own once-only claim and its person's order; for consumers that run many small
   * deliveries at once (the indexer).
   */
  groupCommit?: boolean;
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
  /** Attempts and back-off of the next delivery's job, which the worker adds itself. */
  jobOptions?: JobsOptions;
  /** Where the worker's metrics go (the service's registry). */
  registry?: Registry;
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

/** The workers' metrics, made once per registry: every consumer of a process shares them, by label. */
const metricsByRegistry = new WeakMap<Registry, ReturnType<typeof createWorkerMetrics>>();

function createWorkerMetrics(registers: Registry[]) {
  const consumerLabel = ['consumer'] as const;
  return {
    waiting: new Gauge({ name: 'onramp_consumer_waiting_for_log', help: 'Jobs whose effect is done and that wait for the event log to record it', labelNames: consumerLabel, registers }),
    effectSeconds: new Histogram({
      name: 'onramp_consumer_effect_seconds',
      help: 'Time a consumer took to handle an event, its provider calls included, by result',
      labelNames: ['consumer', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    handlerErrors: new Counter({
      name: 'onramp_consumer_errors_total',
      help: 'Failed attempts to handle an event, by error code (the provider errors among them), retried or not',
      labelNames: ['consumer', 'code'],
      registers,
    }),
  };
}

function workerMetrics(registry: Registry | undefined): ReturnType<typeof createWorkerMetrics> {
  if (registry === undefined) return createWorkerMetrics([]);
  let metrics = metricsByRegistry.get(registry);
  if (metrics === undefined) metricsByRegistry.set(registry, (metrics = createWorkerMetrics([registry])));
  return metrics;
}

/** How long a job waits before it looks again for a log that did not answer. */
const LOG_RETRY_MS = 2000;

export function createConsumerWorker(definition: ConsumerDefinition, runtime: ConsumerRuntime): ConsumerWorker {
  const { consumer, handle } = definition;
  const { db, logger } = runtime;
  const log = logger.child({ consumer });

  const { waiting, effectSeconds, handlerErrors } = workerMetrics(runtime.registry);
  const tracer = trace.getTracer('onramp-consumer');
  const ownQueue = new Queue<DeliveryJob>(consumer, { connection: redisOptions(runtime.redisUrl, 'producer'), prefix: runtime.prefix });
  ownQueue.on('error', () => undefined); // a failed add is logged where it happens; the relay restores the job
  let closingRequested = false;

  /** Up to this many deliveries' reads or completions go in one query or transaction. */
  const GROUP = 64;
  const loadEvent = definition.groupCommit === true ? createBatcher((seqs: number[]) => readEventsBySeq(db, seqs), GROUP) : (seq: number) => readEvent(db, seq);
  const recordOne = (completion: Completion) => recordCompletions(db, consumer, [completion]).then((next) => next[0]);
  const recordGrouped = createBatcher(async (completions: Completion[]) => {
    try {
      return await recordCompletions(db, consumer, completions);
    } catch (error) {
      // A log that is down is waited for by each delivery; any other failure is one delivery's own:
      // each is recorded alone, so one bad completion does not fail the others.
      if (completions.length === 1 || isLogUnavailable(error)) throw error;
      return Promise.all(completions.map((completion) => recordOne(completion).catch((failure: unknown) => new BatchItemFailure(failure))));
    }
  }, GROUP);
  const recordDone = definition.groupCommit === true ? recordGrouped : recordOne;

  /** The job goes back to wait for the log without spending an attempt: nothing was done yet. */
  async function laterForLog(job: Job<DeliveryJob, JobResult>, token: string | undefined, error: unknown): Promise<never> {
    log.warn({ seq: job.data.seq, err: error }, 'the event log does not answer; the job waits for it');
    await job.moveToDelayed(Date.now() + LOG_RETRY_MS, token);
    throw new DelayedError();
  }

  /** Writes a result after the effect happened: a log that is down is waited for, not given up on. */
  async function record<T>(seq: number, write: () => Promise<T>): Promise<T> {
    let warned = false;
    try {
      for (;;) {
        try {
          return await write();
        } catch (error) {
          if (!isLogUnavailable(error) || closingRequested) throw error;
          if (!warned) {
            warned = true;
            waiting.inc({ consumer });
            log.warn({ seq, err: error }, 'effect done but the event log does not answer; waiting to record it');
          }
          await new Promise((resolve) => setTimeout(resolve, LOG_RETRY_MS));
        }
      }
    } finally {
      if (warned) waiting.dec({ consumer });
    }
  }

  /** The person's next event, made ready by this one's completion, goes to the queue at once. */
  async function enqueueNext(next: ReadyDelivery | undefined): Promise<void> {
    if (next === undefined) return;
    await enqueueDeliveries(ownQueue, [next], runtime.jobOptions).catch((error: unknown) =>
      log.warn({ seq: next.seq, err: error }, 'could not queue the next delivery; the relay will'),
    );
  }

  async function process(job: Job<DeliveryJob, JobResult>, token?: string): Promise<JobResult> {
    const { seq, redelivery, force } = job.data;
    const forced = force === true;
    let event: StoredEvent | undefined;
    let done = false;
    try {
      event = await loadEvent(seq);
      // A projection is rebuilt by replays, so it never skips; a reaction happens once.
      if (event !== undefined && !forced && definition.kind !== 'projection') done = await isCompleted(db, consumer, seq);
    } catch (error) {
      if (isLogUnavailable(error)) return laterForLog(job, token, error);
      throw error;
    }
    if (event === undefined) throw new UnrecoverableError(`event ${seq} is not in the log`);
    const stored = event;
    if (done) {
      log.debug({ seq, jobId: job.id }, 'already completed; skipped');
      await enqueueNext(await record(seq, () => releaseDelivery(db, consumer, stored)));
      return 'skipped';
    }
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    let outcomes: CloudEvent[];
    const writes: CompletionWrite[] = [];
    // The consumer's span is a child of the trace the event carries from its door.
    const span = tracer.startSpan(`${consumer} ${stored.type}`, {
      kind: SpanKind.CONSUMER,
      attributes: { 'onramp.consumer': consumer, 'onramp.seq': seq, 'onramp.event.type': stored.type, 'onramp.attempt': attempt, ...(redelivery === undefined ? {} : { 'onramp.redelivery': redelivery }) },
    }, eventTraceContext(stored));
    const stopTimer = effectSeconds.startTimer({ consumer });
    try {
      outcomes = await context.with(trace.setSpan(context.active(), span), () =>
        handle(stored, { attempt, maxAttempts, redelivery, forced, logger: log.child({ seq }), recordWith: (write) => writes.push(write) }),
      );
      stopTimer({ result: 'done' });
      span.end();
    } catch (error) {
      stopTimer({ result: 'failed' });
      handlerErrors.inc({ consumer, code: errorCode(error) });
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode(error) }).end();
      if (isLogUnavailable(error)) return laterForLog(job, token, error);
      if (error instanceof RetryableError && error.retryAfterMs !== undefined) {
        // The provider said when to come back: wait that long without spending an attempt.
        log.info({ seq, retryAfterMs: error.retryAfterMs }, 'provider asked us to wait');
        await job.moveToDelayed(Date.now() + error.retryAfterMs, token);
        throw new DelayedError();
      }
      const permanent = error instanceof PermanentError;
      const reason = error instanceof Error ? error.message : String(error);
      if (permanent || attempt >= maxAttempts) {
        const letter = { consumer, event: stored, attempts: attempt, code: errorCode(error), reason };
        const full = definition.failureType === undefined ? letter : { ...letter, failureType: definition.failureType };
        await enqueueNext(await record(seq, () => recordDeadLetter(db, full)));
        log.warn({ seq, attempt, code: letter.code }, 'dead-lettered');
        throw new UnrecoverableError(reason);
      }
      log.info({ seq, attempt, code: errorCode(error) }, 'failed; will retry');
      throw error;
    }
    await enqueueNext(await record(seq, () => recordDone({ event: stored, outcomes, forced, writes })));
    return 'completed';
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
  // While Redis is down the worker reconnects on its own; one line every few seconds says so.
  const redisDown = redisErrorReporter(log, runtime.redisUrl);
  worker.on('error', (error) => (connectionFailureReason(error) === undefined ? log.warn({ err: error }, 'worker connection error') : redisDown(error)));

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
        closingRequested = true;
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
        await ownQueue.close().catch(() => undefined);
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
  runtime?: Pick<ConsumerRuntime, 'lockDurationMs' | 'stalledIntervalMs' | 'shutdownGraceMs' | 'jobOptions' | 'registry'>;
  concurrency?: number;
}

/**
 * Registers what the consumer subscribes to (a new consumer or type starts at the log's head), creates
 * its worker on the service's options and opens its gate.
 */
export async function runConsumer(
  definition: ConsumerDefinition,
  subscribes: readonly string[],
  redisUrl: string,
  options: ServiceWorkerOptions,
  logger: Logger,
): Promise<ConsumerWorker> {
  await registerSubscriptions(options.db, definition.consumer, subscribes);
  const worker = createConsumerWorker(definition, { db: options.db, redisUrl, prefix: options.queuePrefix, logger, ...options.runtime });
  await worker.start();
  return worker;
}
