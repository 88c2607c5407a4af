// RAM policy documents (bucket policies, RAM policies) as JSON, read statement by statement.
import type { Value } from '../eval/value.js';

export interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** Statements of a policy given as a JSON string (jsonencode output); undefined when unreadable. */
export function statements(policy: Value | undefined): Statement[] | undefined {
  if (typeof policy !== 'string') return undefined;
  try {
    const parsed = JSON.parse(policy) as { Statement?: Statement[] | Statement };
    const list = parsed.Statement;
    return Array.isArray(list) ? list : list ? [list] : [];
  } catch {
    return undefined;
  }
}

export const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Condition keys a statement tests, lower-cased: `acs:securetransport`, `acs:sourceip`, … */
export function conditionKeys(statement: Statement): string[] {
  return Object.values(statement.Condition ?? {}).flatMap((test) => Object.keys(test).map((k) => k.toLowerCase()));
}
