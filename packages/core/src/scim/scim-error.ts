// SCIM errors (RFC 7644 §3.12) as typed errors with a stable code, whether the server said so in the
// SCIM error schema, answered something else, or did not answer at all.
import { OnrampError } from '../errors.js';

export type ScimErrorCode =
  | 'scim_invalid'
  | 'scim_unauthorized'
  | 'scim_forbidden'
  | 'scim_not_found'
  | 'scim_conflict'
  | 'scim_precondition_failed'
  | 'scim_too_large'
  | 'scim_rate_limited'
  | 'scim_not_implemented'
  | 'scim_server_error'
  | 'scim_timeout'
  | 'scim_unreachable'
  /** The server answered for a resource without an `id`, even when asked again: nothing can be done with it. */
  | 'scim_missing_id'
  /** A change answered 2xx that a re-read does not show (e.g. a member not in the group). */
  | 'scim_unconfirmed';

function codeFor(status: number): ScimErrorCode {
  if (status === 401) return 'scim_unauthorized';
  if (status === 403) return 'scim_forbidden';
  if (status === 404 || status === 410) return 'scim_not_found';
  if (status === 409) return 'scim_conflict';
  if (status === 412) return 'scim_precondition_failed';
  if (status === 413) return 'scim_too_large';
  if (status === 429) return 'scim_rate_limited';
  if (status === 501) return 'scim_not_implemented';
  if (status >= 500) return 'scim_server_error';
  return 'scim_invalid';
}

export class ScimError extends OnrampError {
  declare readonly code: ScimErrorCode;

  constructor(
    code: ScimErrorCode,
    message: string,
    readonly status: number | undefined,
    readonly scimType: string | undefined,
    /** When the server said how long to wait (Retry-After), in ms. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }

  /** Worth trying again later: the server was busy, failing, slow or out of reach. */
  get retryable(): boolean {
    return ['scim_rate_limited', 'scim_server_error', 'scim_timeout', 'scim_unreachable', 'scim_unconfirmed'].includes(this.code);
  }

  static fromResponse(status: number, body: unknown, what: string, retryAfterMs?: number): ScimError {
    const scim = typeof body === 'object' && body !== null ? (body as { scimType?: unknown; detail?: unknown }) : {};
    const scimType = typeof scim.scimType === 'string' ? scim.scimType : undefined;
    const detail = typeof scim.detail === 'string' ? scim.detail : typeof body === 'string' && body !== '' ? body.slice(0, 200) : undefined;
    const message = `${what}: ${status}${scimType === undefined ? '' : ` ${scimType}`}${detail === undefined ? '' : ` (${detail})`}`;
    return new ScimError(codeFor(status), message, status, scimType, retryAfterMs);
  }
}
