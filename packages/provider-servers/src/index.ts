export * from './resend-server.js';
export * from './scim-server.js';
export * from './http-helpers.js';
