// Why an append failed, as the sender needs to know it: the events themselves cannot be stored (their
// fault: 4xx, a retry fails the same way) or the log cannot be written right now (503: retry later).
import { LogUnavailable, UnstorableEvent } from '../errors.js';

interface DriverError {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
}

// MariaDB / MySQL errors that a given row causes whatever the state of the server, with what to tell its sender.
const INPUT_ERRORS: Record<number, string> = {
  1048: 'a required value is missing',
  1062: 'its (source, id) collides with an event already in the log',
  1153: 'it is too large for the log',
  1264: 'a value is out of range',
  1292: 'a value is malformed',
  1300: 'a value is not valid text',
  1366: 'a value has characters the log cannot store',
  1406: 'a value is longer than the log allows',
  3140: 'its data is not valid JSON',
  4025: 'a value breaks a constraint of the log',
};

// Connection-level codes, and server errors that say "not now" (too many connections, lock wait timeout,
// read-only, shutting down) rather than "not this row".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'POOL_CLOSED',
]);
const UNAVAILABLE_ERRNOS = new Set([1040, 1045, 1049, 1053, 1146, 1203, 1205, 1213, 1290, 1317, 1836, 1927]);

function rowFault(error: unknown): string | undefined {
  // JSON.stringify of data too deep or too large for this process (validation should have stopped it).
  if (error instanceof RangeError) return 'its data is too deep or too large to serialize';
  const errno = (error as DriverError | undefined)?.errno;
  return typeof errno === 'number' ? INPUT_ERRORS[errno] : undefined;
}

/** True when the failure is the database's state, not the rows': retrying them one by one would not help. */
export function isLogUnavailable(error: unknown): boolean {
  // A packet too large also ends the connection (fatal), yet it is the row's size that caused it.
  if (rowFault(error) !== undefined) return false;
  const { code, errno, fatal } = (error ?? {}) as DriverError;
  return fatal === true ||
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    (typeof errno === 'number' && UNAVAILABLE_ERRNOS.has(errno));
}

/**
 * The typed error for a failed append: UnstorableEvent when the input is at fault, else LogUnavailable.
 * An error of unknown cause counts as the log's, so that the sender retries rather than loses the event.
 */
export function appendFailure(error: unknown): UnstorableEvent | LogUnavailable {
  const fault = rowFault(error);
  return fault === undefined ? new LogUnavailable(error) : new UnstorableEvent(fault, error);
}
