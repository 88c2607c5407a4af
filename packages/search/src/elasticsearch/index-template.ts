// What every onramp Elasticsearch index looks like: one composable index template (`<alias>-*`) that the
// first index and each rebuilt one are created from, so a rebuilt index cannot drift from the live one.
import type { estypes } from '@elastic/elasticsearch';
import { STORED_FIELD_MAPPINGS, TEXT_ANALYSIS, VECTOR_FIELD } from '../stored-document.js';

export interface DenseVectorOptions {
  /** `int8_hnsw`: HNSW over int8-quantized vectors (8.12+; about 4× less memory), `hnsw`: float vectors. */
  indexType: 'int8_hnsw' | 'hnsw';
  m: number;
  efConstruction: number;
  /** Candidates each shard considers for a kNN search (≥ k). */
  numCandidates: number;
}

export const DEFAULT_DENSE_VECTOR: DenseVectorOptions = { indexType: 'int8_hnsw', m: 16, efConstruction: 100, numCandidates: 100 };

export interface ElasticsearchLayout {
  alias: string;
  shards: number;
  replicas: number;
  vector: DenseVectorOptions;
}

export interface EmbedderIdentity {
  name: string;
  dimension: number;
}

/**
 * Bumped when the mapping or the text analysis changes incompatibly; an index with another version needs a
 * rebuild (`onramp reindex`). 2: the text analyzer drops stop words and stems, as the embedded tokenizer does.
 */
export const MAPPING_VERSION = 2;
/** dense_vector accepts at most 4096 dimensions (8.11+). */
export const MAX_DIMENSION = 4096;

export function mappings(layout: ElasticsearchLayout, embedder: EmbedderIdentity): estypes.MappingTypeMapping {
  const { indexType, m, efConstruction } = layout.vector;
  return {
    _meta: { embedder: embedder.name, dimension: embedder.dimension, mapping_version: MAPPING_VERSION },
    // A typo in a document field must fail loudly, not silently create an unsearchable field.
    dynamic: 'strict',
    properties: {
      ...STORED_FIELD_MAPPINGS,
      // Vectors are stored at unit length, so dot_product ranks as cosine does without normalizing per query.
      [VECTOR_FIELD]: {
        type: 'dense_vector',
        dims: embedder.dimension,
        index: true,
        similarity: 'dot_product',
        index_options: { type: indexType, m, ef_construction: efConstruction },
      },
    },
  };
}

export function settings(layout: ElasticsearchLayout): estypes.IndicesIndexSettings {
  return {
    number_of_shards: layout.shards,
    number_of_replicas: layout.replicas,
    analysis: TEXT_ANALYSIS,
  };
}

export function indexTemplate(layout: ElasticsearchLayout, embedder: EmbedderIdentity): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: layout.alias,
    index_patterns: [`${layout.alias}-*`],
    // Above the built-in templates, so ours decides the settings of our indices.
    priority: 100,
    _meta: { managed_by: 'onramp' },
    template: { settings: settings(layout), mappings: mappings(layout, embedder) },
  };
}
