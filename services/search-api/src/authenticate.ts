// Who is calling: a JWT from the IdP, verified with jose against the IdP's JWKS or, for local use, a
// shared HMAC secret. The `groups` claim decides which documents the caller may read. With
// SEARCH_AUTH=disabled (only ever set explicitly) every caller may read everything.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ConfigError, OnrampError, Unauthorized } from '@onramp/core';

export interface Caller {
  subject: string | undefined;
  groups: string[] | 'all';
}

export type Authenticate = (authorization: string | undefined) => Promise<Caller>;

export interface AuthOptions {
  mode: 'jwt' | 'disabled';
  jwksUrl?: string | undefined;
  jwtSecret?: string | undefined;
  /** Checked against `aud` / `iss` when set (config requires both in production). */
  audience?: string | undefined;
  issuer?: string | undefined;
}

/**
 * How far the caller's clock and ours may disagree on `exp` / `nbf`, in seconds: enough for hosts kept
 * by NTP, short enough that an expired token is not honoured for long.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;

function groupsClaim(payload: JWTPayload): string[] {
  const claim = payload.groups;
  if (typeof claim === 'string') return [claim];
  return Array.isArray(claim) ? claim.filter((g): g is string => typeof g === 'string') : [];
}

export function createAuthenticator(options: AuthOptions): Authenticate {
  if (options.mode === 'disabled') return async () => ({ subject: undefined, groups: 'all' });
  let key: JWTVerifyGetKey | Uint8Array;
  let algorithms: string[];
  if (options.jwksUrl !== undefined) {
    key = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
  } else if (options.jwtSecret !== undefined) {
    key = new TextEncoder().encode(options.jwtSecret);
    algorithms = ['HS256', 'HS384', 'HS512'];
  } else {
    throw new ConfigError(['search-api needs SEARCH_JWKS_URL or SEARCH_JWT_SECRET (or SEARCH_AUTH=disabled, set explicitly)']);
  }
  // A token without `exp` would be good forever: jose refuses it when the claim is required.
  const verifyOptions = {
    algorithms,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['exp'],
    ...(options.audience === undefined ? {} : { audience: options.audience }),
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
  };
  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (token === undefined) throw new Unauthorized('a bearer token (JWT) is required');
    try {
      // Overloads of jwtVerify differ only in the key's type; both are handled the same way.
      const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, verifyOptions);
      return { subject: payload.sub, groups: groupsClaim(payload) };
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || (error instanceof TypeError && /fetch/i.test(error.message))) {
        throw new OnrampError('unavailable', 'the identity provider’s signing keys cannot be fetched right now', { cause: error });
      }
      if (error instanceof errors.JOSEError) throw new Unauthorized(`invalid token: ${error.code}`);
      throw error;
    }
  };
}
