// The indexer as a consumer of the log: SCIM lifecycle events keep people's profiles, Document.Published
// events keep documents' chunks, in the search index. Writes are idempotent by id, so a redelivery or
// a replay is harmless.
import { LIFECYCLE, OUTCOME, outcomeEvent, personState, type ConsumerDefinition, type Db, type DocsRoots } from '@onramp/core';
import type { Embedder, VectorStore } from '@onramp/search';
import { applyEffect } from './apply-effect.js';
import { indexEffect } from './index-effect.js';

export interface IndexerDeps {
  store: VectorStore;
  embedder: Embedder;
  /** Where documents named by location may be read from (DOCS_ROOTS). */
  docsRoots: DocsRoots;
  /** The log, to read a person's state from all their events; without it each event stands alone. */
  db?: Db;
}

/** People's profiles and published documents. */
export const INDEXER_SUBSCRIBES = [
  LIFECYCLE.userCreated,
  LIFECYCLE.userUpdated,
  LIFECYCLE.userDeactivated,
  LIFECYCLE.userDeleted,
  LIFECYCLE.documentPublished,
] as const;

export function indexerConsumer(deps: IndexerDeps): ConsumerDefinition {
  return {
    consumer: 'indexer',
    // The index is a view of the log: a replay re-applies, it is never skipped as "already done".
    kind: 'projection',
    failureType: OUTCOME.indexFailed,
    // Embedding is CPU-bound in-process, but a document's delivery is mostly log round trips: many at once,
    // their reads and completions grouped (group commit), keep the CPU on embedding instead of waiting.
    // A group holds only the deliveries in flight, and each group transaction costs the same dozen
    // statements whatever its size: at 16, groups of about 6 spent more CPU on those statements than on
    // embedding. 64 is the largest group the worker writes. Each delivery holds its document in memory
    // meanwhile (an event's data is at most 6 MiB, a file read from a location at most 4 MiB).
    concurrency: 64,
    groupCommit: true,
    async handle(event) {
      const { db } = deps;
      const effect = await indexEffect(event, deps.docsRoots, db === undefined ? undefined : (subject) => personState(db, subject));
      if (effect === undefined) return [];
      await applyEffect(effect, deps.embedder, deps.store);
      return [outcomeEvent('indexer', effect.outcome.type, event, { ...effect.outcome.data, embedder: deps.embedder.name })];
    },
  };
}
