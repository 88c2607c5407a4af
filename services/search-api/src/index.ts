export * from './authenticate.js';
export * from './search-schemas.js';
export * from './search-app.js';
export * from './start-search-api.js';
export * from './query-embedding-cache.js';
