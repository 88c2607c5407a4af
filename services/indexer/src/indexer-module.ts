// The indexer as a consumer module: a projection of people and documents into the search index.
import { OUTCOME, type ConsumerModule } from '@onramp/core';
import { INDEXER_SUBSCRIBES } from './indexer-consumer.js';
import { startIndexer, type IndexerOptions } from './start-indexer.js';

export const indexerModule: ConsumerModule<IndexerOptions> = {
  name: 'indexer',
  kind: 'projection',
  subscribes: INDEXER_SUBSCRIBES,
  emits: [OUTCOME.profileIndexed, OUTCOME.profileRemoved, OUTCOME.documentIndexed, OUTCOME.indexFailed, OUTCOME.deadLettered],
  variables: ['SEARCH_BACKEND', 'OPENSEARCH_URL', 'EMBEDDING_PROVIDER', 'DOCS_ROOTS'],
  describe: (config) => `indexer into the ${config.search.backend} search backend`,
  start: startIndexer,
};
