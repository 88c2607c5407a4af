export { createElasticsearchStore, type ElasticsearchStoreOptions } from './create-elasticsearch-store.js';
export { createElasticsearchClient, type ElasticsearchConnection } from './client.js';
export { DEFAULT_DENSE_VECTOR, type DenseVectorOptions } from './index-template.js';
export { MIN_VERSION as MIN_ELASTICSEARCH_VERSION, MIN_RRF_VERSION, type HybridMode } from './engine-version.js';
export { ElasticsearchBulkRejected, ElasticsearchBulkThrottled, type ElasticsearchItemFailure } from './errors.js';
