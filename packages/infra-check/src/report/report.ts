import type { Model } from '../model/types.js';
import type { Finding, Rule } from '../rules/rule.js';

/** Everything a formatter needs about one run. */
export interface Report {
  /** The directory as the user named it, prefixed to file paths in the output. */
  directory: string;
  rules: readonly Rule[];
  model: Model;
  findings: Finding[];
}
