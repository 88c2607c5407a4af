export * from './indexer-consumer.js';
export * from './index-effect.js';
export * from './apply-effect.js';
export * from './reindex.js';
export * from './start-indexer.js';
export * from './indexer-module.js';
