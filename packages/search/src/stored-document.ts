// What a server-side search index stores for an IndexedItem and gives back as a SearchHit, and the access
// filter every query carries, as engine-neutral JSON: the Elasticsearch and OpenSearch query languages
// agree on these (`term`, `terms`, `bool`), so one definition can serve both adapters.
import { PermanentError } from '@onramp/core';
import type { IndexedItem, ItemKind, SearchFilter, SearchHit } from './ports.js';
import { toUnitList } from './opensearch/vectors.js';
import { STOP_WORDS } from './tokenize.js';

export const VECTOR_FIELD = 'vector';
/** The analyzer both engines' index settings define for title and text (CJK-aware). */
export const TEXT_ANALYZER = 'onramp_text';

/**
 * The stop words of the embedded tokenizer, so that BM25 in the engine drops what the embedded BM25 drops (the
 * engine's own `_english_` list has 33 of them). One-character words are here too: tokenize.ts skips them,
 * and a `length` filter would also drop a lone CJK character, which it keeps.
 */
export const INDEX_STOP_WORDS = [...STOP_WORDS, ...'bcdefghjklmnopqrstuvwxyz0123456789'];

/**
 * The index analysis both engines define, as close to tokenize.ts as built-in filters get: names and documents
 * mix Latin and CJK text, so bigrams for CJK; the rest lower-cased, stop words dropped, Porter-stemmed (Lucene's
 * PorterStemFilter, the algorithm of the embedded tokenizer's `stemmer`). Stop words go before the stemmer, as
 * in tokenize.ts, which matches them unstemmed. Changing it changes what indexed terms are: bump MAPPING_VERSION.
 */
export const TEXT_ANALYSIS = {
  // tokenize.ts splits on whatever is not a letter or a digit; the standard tokenizer alone would keep
  // `1.5`, `e.g` and `wing's` whole.
  char_filter: { onramp_words: { type: 'pattern_replace' as const, pattern: '[^\\p{L}\\p{N}]+', replacement: ' ' } },
  filter: { onramp_stop: { type: 'stop' as const, stopwords: INDEX_STOP_WORDS } },
  analyzer: {
    [TEXT_ANALYZER]: {
      type: 'custom' as const,
      char_filter: ['onramp_words'],
      tokenizer: 'standard',
      filter: ['cjk_width', 'lowercase', 'cjk_bigram', 'onramp_stop', 'porter_stem'],
    },
  },
};

/** The mapping of a StoredDocument's fields, the same in both engines; the vector field is each engine's own. */
export const STORED_FIELD_MAPPINGS = {
  sourceId: { type: 'keyword' },
  kind: { type: 'keyword' },
  department: { type: 'keyword' },
  acl: { type: 'keyword' },
  public: { type: 'boolean' },
  title: { type: 'text', analyzer: TEXT_ANALYZER, fields: { raw: { type: 'keyword', ignore_above: 256 } } },
  text: { type: 'text', analyzer: TEXT_ANALYZER },
  // Returned with hits, never searched: not indexed, so arbitrary keys cannot grow the mapping.
  fields: { type: 'object', enabled: false },
} as const;
const SNIPPET_CHARS = 240;

export interface StoredDocument {
  sourceId: string;
  kind: ItemKind;
  title: string;
  text: string;
  department?: string;
  fields?: Record<string, unknown>;
}

/** The document indexed for an item; its vector at unit length, so dot product ranks as cosine does. */
export function toStoredDocument(item: IndexedItem, dimension: number): StoredDocument & Record<string, unknown> {
  if (item.vector.length !== dimension) {
    throw new PermanentError(`item ${item.id} has a ${item.vector.length}-dimensional vector; the index takes ${dimension}`, 'search_vector_dimension');
  }
  return {
    sourceId: item.sourceId,
    kind: item.kind,
    title: item.title,
    text: item.text,
    ...(item.department === undefined ? {} : { department: item.department }),
    acl: item.acl ?? [],
    // Profiles (acl null) are public: readable by any authenticated employee.
    public: item.acl === null,
    ...(item.fields === undefined ? {} : { fields: item.fields }),
    [VECTOR_FIELD]: toUnitList(item.vector),
  };
}

/** A stored document found with a score, as search-api returns it; undefined for a hit without its source. */
export function toSearchHit(id: string | undefined | null, score: unknown, doc: StoredDocument | undefined): SearchHit | undefined {
  if (doc === undefined || id == null) return undefined;
  return {
    id,
    sourceId: doc.sourceId,
    score: typeof score === 'number' ? score : 0,
    kind: doc.kind,
    title: doc.title,
    snippet: doc.text.length > SNIPPET_CHARS ? `${doc.text.slice(0, SNIPPET_CHARS - 1)}…` : doc.text,
    ...(doc.department === undefined ? {} : { department: doc.department }),
    ...(doc.fields === undefined ? {} : { fields: doc.fields }),
  };
}

export type FilterClause = { term: Record<string, string | boolean> } | { terms: Record<string, string[]> } | { bool: { should: FilterClause[]; minimum_should_match: number } };

/** The filters of a query: what the caller's groups may read (acl ∩ groups, or public), then kind and department. */
export function accessFilters(filter: SearchFilter): FilterClause[] {
  const clauses: FilterClause[] = [];
  if (filter.groups !== 'all') {
    const readable: FilterClause[] = [{ term: { public: true } }];
    if (filter.groups.length > 0) readable.push({ terms: { acl: filter.groups } });
    clauses.push({ bool: { should: readable, minimum_should_match: 1 } });
  }
  if (filter.kind !== undefined) clauses.push({ term: { kind: filter.kind } });
  if (filter.department !== undefined) clauses.push({ term: { department: filter.department } });
  return clauses;
}
