// Turns a driver's connection error (`connect ECONNREFUSED 127.0.0.1:3399`) into one that says which
// service it was, where, and which variable pointed there, so that whoever reads it knows what to fix.
import { ConfigError, DependencyUnavailable } from './errors.js';

const WHY: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ENOTFOUND: 'cannot be found (no such host)',
  EAI_AGAIN: 'cannot be found (name lookup failed)',
  ETIMEDOUT: 'did not answer in time',
  EHOSTUNREACH: 'cannot be reached (no route to host)',
  ENETUNREACH: 'cannot be reached (network unreachable)',
  ECONNRESET: 'dropped the connection',
  EPIPE: 'dropped the connection',
  PROTOCOL_CONNECTION_LOST: 'dropped the connection',
};

/** MySQL's "access denied" errors: wrong user or password, or no rights on the database. */
const ER_ACCESS_DENIED = new Set([1044, 1045]);

/** `host:port` of a service URL, with the protocol's default port when it names none. */
export function addressOf(url: string, defaultPort: number): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || defaultPort}`;
}

/** Why a connection failed, in words, when the error is a connection failure at all. */
export function connectionFailureReason(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? WHY[code] : undefined;
}

/** The error to report for a failure talking to MySQL: the same error when it is not about the connection. */
export function mysqlFailure(error: unknown, url: string, variable = 'DATABASE_URL'): unknown {
  const where = `MySQL at ${addressOf(url, 3306)} (${variable})`;
  const reason = connectionFailureReason(error);
  if (reason !== undefined) return new DependencyUnavailable('MySQL', variable, `${where} ${reason}`, { cause: error });
  const errno = (error as { errno?: unknown } | undefined)?.errno;
  if (typeof errno === 'number' && ER_ACCESS_DENIED.has(errno)) {
    return new ConfigError([`${variable}: ${where} refused the login (${(error as Error).message}); check the user and password in ${variable} and the user's grants`]);
  }
  return error;
}
