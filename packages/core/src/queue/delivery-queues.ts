// Producer handles on the consumers' BullMQ queues, opened on first use (core knows no consumer names).
import { Queue, type JobsOptions } from 'bullmq';
import { redisOptions } from './redis.js';
import { DELIVERY_OPTIONS, deliveryJobId, type DeliveryJob } from './consumers.js';
import type { ReadyDelivery } from './deliveries.js';

export interface DeliveryQueues {
  queue(consumer: string): Queue<DeliveryJob>;
  close(): Promise<void>;
}

export function openDeliveryQueues(redisUrl: string, prefix: string): DeliveryQueues {
  const connection = redisOptions(redisUrl, 'producer');
  const queues = new Map<string, Queue<DeliveryJob>>();
  return {
    queue(consumer) {
      let queue = queues.get(consumer);
      if (queue === undefined) {
        queue = new Queue<DeliveryJob>(consumer, { connection, prefix });
        // A lost connection also fails the commands in flight; their callers handle it (the relay keeps
        // the rows and retries), so the event itself needs no handling beyond not crashing.
        queue.on('error', () => undefined);
        queues.set(consumer, queue);
      }
      return queue;
    },
    async close() {
      // Closing a queue whose connection is still being set up rejects that setup unhandled; wait first.
      await Promise.all([...queues.values()].map((queue) => queue.waitUntilReady().catch(() => undefined)));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}

/** Adds the jobs of ready deliveries; a job id that already exists in the queue is left as it is (BullMQ dedup). */
export async function enqueueDeliveries(
  queue: Queue<DeliveryJob>,
  deliveries: Pick<ReadyDelivery, 'seq' | 'type' | 'enqueues' | 'redelivery' | 'forced'>[],
  options: JobsOptions = DELIVERY_OPTIONS,
): Promise<void> {
  if (deliveries.length === 0) return;
  await queue.addBulk(
    deliveries.map(({ seq, type, enqueues, redelivery, forced }) => {
      const data: DeliveryJob = { seq };
      if (redelivery !== null) data.redelivery = redelivery;
      if (forced) data.force = true;
      return { name: type, data, opts: { ...options, jobId: deliveryJobId(seq, redelivery, enqueues) } };
    }),
  );
}
