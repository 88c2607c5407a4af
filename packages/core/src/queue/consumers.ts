// Consumers, their queues and what they subscribe to: one place, because queue names and job ids are
// stored in Redis — renaming a queue strands the jobs waiting in it.
import type { JobsOptions } from 'bullmq';
import { LIFECYCLE } from '../events/event-types.js';

export const CONSUMERS = ['mailer', 'gitbook-sync', 'indexer'] as const;
export type Consumer = (typeof CONSUMERS)[number];

export const SUBSCRIPTIONS: Record<Consumer, readonly string[]> = {
  mailer: [LIFECYCLE.userCreated],
  'gitbook-sync': [LIFECYCLE.userCreated, LIFECYCLE.userUpdated, LIFECYCLE.userDeactivated, LIFECYCLE.userDeleted],
  indexer: [
    LIFECYCLE.userCreated,
    LIFECYCLE.userUpdated,
    LIFECYCLE.userDeactivated,
    LIFECYCLE.userDeleted,
    LIFECYCLE.documentPublished,
  ],
};

export function isConsumer(name: string): name is Consumer {
  return (CONSUMERS as readonly string[]).includes(name);
}

export function subscribes(consumer: Consumer, type: string): boolean {
  return SUBSCRIPTIONS[consumer].includes(type);
}

/** What a queue job carries: a pointer into the log, never the event itself (the log is the truth). */
export interface DeliveryJob {
  seq: number;
  /** Set on jobs a replay or a dead-letter retry made: a deliberate re-delivery. */
  redelivery?: string;
  /** Deliver even if (consumer, seq) is recorded as completed. */
  force?: boolean;
}

/** The job id for (consumer, seq) within the consumer's queue; a redelivery gets its own suffix. */
export function deliveryJobId(seq: number, redelivery?: string): string {
  return redelivery === undefined ? `seq-${seq}` : `seq-${seq}-${redelivery}`;
}

export const DELIVERY_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};
