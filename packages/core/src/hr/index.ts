export * from './hr-payload.js';
export * from './hr-mapping.js';
export * from './standard-webhook.js';
