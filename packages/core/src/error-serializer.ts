// How an error appears in a log line. Database errors carry the statement and its values (mysql2's `sql`
// is a whole multi-row INSERT: other people's events) and quote values in their message ("Duplicate entry
// '…' for key …"); here only what says what went wrong survives: code, errno, SQL state, the message with
// its quoted values blanked. Causes are serialized the same way, never by pino's default serializer.

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  fatal?: unknown;
  cause?: unknown;
  errors?: unknown[];
  [key: string]: unknown;
}

/** Properties that hold statements or the values bound into them; never logged, whatever the error. */
const VALUE_CARRIERS = new Set(['sql', 'sqlMessage', 'parameters', 'values', 'query', 'raw']);
const KEPT_FROM_DATABASE = ['code', 'errno', 'sqlState', 'fatal'] as const;
const MAX_CAUSES = 5;

const IDENTIFIER = /\b(column|key|table|database|field|index|constraint) [`'"]?([\w.$`]+)[`'"]?/gi;

/**
 * A database message with everything between its first and last quote blanked: a value may itself hold
 * quotes or line breaks, so only the whole span is safe. The identifiers named in that span (column, key)
 * say what went wrong without saying what was written, so they are appended.
 */
export function withoutValues(message: string): string {
  const first = message.search(/['"]/);
  const last = Math.max(message.lastIndexOf("'"), message.lastIndexOf('"'));
  if (first < 0 || last <= first) return message;
  const named = [...message.matchAll(IDENTIFIER)]
    .filter((m) => m.index + m[0].length > first && m.index <= last)
    .map((m) => `${m[1]!.toLowerCase()} ${m[2]!}`);
  const blanked = `${message.slice(0, first)}'…'${message.slice(last + 1)}`;
  return named.length === 0 ? blanked : `${blanked} (${named.join(', ')})`;
}

function isDatabaseError(error: Record<string, unknown>): boolean {
  return 'sqlMessage' in error || 'sqlState' in error || 'sql' in error || 'parameters' in error;
}

/** pino's `err` serializer for every onramp logger. */
export function serializeError(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error) || depth > MAX_CAUSES) return value instanceof Error ? { type: value.name } : value;
  const error = value as Error & Record<string, unknown>;
  const out: SerializedError = { type: error.constructor?.name ?? error.name, message: error.message };
  if (isDatabaseError(error)) {
    out.message = withoutValues(error.message);
    // The stack starts with the message; the frames after it are kept, the message only without values.
    const head = `${error.name}: ${error.message}`;
    if (error.stack?.startsWith(head) === true) out.stack = `${error.name}: ${out.message}${error.stack.slice(head.length)}`;
    for (const key of KEPT_FROM_DATABASE) if (error[key] !== undefined) out[key] = error[key];
  } else {
    if (error.stack !== undefined) out.stack = error.stack;
    for (const key of Object.keys(error)) {
      if (VALUE_CARRIERS.has(key) || key === 'cause' || key === 'errors') continue;
      const field = error[key];
      out[key] = field instanceof Error ? serializeError(field, depth + 1) : field;
    }
  }
  if (error.cause !== undefined) out.cause = serializeError(error.cause, depth + 1);
  if (Array.isArray(error.errors)) out.errors = error.errors.slice(0, 10).map((e: unknown) => serializeError(e, depth + 1));
  return out;
}
