export * from './ingest-app.js';
export * from './cloud-event-http.js';
export * from './start-ingest.js';
export * from './idaas/idaas-event-types.js';
export * from './idaas/idaas-mapping.js';
export * from './mns/mns-queue.js';
export * from './mns/mns-intake.js';
export * from './mns/start-mns-intake.js';
