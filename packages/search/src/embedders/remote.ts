export { createPaiEasEmbedder, type PaiEasEmbedderOptions } from './remote-pai-eas.js';
export { createOpenSearchMlEmbedder, type OpenSearchMlEmbedderOptions } from './remote-opensearch-ml.js';
export { EmbeddingDimensionMismatch } from './remote-call.js';
