// Wires the ingest service for a process: HTTP door, group-committing appender and the outbox dispatcher.
import {
  appendEvents,
  createAppendBatcher,
  createRegistry,
  openDeliveryQueues,
  startDispatcher,
  type Config,
  type Db,
  type Logger,
  type Tokens,
} from '@onramp/core';
import { sql } from 'kysely';
import { buildIngestApp } from './ingest-app.js';

export interface RunningIngest {
  url: string;
  close(): Promise<void>;
}

export async function startIngest(
  config: Config,
  deps: { db: Db; logger: Logger; tokens: Tokens; queuePrefix: string },
): Promise<RunningIngest> {
  const logger = deps.logger.child({ service: 'ingest' });
  const queues = openDeliveryQueues(config.redisUrl, deps.queuePrefix);
  const dispatcher = startDispatcher(deps.db, queues, logger.child({ component: 'dispatcher' }));
  const batcher = createAppendBatcher((events) => appendEvents(deps.db, events));
  const app = buildIngestApp({
    db: deps.db,
    append: (events) => batcher.append(events),
    tokens: deps.tokens,
    maxBodyBytes: config.ingest.maxBodyBytes,
    logger,
    registry: createRegistry('ingest'),
    checks: {
      mysql: () => sql`SELECT 1`.execute(deps.db),
      redis: () => queues.ping(),
    },
    onAppended: () => dispatcher.wake(),
  });
  const url = await app.listen({ port: config.ingest.port, host: config.ingest.host });
  logger.info({ url }, 'ingest listening');
  return {
    url,
    async close() {
      // Stop taking requests first, then let the dispatcher finish its batch, then drop Redis.
      for (const step of [() => app.close(), () => dispatcher.close(), () => queues.close()]) {
        try {
          await step();
        } catch (error) {
          logger.warn({ err: error }, 'error while closing ingest');
        }
      }
    },
  };
}
