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
