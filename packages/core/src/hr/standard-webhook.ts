// Standard Webhooks signatures (https://www.standardwebhooks.com, spec "Verifying webhook authenticity"):
// headers webhook-id, webhook-timestamp (Unix seconds) and webhook-signature, a space-separated list of
// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{raw body}">` under the secret `whsec_<base64 key>`.
// Several signatures (the sender rotating its secret) and several secrets (us rotating ours): one match
// is enough. Signatures are compared in constant time; the timestamp must be within the tolerance.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Unauthorized } from '../errors.js';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** The HMAC key of a `whsec_…` secret, or a reason it is not one. Keys of 24 to 64 bytes, as the spec asks. */
export function webhookKey(secret: string): Buffer | string {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return `must start with ${WEBHOOK_SECRET_PREFIX}`;
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return 'must be whsec_ followed by base64';
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 24 || key.length > 64) return `must hold a key of 24 to 64 bytes, got ${key.length}`;
  return key;
}

/** The request's headers, names lower-cased (as Node gives them). */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

export interface VerifiedWebhook {
  id: string;
  timestamp: Date;
}

const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

/** Throws Unauthorized unless one signature of the request is one of `keys`' over these exact bytes. */
export function verifyWebhook(keys: readonly Buffer[], headers: WebhookHeaders, body: Buffer, toleranceSeconds: number, now: Date = new Date()): VerifiedWebhook {
  const id = single(headers['webhook-id']);
  const timestamp = single(headers['webhook-timestamp']);
  const signatures = single(headers['webhook-signature']);
  if (id === undefined || timestamp === undefined || signatures === undefined) {
    throw new Unauthorized('webhook-id, webhook-timestamp and webhook-signature are required');
  }
  // The id becomes the stored event's id (at most 255 characters) and is part of the signed content.
  if (id === '' || id.length > 255) throw new Unauthorized('webhook-id must be 1 to 255 characters');
  if (!/^\d{1,12}$/.test(timestamp)) throw new Unauthorized('webhook-timestamp must be Unix seconds');
  const seconds = Number(timestamp);
  if (Math.abs(now.getTime() / 1000 - seconds) > toleranceSeconds) throw new Unauthorized('webhook-timestamp is outside the tolerance (stale or in the future)');
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
  const expected = keys.map((key) => createHmac('sha256', key).update(signed).digest());
  for (const entry of signatures.split(' ')) {
    const [version, encoded] = entry.split(',', 2);
    if (version !== 'v1' || encoded === undefined) continue;
    const given = Buffer.from(encoded, 'base64');
    if (expected.some((e) => e.length === given.length && timingSafeEqual(e, given))) return { id, timestamp: new Date(seconds * 1000) };
  }
  throw new Unauthorized('no webhook-signature matches');
}
