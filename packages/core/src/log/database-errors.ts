// Telling "the database is not there right now" apart from every other failure: the first is waited out
// (nothing is the input's or the handler's fault), the others are the caller's to handle.

/** Network-level codes of mysql2 and Node when the server is down, restarting or unreachable. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
]);

/** Server errors that say "not now" rather than "not this": too many connections, shutting down, lock wait timeout, read-only (failover). */
const UNAVAILABLE_ERRNOS = new Set([1040, 1053, 1205, 1290, 1836, 2002, 2003, 2006, 2013]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, errno, fatal, message } = e as { code?: unknown; errno?: unknown; fatal?: unknown; message?: unknown };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof errno === 'number' && UNAVAILABLE_ERRNOS.has(errno)) return true;
    if (fatal === true) return true;
    // mysql2's pool after its connection broke, and connection attempts that time out.
    if (typeof message === 'string' && /Pool is closed|connect ETIMEDOUT|Can't add new command when connection is in closed state/i.test(message)) return true;
  }
  return false;
}
