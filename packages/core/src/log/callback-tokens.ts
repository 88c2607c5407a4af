// Each signed callback token is accepted once until it expires, across every ingest process: a row per
// token with a unique key, so two processes that get the same token race on one INSERT and one loses.
import { createHash } from 'node:crypto';
import type { Db } from './database.js';

const ER_DUP_ENTRY = 1062;

/** The row key of a token: its audience and id, hashed to a fixed width whatever they contain. */
export function callbackTokenKey(audience: string, tokenId: string): Buffer {
  return createHash('sha256').update(JSON.stringify([audience, tokenId])).digest();
}

/**
 * Claims a token for this request: true when it was never seen, false when it was (a replay). Tokens
 * past their expiry are removed first; they cannot be replayed anyway, their signature check fails.
 */
export async function claimCallbackToken(db: Db, key: Buffer, expiresAt: Date, now: Date = new Date()): Promise<boolean> {
  await db.deleteFrom('callback_tokens').where('expires_at', '<', now).execute();
  try {
    await db.insertInto('callback_tokens').values({ token_key: key, expires_at: expiresAt }).execute();
    return true;
  } catch (error) {
    if ((error as { errno?: number }).errno === ER_DUP_ENTRY) return false;
    throw error;
  }
}

/** Gives a claim back when its events could not be written, so that the sender's retry is accepted. */
export async function releaseCallbackToken(db: Db, key: Buffer): Promise<void> {
  await db.deleteFrom('callback_tokens').where('token_key', '=', key).execute();
}
