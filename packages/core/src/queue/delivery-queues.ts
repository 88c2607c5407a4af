import { Queue, type JobsOptions } from 'bullmq';
import { redisOptions } from './redis.js';
import { CONSUMERS, DELIVERY_OPTIONS, deliveryJobId, type Consumer, type DeliveryJob } from './consumers.js';

export type DeliveryQueues = Record<Consumer, Queue<DeliveryJob>> & { close(): Promise<void> };

export function openDeliveryQueues(redisUrl: string, prefix: string): DeliveryQueues {
  const connection = redisOptions(redisUrl, 'producer');
  const queues = Object.fromEntries(
    CONSUMERS.map((consumer) => {
      const queue = new Queue<DeliveryJob>(consumer, { connection, prefix });
      // A lost connection also fails the commands in flight; their callers handle it (the dispatcher
      // keeps the outbox and retries), so the event itself needs no handling beyond not crashing.
      queue.on('error', () => undefined);
      return [consumer, queue];
    }),
  ) as Record<Consumer, Queue<DeliveryJob>>;
  return {
    ...queues,
    async close() {
      // Closing a queue whose connection is still being set up rejects that setup unhandled; wait first.
      await Promise.all(CONSUMERS.map((consumer) => queues[consumer].waitUntilReady().catch(() => undefined)));
      await Promise.all(CONSUMERS.map((consumer) => queues[consumer].close()));
    },
  };
}

/** Adds delivery jobs in order; a job id that already exists in the queue is left as it is (BullMQ dedup). */
export async function enqueueDeliveries(
  queue: Queue<DeliveryJob>,
  deliveries: { seq: number; type: string; redelivery?: string; force?: boolean }[],
  options: JobsOptions = DELIVERY_OPTIONS,
): Promise<void> {
  if (deliveries.length === 0) return;
  await queue.addBulk(
    deliveries.map(({ seq, type, redelivery, force }) => {
      const data: DeliveryJob = { seq };
      if (redelivery !== undefined) data.redelivery = redelivery;
      if (force === true) data.force = true;
      return { name: type, data, opts: { ...options, jobId: deliveryJobId(seq, redelivery) } };
    }),
  );
}
