// Wires the indexer for a process: the search runtime (opened, with a clear stop on an index built by
// another embedder) and the consumer worker on the indexer queue.
import { createConsumerWorker, type Config, type Db, type Logger } from '@onramp/core';
import type { SearchRuntime } from '@onramp/search';
import { indexerConsumer } from './indexer-consumer.js';

export interface RunningIndexer {
  close(): Promise<void>;
}

export async function startIndexer(
  config: Config,
  deps: { db: Db; logger: Logger; queuePrefix: string; search: SearchRuntime },
): Promise<RunningIndexer> {
  const logger = deps.logger.child({ service: 'indexer' });
  const { embedder, store } = deps.search;
  await store.open({ name: embedder.name, dimension: embedder.dimension });
  const worker = createConsumerWorker(indexerConsumer({ store, embedder, docsRoots: config.docsRoots }), {
    db: deps.db,
    redisUrl: config.redisUrl,
    prefix: deps.queuePrefix,
    logger,
  });
  await worker.start();
  logger.info({ embedder: embedder.name, backend: config.search.backend }, 'indexer started');
  return { close: () => worker.close() };
}
