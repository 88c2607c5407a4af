// What every onramp index looks like: one index template (`<alias>-*`) that each new index — the first one and
// each rebuild — is created from, so a rebuilt index can never drift from the live one.
import type { API, Types } from '@opensearch-project/opensearch';
import { STORED_FIELD_MAPPINGS, TEXT_ANALYSIS } from '../stored-document.js';

export type KnnEngine = 'faiss' | 'lucene' | 'nmslib';
export type KnnSpaceType = 'cosinesimil' | 'innerproduct' | 'l2';

export interface KnnOptions {
  /** faiss (default): HNSW with efficient filtering; lucene: also filters efficiently; nmslib: deprecated, filters after the search. */
  engine: KnnEngine;
  /** cosinesimil needs OpenSearch 2.19+ with faiss; vectors are unit length, so innerproduct ranks the same on older clusters. */
  spaceType: KnnSpaceType;
  m: number;
  efConstruction: number;
  efSearch: number;
}

export const DEFAULT_KNN: KnnOptions = { engine: 'faiss', spaceType: 'cosinesimil', m: 16, efConstruction: 128, efSearch: 100 };

export interface IndexLayout {
  alias: string;
  shards: number;
  replicas: number;
  knn: KnnOptions;
}

export interface EmbedderIdentity {
  name: string;
  dimension: number;
}

export const VECTOR_FIELD = 'vector';

/**
 * Bumped when the mapping or the text analysis changes incompatibly; an index with another version needs a
 * rebuild (`onramp reindex`). 2: the text analyzer drops stop words and stems, as the embedded tokenizer does.
 */
export const MAPPING_VERSION = 2;

export function templateName(alias: string): string {
  return alias;
}

export function mappings(layout: IndexLayout, embedder: EmbedderIdentity): Types.Common_Mapping.TypeMapping {
  const { engine, spaceType, m, efConstruction } = layout.knn;
  return {
    _meta: { embedder: embedder.name, dimension: embedder.dimension, mapping_version: MAPPING_VERSION },
    // A typo in a document field must fail loudly, not silently create an unsearchable field.
    dynamic: 'strict',
    properties: {
      ...STORED_FIELD_MAPPINGS,
      [VECTOR_FIELD]: {
        type: 'knn_vector',
        dimension: embedder.dimension,
        method: { name: 'hnsw', engine, space_type: spaceType, parameters: { m, ef_construction: efConstruction } },
      },
    },
  };
}

export function settings(layout: IndexLayout): Types.Indices_Common.IndexSettings {
  return {
    index: {
      knn: true,
      'knn.algo_param.ef_search': layout.knn.efSearch,
      number_of_shards: layout.shards,
      number_of_replicas: layout.replicas,
    },
    analysis: TEXT_ANALYSIS,
  };
}

export function indexTemplate(layout: IndexLayout, embedder: EmbedderIdentity): API.Indices_PutIndexTemplate_RequestBody {
  return {
    index_patterns: [`${layout.alias}-*`],
    // Above the default templates, so ours decides the settings of our indices.
    priority: 100,
    _meta: { managed_by: 'onramp' },
    template: { settings: settings(layout), mappings: mappings(layout, embedder) },
  };
}
