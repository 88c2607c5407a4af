export * from './idaas-account.js';
export * from './idaas-provisioner-consumer.js';
export * from './start-idaas-provisioner.js';
export * from './idaas-provisioner-module.js';
