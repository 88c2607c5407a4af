export * from './group-name.js';
export * from './dry-run-scim.js';
export * from './access-effects.js';
export * from './gitbook-consumer.js';
export * from './start-gitbook-sync.js';
export * from './gitbook-module.js';
