// SearchRequest → OpenSearch search request. Access control is a filter on every clause, inside the k-NN
// clause itself where the engine supports it ("efficient filtering"): the k nearest neighbours are found
// among the documents the caller may read, so a filter never leaves the caller with fewer than k hits.
import type { API, Types } from '@opensearch-project/opensearch';
import type { SearchFilter, SearchHit, SearchRequest } from '../ports.js';
import { VECTOR_FIELD, type KnnEngine } from './index-template.js';
import { toUnitList } from './vectors.js';
import { accessFilters, toSearchHit, type StoredDocument } from '../stored-document.js';

type Query = Types.Common_QueryDsl.QueryContainer;

export interface QueryOptions {
  index: string;
  engine: KnnEngine;
  hybridPipeline: string;
}

/** Fields scored by BM25, the title counting double. */
export const KEYWORD_FIELDS = ['title^2', 'text'];
/** How many neighbours the vector half of a hybrid query contributes before scores are combined. */
export const HYBRID_CANDIDATES = 20;
/** nmslib cannot filter inside the graph search: fetch more neighbours so the filter leaves enough. */
const NMSLIB_OVERFETCH = 5;

export function filterClauses(filter: SearchFilter): Query[] {
  return accessFilters(filter);
}

function keywordQuery(query: string, filters: Query[]): Query {
  return { bool: { must: [{ multi_match: { query, fields: KEYWORD_FIELDS } }], filter: filters } };
}

function vectorQuery(vector: Float32Array, k: number, filters: Query[], engine: KnnEngine): Query {
  const values = toUnitList(vector);
  if (engine === 'nmslib') {
    return { bool: { must: [{ knn: { [VECTOR_FIELD]: { vector: values, k: k * NMSLIB_OVERFETCH } } }], filter: filters } };
  }
  const filter = filters.length === 0 ? {} : { filter: { bool: { filter: filters } } };
  return { knn: { [VECTOR_FIELD]: { vector: values, k, ...filter } } };
}

export function searchRequest(request: SearchRequest, options: QueryOptions): API.Search_Request {
  const filters = filterClauses(request.filter);
  const needsVector = request.mode !== 'keyword';
  if (needsVector && request.vector === undefined) throw new TypeError(`a ${request.mode} search needs the query vector`);
  const body: API.Search_RequestBody = { size: request.k, _source: { excludes: [VECTOR_FIELD] } };
  if (request.mode === 'keyword') {
    body.query = keywordQuery(request.query, filters);
    return { index: options.index, body };
  }
  if (request.mode === 'vector') {
    body.query = vectorQuery(request.vector!, request.k, filters, options.engine);
    return { index: options.index, body };
  }
  const candidates = Math.max(request.k, HYBRID_CANDIDATES);
  // Query order fixes the order of the pipeline's weights: [keyword, vector].
  body.query = { hybrid: { queries: [keywordQuery(request.query, filters), vectorQuery(request.vector!, candidates, filters, options.engine)] } };
  return { index: options.index, body, search_pipeline: options.hybridPipeline };
}

export function toSearchHits(response: API.Search_ResponseBody): SearchHit[] {
  return response.hits.hits.flatMap((hit) => toSearchHit(hit._id, hit._score, hit._source as StoredDocument | undefined) ?? []);
}

export function hybridPipeline(weights: { keyword: number; vector: number }): API.SearchPipeline_Put_Request['body'] {
  return {
    description: 'onramp hybrid search: BM25 and k-NN scores, each min-max normalized, then a weighted mean',
    phase_results_processors: [
      {
        'normalization-processor': {
          normalization: { technique: 'min_max' },
          combination: { technique: 'arithmetic_mean', parameters: { weights: [weights.keyword, weights.vector] } },
        },
      },
    ],
  };
}
