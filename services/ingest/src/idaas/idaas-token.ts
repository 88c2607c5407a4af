// Verifies an IDaaS callback token: a JWS signed RS256 by a key of IDaaS's public key endpoint (a JWKS,
// cached and fetched again when a token names a key id it does not hold), issuer
// `urn:alibaba:idaas:app:event`, audience the application id, with `exp`, `iat` and `jti`; then opens its
// data, AES-GCM encrypted (JWE `dir`) under the key IDaaS shows when encryption is on.
import { compactDecrypt, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { OnrampError, Unauthorized } from '@onramp/core';
import { IDAAS_EVENT_ISSUER } from './idaas-event-types.js';

export interface CallbackKeys {
  applicationId: string;
  jwksUrl?: string | undefined;
  jwks?: string | undefined;
  encryptionKey?: string | undefined;
  clockSkewSeconds: number;
  /**
   * Least time between two fetches of the key endpoint (default 30 s): a token naming an unknown key id
   * fetches the keys again, but a flood of forged key ids cannot make ingest hammer IDaaS.
   */
  refreshCooldownMs?: number;
}

export interface VerifiedCallback {
  tokenId: string;
  expiresAt: Date;
  /** The SyncEvent, still to be parsed. */
  data: unknown;
}

type KeySource = ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>;

function keySource(keys: CallbackKeys): KeySource {
  if (keys.jwks !== undefined) return createLocalJWKSet(JSON.parse(keys.jwks) as Parameters<typeof createLocalJWKSet>[0]);
  if (keys.jwksUrl === undefined) throw new OnrampError('config_invalid', 'the IDaaS callback needs a key endpoint or keys');
  // jose fetches again when no cached key has the token's kid, at most once every cooldown.
  return createRemoteJWKSet(new URL(keys.jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: keys.refreshCooldownMs ?? 30_000, timeoutDuration: 5_000 });
}

const malformed = (message: string) => new OnrampError('invalid_request', `callback event: ${message}`);

/** What a verification failure means for the sender: 400 not a token, 401 not IDaaS's or stale, 503 no keys. */
function verificationFailure(error: unknown): OnrampError {
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return malformed('not a signed token (JWS compact serialization)');
  if (error instanceof errors.JWTExpired) return new Unauthorized('callback token expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new Unauthorized(`callback token refused: ${error.claim} check failed`);
  if (error instanceof errors.JWKSTimeout || (error instanceof TypeError && !(error instanceof errors.JOSEError))) {
    return new OnrampError('unavailable', 'the IDaaS public key endpoint cannot be reached', { cause: error });
  }
  if (error instanceof errors.JOSEError) return new Unauthorized('callback token signature not verified');
  return new OnrampError('unavailable', 'the callback token could not be verified', { cause: error });
}

async function openData(payload: JWTPayload, encryptionKey: string | undefined): Promise<unknown> {
  const encrypted = payload.dataEncrypted;
  if (typeof encrypted !== 'boolean') throw malformed('dataEncrypted must be true or false');
  if (!encrypted) {
    if (encryptionKey !== undefined) throw malformed('events must arrive encrypted (IDAAS_CALLBACK_ENCRYPTION_KEY is set)');
    if (payload.plainData === undefined) throw malformed('plainData is missing');
    return payload.plainData;
  }
  if (encryptionKey === undefined) throw malformed('events arrive encrypted but IDAAS_CALLBACK_ENCRYPTION_KEY is not set');
  if (typeof payload.cipherData !== 'string') throw malformed('cipherData must be a string');
  try {
    const { plaintext } = await compactDecrypt(payload.cipherData, Buffer.from(encryptionKey, 'hex'), {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM', 'A192GCM', 'A128GCM'],
    });
    return new TextDecoder().decode(plaintext);
  } catch (error) {
    // Signed by IDaaS yet not decryptable under our key: the keys disagree, or the data is damaged.
    throw malformed(`cipherData cannot be decrypted with the configured key (${(error as Error).message})`);
  }
}

export function createCallbackVerifier(keys: CallbackKeys): (token: string) => Promise<VerifiedCallback> {
  const source = keySource(keys);
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, source, {
        issuer: IDAAS_EVENT_ISSUER,
        audience: keys.applicationId,
        algorithms: ['RS256'],
        clockTolerance: keys.clockSkewSeconds,
        requiredClaims: ['exp', 'iat', 'jti'],
      }));
    } catch (error) {
      throw verificationFailure(error);
    }
    if (typeof payload.jti !== 'string' || payload.jti === '') throw new Unauthorized('callback token has no jti');
    // jose checks `exp`; a token issued in the future is as suspect as a stale one.
    if (payload.iat! > Date.now() / 1000 + keys.clockSkewSeconds) throw new Unauthorized('callback token issued in the future');
    const data = await openData(payload, keys.encryptionKey);
    return { tokenId: payload.jti, expiresAt: new Date((payload.exp! + keys.clockSkewSeconds) * 1000), data };
  };
}
