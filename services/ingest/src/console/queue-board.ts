// Bull Board over the consumers' BullMQ queues, read-only, at /console/queues (behind the console's session).
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { DeliveryQueues } from '@onramp/core';

export const QUEUE_BOARD_PATH = '/console/queues';

export async function registerQueueBoard(app: FastifyInstance, queues: DeliveryQueues, consumers: string[]): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: consumers.map((consumer) => new BullMQAdapter(queues.queue(consumer), { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'onramp queues' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
}
