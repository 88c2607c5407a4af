// What JSON Schema cannot say about an event that the log needs: identities that compare exactly, and
// data and extensions that serialize and fit their columns. An event that passes these checks can be
// stored; one that would fail the insert is refused here with a pointer instead.
import type { InvalidField } from '../errors.js';

/** Nesting levels of `data`: deeper JSON is refused before anything recurses over it. */
export const MAX_DATA_DEPTH = 32;
/**
 * Serialized (UTF-8 JSON) size of `data`: room for a Document.Published text at its longest (1 Mi characters
 * of up to 4 bytes each), while one row, escaped by the driver, stays under MariaDB's 16 MiB packet default.
 */
export const MAX_DATA_BYTES = 6 * 1024 * 1024;
/** Serialized size of all extension attributes together (stored in a TEXT column of 64 KiB). */
export const MAX_EXTENSIONS_BYTES = 16 * 1024;

// Attributes the log compares or indexes: (source, id) is the dedup key, type and subject are looked up.
const IDENTITIES = ['source', 'id', 'type', 'subject'] as const;

// C0, DEL and C1 controls (NUL among them), and UTF-16 halves without their pair, which the driver turns
// into U+FFFD so that two different ids would become one.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Why a string cannot serve as an identity, or undefined when it can. */
export function identityProblem(value: string): string | undefined {
  // The log's binary collation ignores trailing spaces (PAD SPACE): `abc` and `abc ` would collide.
  if (/^\s|\s$/.test(value)) return 'must not start or end with whitespace';
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(value)) return 'must not contain unpaired surrogates';
  return undefined;
}

/** The deepest nesting of arrays and objects in `value`, counted without recursion, stopping past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Problems with a structured-mode event's identities, data and extensions that make it unstorable. */
export function storableProblems(input: Record<string, unknown>, extensions: Record<string, unknown>): InvalidField[] {
  const problems: InvalidField[] = [];
  for (const name of IDENTITIES) {
    const value = input[name];
    const problem = typeof value === 'string' ? identityProblem(value) : undefined;
    if (problem !== undefined) problems.push({ pointer: `/${name}`, message: problem });
  }
  if (input.data !== undefined) {
    if (depthOf(input.data, MAX_DATA_DEPTH) > MAX_DATA_DEPTH) {
      problems.push({ pointer: '/data', message: `must not nest deeper than ${MAX_DATA_DEPTH} levels` });
    } else if (Buffer.byteLength(JSON.stringify(input.data)) > MAX_DATA_BYTES) {
      problems.push({ pointer: '/data', message: `must not exceed ${MAX_DATA_BYTES} bytes as JSON` });
    }
  }
  if (Buffer.byteLength(JSON.stringify(extensions)) > MAX_EXTENSIONS_BYTES) {
    problems.push({ pointer: '', message: `extension attributes must not exceed ${MAX_EXTENSIONS_BYTES} bytes together as JSON` });
  }
  return problems;
}
