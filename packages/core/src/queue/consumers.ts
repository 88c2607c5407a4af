// What a consumer is to the delivery machinery, and what its queue jobs look like. Queue names are
// consumer names and job ids are derived from seqs; both are stored in Redis and MySQL, so renaming a
// consumer strands its work.
import type { JobsOptions } from 'bullmq';

/** A consumer's name: its queue's name and its key in `subscriptions`, `deliveries` and completions. */
export type Consumer = string;

/** What a queue job carries: a pointer into the log, never the event itself (the log is the truth). */
export interface DeliveryJob {
  seq: number;
  /** Set on jobs a replay or a dead-letter retry made: a deliberate re-delivery. */
  redelivery?: string;
  /** Deliver even if (consumer, seq) is recorded as completed. */
  force?: boolean;
}

/**
 * The job id of a delivery within its consumer's queue. A redelivery gets its tag; a delivery queued
 * again because its job was lost (Redis emptied) gets the number of that enqueue, so that a finished
 * job of the same id that Redis still keeps cannot swallow it.
 */
export function deliveryJobId(seq: number, redelivery?: string | null, enqueues = 1): string {
  const base = redelivery === undefined || redelivery === null ? `seq-${seq}` : `seq-${seq}-${redelivery}`;
  return enqueues > 1 ? `${base}-e${enqueues}` : base;
}

export const DELIVERY_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};
