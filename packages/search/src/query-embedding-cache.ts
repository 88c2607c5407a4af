// Query vectors, remembered: the same query text asked again is not embedded again. Keyed by the
// embedder's name and the text, so a model swap (a reindex that trained a new local model, or another
// remote model) never answers with a vector of the old model; the entries of an embedder no longer in use
// are dropped when its name changes. Bounded by entries, least recently used first out.
import type { Embedder } from './ports.js';

/** 4,096 vectors: about 4 MiB at 256 dimensions, 12 MiB at 768. */
export const QUERY_CACHE_ENTRIES = 4096;

export interface QueryEmbeddingCache {
  /** The query's vector from the embedder in use now: remembered, or embedded and remembered. */
  embed(query: string): Promise<Float32Array>;
  readonly size: number;
}

export function createQueryEmbeddingCache(embedder: Embedder, maxEntries = QUERY_CACHE_ENTRIES): QueryEmbeddingCache {
  /** Insertion order is recency order: a hit is moved to the end, the first entry is the least recent. */
  const vectors = new Map<string, Float32Array>();
  let model = embedder.name;
  return {
    get size() {
      return vectors.size;
    },
    async embed(query) {
      const name = embedder.name;
      if (name !== model) {
        vectors.clear();
        model = name;
      }
      const key = `${name}\u0000${query}`;
      const hit = vectors.get(key);
      if (hit !== undefined) {
        vectors.delete(key);
        vectors.set(key, hit);
        return hit;
      }
      const vector = (await embedder.embed([query], 'query'))[0]!;
      // Kept only if the model did not change while it was embedding (the vector's model is unknown then).
      if (maxEntries > 0 && embedder.name === name && model === name) {
        vectors.set(key, vector);
        if (vectors.size > maxEntries) vectors.delete(vectors.keys().next().value!);
      }
      return vector;
    },
  };
}
