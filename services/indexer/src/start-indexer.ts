// Wires the indexer for a process: the search runtime (opened, with a clear stop on an index built by
// another embedder) and the consumer worker on the indexer queue.
import { runConsumer, type Config, type ServiceWorkerOptions } from '@onramp/core';
import { createSearch, type SearchRuntime } from '@onramp/search';
import { INDEXER_SUBSCRIBES, indexerConsumer } from './indexer-consumer.js';

export interface IndexerOptions extends ServiceWorkerOptions {
  /** The process's shared search runtime (search-api in the same process); without it the indexer opens its own. */
  acquireSearch?: () => Promise<{ search: SearchRuntime; release(): Promise<void> }>;
}

export interface RunningIndexer {
  close(): Promise<void>;
}

export async function startIndexer(config: Config, options: IndexerOptions): Promise<RunningIndexer> {
  const logger = options.logger.child({ service: 'indexer' });
  const acquired = options.acquireSearch === undefined ? undefined : await options.acquireSearch();
  const search = acquired?.search ?? (await createSearch(config, logger));
  const release = acquired?.release ?? (() => search.close());
  try {
    const { embedder, store } = search;
    await store.open({ name: embedder.name, dimension: embedder.dimension });
    const worker = await runConsumer(indexerConsumer({ store, embedder, docsRoots: config.docsRoots, db: options.db }), INDEXER_SUBSCRIBES, config.redisUrl, options, logger);
    logger.info({ embedder: embedder.name, backend: config.search.backend }, 'indexer started');
    return {
      async close() {
        await worker.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
