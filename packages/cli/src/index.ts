export * from './main.js';
export * from './context.js';
export * from './start-command.js';
export * from './consumer-modules.js';
export * from './deploy-consumers.js';
export { exitWhenFlushed } from '@onramp/core';
export { docsAdd } from './docs-command.js';
