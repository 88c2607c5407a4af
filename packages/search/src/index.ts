export * from './ports.js';
export * from './opensearch/index.js';
export * from './embedders/remote.js';
