export * from './resend-server.js';
export * from './scim-server.js';
export * from './http-helpers.js';
export * from './idaas-callback-sender.js';
export * from './mns-server.js';
export * from './hr-system.js';
export * from './idaas-directory.js';
