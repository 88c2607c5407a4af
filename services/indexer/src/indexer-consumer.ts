// The indexer as a consumer of the log: SCIM lifecycle events keep people's profiles, Document.Published
// events keep documents' chunks, in the search index. Writes are idempotent by id, so a redelivery or
// a replay is harmless.
import { OUTCOME, outcomeEvent, type ConsumerDefinition, type DocsRoots } from '@onramp/core';
import type { Embedder, VectorStore } from '@onramp/search';
import { applyEffect } from './apply-effect.js';
import { indexEffect } from './index-effect.js';

export interface IndexerDeps {
  store: VectorStore;
  embedder: Embedder;
  /** Where documents named by location may be read from (DOCS_ROOTS). */
  docsRoots: DocsRoots;
}

export function indexerConsumer(deps: IndexerDeps): ConsumerDefinition {
  return {
    consumer: 'indexer',
    failureType: OUTCOME.indexFailed,
    // Embedding is CPU-bound in-process; more concurrency would only interleave it.
    concurrency: 2,
    async handle(event) {
      const effect = await indexEffect(event, deps.docsRoots);
      if (effect === undefined) return [];
      await applyEffect(effect, deps.embedder, deps.store);
      return [outcomeEvent('indexer', effect.outcome.type, event, { ...effect.outcome.data, embedder: deps.embedder.name })];
    },
  };
}
