export { runInfraCheck, type CheckIo } from './run-infra-check.js';
export { RULES, CLAUSES, type Clause, type Finding, type Rule } from './rules/index.js';
export { buildModel } from './model/build-model.js';
export type { Model, ResourceInstance } from './model/types.js';
