// Bull Board over the consumers' BullMQ queues, read-only, at /console/queues (behind the console's session).
// Loaded when ingest starts its console, not when any command imports ingest: it is a large module tree.
import type { FastifyInstance } from 'fastify';
import type { DeliveryQueues } from '@onramp/core';

export const QUEUE_BOARD_PATH = '/console/queues';

export async function registerQueueBoard(app: FastifyInstance, queues: DeliveryQueues, consumers: string[]): Promise<void> {
  const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/fastify'),
  ]);
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: consumers.map((consumer) => new BullMQAdapter(queues.queue(consumer), { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'onramp queues' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
}
