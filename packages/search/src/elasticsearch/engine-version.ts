// The Elasticsearch versions the store works with, checked at open() so that an old cluster is a clear
// error at start rather than a mapping or query error later.
import { PermanentError } from '@onramp/core';

export type HybridMode = 'client' | 'rrf';

/** int8_hnsw (quantized HNSW) arrived in 8.12; so did the kNN features the store relies on. */
export const MIN_VERSION = '8.12.0';
/** The RRF retriever is generally available from 8.16 (retrievers were a technical preview in 8.14–8.15). */
export const MIN_RRF_VERSION = '8.16.0';

function compare(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function checkVersion(version: string, indexType: string, hybrid: HybridMode): void {
  const major = Number.parseInt(version, 10);
  if (major !== 8) throw new PermanentError(`Elasticsearch ${version} is not supported: SEARCH_BACKEND=elasticsearch needs 8.x (8.12 or later)`, 'search_backend_version');
  if (compare(version, MIN_VERSION) < 0) {
    throw new PermanentError(`Elasticsearch ${version} is too old: onramp needs ${MIN_VERSION} or later (dense_vector ${indexType}, filtered kNN)`, 'search_backend_version');
  }
  if (hybrid === 'rrf' && compare(version, MIN_RRF_VERSION) < 0) {
    throw new PermanentError(`ELASTICSEARCH_HYBRID=rrf needs Elasticsearch ${MIN_RRF_VERSION} or later (the RRF retriever); this cluster is ${version}: use ELASTICSEARCH_HYBRID=client`, 'search_backend_version');
  }
}
