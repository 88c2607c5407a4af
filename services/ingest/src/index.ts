export * from './ingest-app.js';
export * from './cloud-event-http.js';
export * from './start-ingest.js';
