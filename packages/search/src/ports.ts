// The search ports: what the indexer and search-api need from an embedding model and a search index.
// Each has a local default (in-process, offline) and real adapters (PAI-EAS, OpenSearch).

/** Turns texts into vectors of a fixed dimension. Deterministic for the same model and input. */
export interface Embedder {
  /** e.g. `local-lsa-256`, `pai-eas`, `opensearch-ml:<model id>`; stored with the index to detect a change. */
  readonly name: string;
  readonly dimension: number;
  /** One vector per text, in order. `purpose` lets asymmetric models treat queries and passages differently. */
  embed(texts: string[], purpose: 'query' | 'passage'): Promise<Float32Array[]>;
}

export type ItemKind = 'person' | 'document';

/** One searchable unit: a person's profile, or one chunk of a document. */
export interface IndexedItem {
  /** Unique in the index: `person:<scim id>` or `doc:<uri>#<chunk>`. Upserts are idempotent by id. */
  id: string;
  /** Groups the item belongs to as a whole: the person, or the document all of whose chunks go together. */
  sourceId: string;
  kind: ItemKind;
  title: string;
  text: string;
  department?: string;
  /** Groups allowed to read it; `null` means any authenticated employee (profiles). */
  acl: string[] | null;
  vector: Float32Array;
  /** Anything else to return with a hit (title, location, manager…). */
  fields?: Record<string, unknown>;
}

export interface SearchFilter {
  kind?: ItemKind;
  department?: string;
  /** The caller's groups; `'all'` only when caller authentication is disabled. */
  groups: string[] | 'all';
}

export type SearchMode = 'hybrid' | 'vector' | 'keyword';

export interface SearchRequest {
  query: string;
  /** The query's embedding; required for `vector` and `hybrid`. */
  vector?: Float32Array;
  k: number;
  mode: SearchMode;
  filter: SearchFilter;
}

export interface SearchHit {
  id: string;
  sourceId: string;
  score: number;
  kind: ItemKind;
  title: string;
  snippet: string;
  department?: string;
  fields?: Record<string, unknown>;
}

/**
 * A search index behind an alias. `write` goes to the live index unless a rebuild is in progress;
 * `beginRebuild` opens a fresh index, `finishRebuild` swaps the alias to it atomically (no failed query).
 */
export interface VectorStore {
  /** Creates the index if missing; fails clearly if it exists with another dimension or embedder. */
  open(embedder: { name: string; dimension: number }): Promise<void>;
  upsert(items: IndexedItem[], target?: RebuildTarget): Promise<void>;
  /** Removes every item of a person or document (a re-published document replaces its old chunks). */
  deleteBySource(sourceId: string, target?: RebuildTarget): Promise<void>;
  search(request: SearchRequest): Promise<SearchHit[]>;
  /**
   * Opens a fresh index for a rebuild. `embedder` is what the rebuild embeds with when that differs
   * from the one given to `open` (a newly trained local model); the new index takes its dimension.
   */
  beginRebuild(embedder?: { name: string; dimension: number }): Promise<RebuildTarget>;
  finishRebuild(target: RebuildTarget): Promise<void>;
  close(): Promise<void>;
}

export interface RebuildTarget {
  readonly indexName: string;
}
