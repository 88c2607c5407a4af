// One physical index of the embedded store: the items, an HNSW graph over their vectors (hnswlib),
// and a BM25 index over their text. The store keeps one live generation and, during a rebuild, a second.
import { createRequire } from 'node:module';
import type * as Hnswlib from 'hnswlib-node';
import type { IndexedItem, SearchFilter } from '../ports.js';
import { isUnfiltered, readableBy, type ItemMeta } from './access.js';
import { createBm25Index, topK, type Bm25Index } from './bm25-index.js';
import { grown } from './typed-arrays.js';
import type { Scored } from './hybrid-fusion.js';

// hnswlib-node is a CommonJS native addon; its classes are properties of module.exports.
const hnswlib = createRequire(import.meta.url)('hnswlib-node') as typeof Hnswlib;

export interface HnswParameters {
  /** Graph degree; 16 is hnswlib's recommended default for 100–1000 dimensions. */
  m: number;
  efConstruction: number;
  /** Candidate list size at query time (at least k). */
  efSearch: number;
  /** A filtered query that can read fewer items than this is answered by an exact scan of them. */
  exactBelow: number;
}

/** A filtered query walks the graph unfiltered while that takes at most this many times ef candidates. */
const WIDE_WALK_AT_MOST = 3;

export const DEFAULT_HNSW: HnswParameters = { m: 16, efConstruction: 100, efSearch: 96, exactBelow: 2000 };

export interface GenerationMeta {
  name: string;
  embedder: string;
  dimension: number;
  createdAt: number;
  /** When the rebuild that made this generation began reading the log (absent for a first index). */
  rebuildStartedAt?: number;
}

export interface StoredItem {
  label: number;
  meta: ItemMeta;
  vector: Float32Array;
}

export interface Generation {
  readonly meta: GenerationMeta;
  readonly items: Map<string, StoredItem>;
  readonly byLabel: Map<number, StoredItem>;
  readonly hnsw: Hnswlib.HierarchicalNSW;
  upsert(items: IndexedItem[]): void;
  deleteBySource(sourceId: string): void;
  vectorSearch(vector: Float32Array, k: number, filter: SearchFilter): Scored[];
  exactSearch(vector: Float32Array, k: number, candidates: Iterable<StoredItem>): Scored[];
  keywordSearch(query: string, k: number, filter: SearchFilter): Scored[];
  /** The stable tie-break between two labels: by item id. */
  byId(a: number, b: number): number;
}

export function searchableText(item: Pick<IndexedItem, 'title' | 'text'>): string {
  return `${item.title}\n${item.text}`;
}

