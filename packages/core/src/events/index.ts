export * from './cloud-event.js';
export * from './event-types.js';
export * from './schemas.js';
export * from './validate.js';
export * from './scim-user.js';
export * from './door-policy.js';
export * from './document-location.js';
export * from './storable.js';
