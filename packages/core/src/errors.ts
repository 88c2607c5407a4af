// Typed errors with a stable code; HTTP status mapping lives in http/problem.ts.

export class OnrampError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigError extends OnrampError {
  constructor(readonly problems: string[]) {
    super('config_invalid', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** One problem found in the input, with a JSON pointer to where it is. */
export interface InvalidField {
  pointer: string;
  message: string;
}

export class InvalidEvent extends OnrampError {
  constructor(
    readonly index: number,
    readonly fields: InvalidField[],
  ) {
    const first = fields[0];
    super('invalid_event', `event ${index}: ${first ? `${first.pointer || '/'} ${first.message}` : 'invalid'}`);
  }
}

export class Unauthorized extends OnrampError {
  constructor(message = 'missing or invalid bearer token') {
    super('unauthorized', message);
  }
}

export class LogUnavailable extends OnrampError {
  constructor(cause: unknown) {
    super('log_unavailable', 'the event log cannot be written right now', { cause });
  }
}

/**
 * Events that passed validation but that the log refuses to store (a value too long for its column, an
 * identity that collides with a stored one, data too deep to serialize). The sender's input is at fault:
 * retrying it would fail the same way, so it is answered 4xx rather than 503.
 */
export class UnstorableEvent extends OnrampError {
  constructor(reason: string, cause: unknown) {
    super('unstorable_event', `the event log cannot store this request's events: ${reason}`, { cause });
  }
}

/** A consumer failure that no retry can fix (bad address, rejected request): dead-letter at once. */
export class PermanentError extends OnrampError {
  constructor(message: string, code = 'permanent_failure', options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A consumer failure worth retrying; retryAfterMs, when the provider said how long to wait. */
export class RetryableError extends OnrampError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super('retryable_failure', message, options);
  }
}

/**
 * The log's schema is not the one this code was built for. `schema_behind`: not migrated yet (or no
 * database at all), run `onramp migrate`; `schema_ahead`: migrated by a newer onramp than this one.
 */
export class SchemaMismatch extends OnrampError {
  constructor(
    code: 'schema_behind' | 'schema_ahead',
    message: string,
    /** The latest migration the database has applied, if any. */
    readonly applied: string | undefined,
    /** The latest migration this code knows. */
    readonly needed: string,
  ) {
    super(code, message);
  }
}

/**
 * A service the process needs (MySQL, Redis) cannot be reached or refused it. The message names the
 * service, where it was looked for and the variable that says so, e.g. `MySQL at 127.0.0.1:3399
 * (DATABASE_URL) refused the connection`; the same run may succeed once the service is back.
 */
export class DependencyUnavailable extends OnrampError {
  constructor(
    readonly dependency: string,
    readonly variable: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('dependency_unavailable', message, options);
  }
}

/**
 * The exit codes of every onramp command and process (sysexits where one fits; README, "Exit codes").
 * Renumbering one breaks whoever scripts around them.
 */
export const EXIT = {
  ok: 0,
  /** A command that failed, or a check that found something (infra check's findings). */
  failure: 1,
  /** Wrong command line. */
  usage: 2,
  /** EX_UNAVAILABLE: a service it needs (MySQL, Redis) cannot be reached. */
  unavailable: 69,
  /** EX_TEMPFAIL: the log's schema is not this code's; the same run succeeds once `onramp migrate` has run. */
  schema: 75,
  /** EX_CONFIG: bad configuration. */
  config: 78,
} as const;

/** A process's exit code for the error that stopped it (EXIT). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof ConfigError) return EXIT.config;
  if (error instanceof SchemaMismatch) return EXIT.schema;
  if (error instanceof DependencyUnavailable) return EXIT.unavailable;
  return EXIT.failure;
}
