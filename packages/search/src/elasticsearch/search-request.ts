// SearchRequest → Elasticsearch search requests. Access control is a filter on every clause, inside the kNN
// search itself (a pre-filter: the k nearest neighbours are found among the documents the caller may read),
// so a filter never leaves a caller with fewer than k hits while k readable documents match.
import type { estypes } from '@elastic/elasticsearch';
import type { ItemKind, SearchFilter, SearchHit, SearchRequest } from '../ports.js';
import { toUnitList } from '../opensearch/vectors.js';
import { VECTOR_FIELD } from './index-template.js';

type Query = estypes.QueryDslQueryContainer;

/** Fields scored by BM25, the title counting double. */
export const KEYWORD_FIELDS = ['title^2', 'text'];
/** How many hits each half of a hybrid query contributes before they are fused: as the embedded store does. */
export const HYBRID_WINDOW = 50;
/** RRF's k: the usual 60 (Cormack, Clarke & Büttcher 2009), Elasticsearch's default too. */
export const RRF_RANK_CONSTANT = 60;
const SNIPPET_CHARS = 240;

export interface StoredDocument {
  sourceId: string;
  kind: ItemKind;
  title: string;
  text: string;
  department?: string;
  fields?: Record<string, unknown>;
}

export function accessFilters(filter: SearchFilter): Query[] {
  const clauses: Query[] = [];
  if (filter.groups !== 'all') {
    // Profiles (acl null) are indexed with public: true — readable by any authenticated employee.
    const readable: Query[] = [{ term: { public: true } }];
    if (filter.groups.length > 0) readable.push({ terms: { acl: filter.groups } });
    clauses.push({ bool: { should: readable, minimum_should_match: 1 } });
  }
  if (filter.kind !== undefined) clauses.push({ term: { kind: filter.kind } });
  if (filter.department !== undefined) clauses.push({ term: { department: filter.department } });
  return clauses;
}

function bm25(query: string, filters: Query[]): Query {
  return { bool: { must: [{ multi_match: { query, fields: KEYWORD_FIELDS } }], filter: filters } };
}

function knn(vector: Float32Array, k: number, numCandidates: number, filters: Query[]): estypes.KnnSearch {
  return { field: VECTOR_FIELD, query_vector: toUnitList(vector), k, num_candidates: Math.max(numCandidates, k), filter: filters };
}

const base = (index: string, size: number): estypes.SearchRequest => ({ index, size, _source: { excludes: [VECTOR_FIELD] } });

function queryVector(request: SearchRequest): Float32Array {
  if (request.vector === undefined) throw new TypeError(`a ${request.mode} search needs the query vector`);
  return request.vector;
}

export function keywordRequest(index: string, request: SearchRequest, size = request.k): estypes.SearchRequest {
  return { ...base(index, size), query: bm25(request.query, accessFilters(request.filter)) };
}

export function vectorRequest(index: string, request: SearchRequest, numCandidates: number, k = request.k): estypes.SearchRequest {
  return { ...base(index, k), knn: knn(queryVector(request), k, numCandidates, accessFilters(request.filter)) };
}

/** Hybrid through the engine's RRF retriever (GA in 8.16; Elastic licenses it at the Enterprise tier). */
export function rrfRequest(index: string, request: SearchRequest, numCandidates: number): estypes.SearchRequest {
  const filters = accessFilters(request.filter);
  const window = Math.max(request.k, HYBRID_WINDOW);
  const query_vector = toUnitList(queryVector(request));
  const num_candidates = Math.max(numCandidates, window);
  return {
    ...base(index, request.k),
    retriever: {
      rrf: {
        retrievers: [{ standard: { query: bm25(request.query, filters) } }, { knn: { field: VECTOR_FIELD, query_vector, k: window, num_candidates, filter: filters } }],
        rank_window_size: window,
        rank_constant: RRF_RANK_CONSTANT,
      },
    },
  };
}

export function toSearchHits(response: estypes.SearchResponse<StoredDocument>): SearchHit[] {
  return response.hits.hits.flatMap((hit) => {
    const doc = hit._source;
    if (doc === undefined || hit._id === undefined) return [];
    return [
      {
        id: hit._id,
        sourceId: doc.sourceId,
        score: typeof hit._score === 'number' ? hit._score : 0,
        kind: doc.kind,
        title: doc.title,
        snippet: doc.text.length > SNIPPET_CHARS ? `${doc.text.slice(0, SNIPPET_CHARS - 1)}…` : doc.text,
        ...(doc.department === undefined ? {} : { department: doc.department }),
        ...(doc.fields === undefined ? {} : { fields: doc.fields }),
      },
    ];
  });
}
