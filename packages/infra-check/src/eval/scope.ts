import type { Value } from './value.js';

/** One step of a traversal: `.name` or `[key]`. */
export type Step = string | number;

/** Where names in an expression come from: the module's variables, locals, resources, iterators. */
export interface Scope {
  /** Resolves the leading steps of a traversal; returns the value and how many steps it used. */
  resolve(steps: readonly Step[]): Promise<{ value: Value; used: number }>;
  /** The same scope with extra names bound (for-expression and dynamic-block iterators). */
  with(bindings: Record<string, Value>): Scope;
  /** Reads a file relative to the module directory, for file() and templatefile(). */
  readFile(path: string): Promise<string | undefined>;
}
