export * from './scim-types.js';
export * from './scim-error.js';
export * from './rate-gate.js';
export * from './scim-client.js';