function isZero(vector: Float32Array): boolean {
  return vector.every((x) => x === 0);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** A generation; `loaded` restores one from disk (its HNSW graph, or rebuilt from the vectors). */
export function createGeneration(
  meta: GenerationMeta,
  params: HnswParameters = DEFAULT_HNSW,
  loaded?: { items: StoredItem[]; hnsw?: Hnswlib.HierarchicalNSW },
): Generation {
  const items = new Map<string, StoredItem>();
  const byLabel = new Map<number, StoredItem>();
  const bySource = new Map<string, Set<string>>();
  const bm25: Bm25Index = createBm25Index();
  const freeLabels: number[] = [];
  let nextLabel = 0;
  let hnsw = loaded?.hnsw;
  if (hnsw === undefined) {
    hnsw = new hnswlib.HierarchicalNSW('ip', meta.dimension);
    hnsw.initIndex({ maxElements: Math.max(1024, (loaded?.items.length ?? 0) * 2), m: params.m, efConstruction: params.efConstruction, randomSeed: 100 });
  }
  const graph = hnsw;

  // Group → labels readable by it, and the labels any caller may read: a filter's readable items are
  // found without scanning the whole index.
  const byGroup = new Map<string, Set<number>>();
  const open = new Set<number>();
  /**
   * For the filters queried lately, the labels each may read, kept current on every write: a query's
   * access check (in the HNSW walk and in BM25) is then one array read per item instead of an ACL test.
   */
  const readableSets = new Map<string, ReadableSet>();

  function readableLabels(filter: SearchFilter): Uint8Array {
    const key = JSON.stringify([filter.groups === 'all' ? 'all' : [...filter.groups].sort(), filter.kind, filter.department?.toLowerCase()]);
    let set = readableSets.get(key);
    if (set === undefined) {
      set = createReadableSet(readableBy(filter), nextLabel);
      for (const stored of readableItems(filter)) set.mark(stored);
      if (readableSets.size >= READABLE_SETS_KEPT) readableSets.delete(readableSets.keys().next().value!);
    } else readableSets.delete(key);
    // Most recently used last: the first is the one to drop.
    readableSets.set(key, set);
    return set.bits;
  }

  function remember(stored: StoredItem): void {
    items.set(stored.meta.id, stored);
    byLabel.set(stored.label, stored);
    let ids = bySource.get(stored.meta.sourceId);
    if (ids === undefined) bySource.set(stored.meta.sourceId, (ids = new Set()));
    ids.add(stored.meta.id);
    if (stored.meta.acl === null) open.add(stored.label);
    for (const group of stored.meta.acl ?? []) {
      let labels = byGroup.get(group);
      if (labels === undefined) byGroup.set(group, (labels = new Set()));
      labels.add(stored.label);
    }
    bm25.add(stored.label, { title: stored.meta.title, text: stored.meta.text });
    for (const set of readableSets.values()) set.mark(stored);
  }

  function unremember(stored: StoredItem): void {
    items.delete(stored.meta.id);
    byLabel.delete(stored.label);
    bySource.get(stored.meta.sourceId)?.delete(stored.meta.id);
    if (bySource.get(stored.meta.sourceId)?.size === 0) bySource.delete(stored.meta.sourceId);
    open.delete(stored.label);
    for (const group of stored.meta.acl ?? []) {
      byGroup.get(group)?.delete(stored.label);
      if (byGroup.get(group)?.size === 0) byGroup.delete(group);
    }
    bm25.remove(stored.label);
    for (const set of readableSets.values()) set.unmark(stored.label);
  }

  function forget(id: string): void {
    const stored = items.get(id);
    if (stored === undefined) return;
    unremember(stored);
    graph.markDelete(stored.label);
    freeLabels.push(stored.label);
  }

  /** At most how many items the filter's groups can read (groups may overlap, so an upper bound). */
  function readableAtMost(filter: SearchFilter): number {
    if (filter.groups === 'all') return items.size;
    return filter.groups.reduce((sum, group) => sum + (byGroup.get(group)?.size ?? 0), open.size);
  }

  /** The items the filter accepts, found through the group index when groups are given. */
  function readableItems(filter: SearchFilter): StoredItem[] {
    const readable = readableBy(filter);
    if (filter.groups === 'all') return [...items.values()].filter((stored) => readable(stored.meta));
    const labels = new Set(open);
    for (const group of filter.groups) for (const label of byGroup.get(group) ?? []) labels.add(label);
    return [...labels].map((label) => byLabel.get(label)!).filter((stored) => readable(stored.meta));
  }

  if (loaded !== undefined) {
    const inGraph = new Set(loaded.hnsw?.getIdsList() ?? []);
    for (const stored of loaded.items) {
      if (loaded.hnsw === undefined) graph.addPoint(Array.from(stored.vector), stored.label);
      inGraph.delete(stored.label);
      nextLabel = Math.max(nextLabel, stored.label + 1);
      remember(stored);
    }
    // Labels the graph still holds for deleted items are reused, as they are at run time.
    for (const label of inGraph) {
      freeLabels.push(label);
      nextLabel = Math.max(nextLabel, label + 1);
    }
  }

  function add(item: IndexedItem): void {
    if (item.vector.length !== meta.dimension) {
      throw new RangeError(`item ${item.id} has a ${item.vector.length}-dimensional vector; the index holds ${meta.dimension}`);
    }
    const existing = items.get(item.id);
    if (existing !== undefined && existing.meta.sourceId === item.sourceId) {
      unremember(existing);
      graph.addPoint(Array.from(item.vector), existing.label);
      remember({ label: existing.label, meta: withoutVector(item), vector: item.vector });
      return;
    }
    forget(item.id);
    // A freed label is marked deleted in the graph; addPoint on it un-deletes and updates it in place.
    const reused = freeLabels.pop();
    // A graph loaded from disk holds exactly its elements (an empty one, none): grow it before it is full.
    if (reused === undefined && graph.getCurrentCount() >= graph.getMaxElements()) graph.resizeIndex(Math.max(1024, graph.getMaxElements() * 2));
    const label = reused ?? nextLabel++;
    graph.addPoint(Array.from(item.vector), label);
    remember({ label, meta: withoutVector(item), vector: item.vector });
  }

  /** Equal scores are ordered by item id: the same items give the same ranking, whatever order they came in. */
  function byId(a: number, b: number): number {
    const x = byLabel.get(a)?.meta.id ?? '';
    const y = byLabel.get(b)?.meta.id ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  }

  function exactSearch(vector: Float32Array, k: number, candidates: Iterable<StoredItem>): Scored[] {
    const hits: Scored[] = [];
    for (const stored of candidates) hits.push({ label: stored.label, score: dot(vector, stored.vector) });
    return topK(hits, k, byId);
  }

  return {
    meta,
    items,
    byLabel,
    hnsw: graph,
    upsert(batch) {
      for (const item of batch) add(item);
    },
    deleteBySource(sourceId) {
      for (const id of [...(bySource.get(sourceId) ?? [])]) forget(id);
    },
    exactSearch,
    vectorSearch(vector, k, filter) {
      if (items.size === 0 || isZero(vector)) return [];
      const query = Array.from(vector);
      const toHits = (result: Hnswlib.SearchResult): Scored[] =>
        topK(result.neighbors.map((label, i) => ({ label, score: 1 - result.distances[i]! })), result.neighbors.length, byId);
      if (isUnfiltered(filter)) {
        graph.setEf(Math.max(params.efSearch, k));
        return toHits(graph.searchKnn(query, Math.min(k, items.size)));
      }
      if (readableAtMost(filter) < params.exactBelow) {
        const candidates = readableItems(filter);
        return exactSearch(vector, Math.min(k, candidates.length), candidates);
      }
      const readable = readableLabels(filter);
      const isReadable = (label: number) => readable[label] === 1;
      // A filter that lets a fair share through: ask the graph for enough unfiltered neighbours that k
      // readable ones are expected among them, and drop the rest. No per-node callback into JavaScript,
      // which is what makes hnswlib's own filtering slow; but past a few times the usual ef, the wider
      // walk costs more than the callbacks (measured at 100,000 × 768: ef 667 took twice as long).
      const ef = Math.max(params.efSearch, k);
      const wide = Math.min(items.size, Math.ceil((2 * k) / (readableAtMost(filter) / items.size)));
      if (wide <= WIDE_WALK_AT_MOST * ef) {
        graph.setEf(Math.max(ef, wide));
        const kept = toHits(graph.searchKnn(query, wide)).filter((hit) => isReadable(hit.label));
        if (kept.length >= k) return kept.slice(0, k);
      }
      // Otherwise hnswlib's filtered walk: it routes through unreadable nodes and keeps going until it holds
      // ef readable candidates. Should even that come back short, the exact scan of the readable items answers.
      graph.setEf(ef);
      const hits = toHits(graph.searchKnn(query, Math.min(k, items.size), isReadable));
      if (hits.length >= k) return hits;
      const candidates = readableItems(filter);
      return hits.length >= candidates.length ? hits : exactSearch(vector, Math.min(k, candidates.length), candidates);
    },
    keywordSearch(query, k, filter) {
      if (isUnfiltered(filter)) return bm25.search(query, k, () => true, byId);
      const readable = readableLabels(filter);
      return bm25.search(query, k, (label) => readable[label] === 1, byId);
    },
    byId,
  };
}

/** How many filters' readable sets a generation keeps (each a byte per label). */
const READABLE_SETS_KEPT = 16;

interface ReadableSet {
  /** 1 where the label's item is readable. */
  readonly bits: Uint8Array;
  mark(stored: StoredItem): void;
  unmark(label: number): void;
}

function createReadableSet(readable: (meta: ItemMeta) => boolean, labels: number): ReadableSet {
  let bits = new Uint8Array(Math.max(1024, labels));
  return {
    get bits() {
      return bits;
    },
    mark(stored) {
      bits = grown(bits, stored.label + 1, (n) => new Uint8Array(n));
      bits[stored.label] = readable(stored.meta) ? 1 : 0;
    },
    unmark(label) {
      if (label < bits.length) bits[label] = 0;
    },
  };
}

function withoutVector(item: IndexedItem): ItemMeta {
  const { vector: _vector, ...meta } = item;
  return meta;
}
