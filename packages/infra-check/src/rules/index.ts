import { trailIntact, auditRules } from './audit.js';
import { cacheRules } from './cache.js';
import { databaseRules } from './database.js';
import { ecsRules } from './ecs.js';
import { eventingRules } from './eventing.js';
import { keyRules } from './keys.js';
import { loadBalancingRules } from './load-balancing.js';
import { networkRules } from './network.js';
import type { Rule } from './rule.js';
import { searchRules } from './search.js';
import { selfManagedSearchRules } from './self-managed-search.js';
import { privateEndpoints } from './private-endpoints.js';
import { plaintextSecrets, secretVariables, sensitiveOutputs } from './secrets.js';
import { storageRules } from './storage.js';

/** The MLPS 2.0 level-3 rule pack, in report order. */
export const RULES: readonly Rule[] = [
  ...networkRules,
  privateEndpoints,
  ...ecsRules,
  ...databaseRules,
  ...cacheRules,
  ...storageRules,
  ...searchRules,
  ...selfManagedSearchRules,
  trailIntact,
  ...auditRules,
  ...keyRules,
  ...loadBalancingRules,
  ...eventingRules,
  plaintextSecrets,
  secretVariables,
  sensitiveOutputs,
];

export { CLAUSES, type Clause, type Finding, type Rule } from './rule.js';
