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
  /**
   * A concrete index to search instead of the alias: the one whose model embedded `vector`, so that an alias
   * swap between embedding and searching cannot mix a model with another model's index (remote stores).
   */
  index?: string;
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
  /** Remote stores only: the alias and the models every host reads from the engine. */
  readonly shared?: SharedIndex;
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

/** What the alias points at: the concrete index and the embedder its metadata names. */
export interface LiveIndex {
  index: string;
  embedder: string | undefined;
  dimension: number | undefined;
}

/** A local model serialized for the engine: what every host loads by name (see embedders/local-model-codec.ts). */
export interface StoredModel {
  name: string;
  dimension: number;
  terms: string[];
  idf: number[];
  /** The basis (terms × dimension float32, little-endian), base64. */
  basis: string;
}

/** Local models kept in the engine (`<alias>-models`), one document per model name, written once. */
export interface ModelShelf {
  put(model: StoredModel): Promise<void>;
  /** undefined when no model of that name was stored. */
  get(name: string): Promise<StoredModel | undefined>;
}

/** What remote stores (OpenSearch, Elasticsearch) add, so that every host follows the live index's model. */
export interface SharedIndex {
  /** Reads the alias now: the live index, or undefined when there is none. */
  live(): Promise<LiveIndex | undefined>;
  readonly models: ModelShelf;
}

export interface RebuildTarget {
  readonly indexName: string;
}
