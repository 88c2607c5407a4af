// SearchRequest → Elasticsearch search requests. Access control is a filter on every clause, inside the kNN
// search itself (a pre-filter: the k nearest neighbours are found among the documents the caller may read),
// so a filter never leaves a caller with fewer than k hits while k readable documents match.
import type { estypes } from '@elastic/elasticsearch';
import type { SearchHit, SearchRequest } from '../ports.js';
import { toUnitList } from '../opensearch/vectors.js';
import { VECTOR_FIELD, accessFilters as neutralFilters, toSearchHit, type StoredDocument } from '../stored-document.js';

type Query = estypes.QueryDslQueryContainer;

/** Fields scored by BM25, the title counting double. */
export const KEYWORD_FIELDS = ['title^2', 'text'];
/** How many hits each half of a hybrid query contributes before they are fused: as the embedded store does. */
export const HYBRID_WINDOW = 50;
/** RRF's k: the usual 60 (Cormack, Clarke & Büttcher 2009), Elasticsearch's default too. */
export const RRF_RANK_CONSTANT = 60;

/** The access, kind and department filters in Elasticsearch's types (the JSON is engine-neutral). */
const accessFilters = (request: SearchRequest): Query[] => neutralFilters(request.filter);

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
  return { ...base(index, size), query: bm25(request.query, accessFilters(request)) };
}

export function vectorRequest(index: string, request: SearchRequest, numCandidates: number, k = request.k): estypes.SearchRequest {
  return { ...base(index, k), knn: knn(queryVector(request), k, numCandidates, accessFilters(request)) };
}

/** Hybrid through the engine's RRF retriever (GA in 8.16; Elastic licenses it at the Enterprise tier). */
export function rrfRequest(index: string, request: SearchRequest, numCandidates: number): estypes.SearchRequest {
  const filters = accessFilters(request);
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
  return response.hits.hits.flatMap((hit) => toSearchHit(hit._id, hit._score, hit._source) ?? []);
}
