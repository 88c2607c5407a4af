export * from './main.js';
export * from './context.js';
export * from './start-command.js';
