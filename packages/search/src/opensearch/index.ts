export { createOpenSearchStore, type OpenSearchStoreOptions } from './create-opensearch-store.js';
export { createOpenSearchClient, type OpenSearchConnection } from './client.js';
export { DEFAULT_KNN, type KnnEngine, type KnnOptions, type KnnSpaceType } from './index-template.js';
export { SearchIndexMismatch, BulkRejected, BulkThrottled, type BulkItemFailure } from './errors.js';
export { trainKnnModel, KnnTrainingFailed, type TrainKnnModelOptions, type TrainedKnnModel } from './train.js';
