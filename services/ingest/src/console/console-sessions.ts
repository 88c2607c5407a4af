// The console's sessions, kept in Redis so that every ingest process knows them and logout ends them
// everywhere. The cookie holds a random id; Redis holds only its hash (a copy of Redis gives no live
// session), the session's CSRF token and a digest of the admin token it was opened with, so rotating
// ADMIN_TOKEN ends every session. Redis expires them.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface ConsoleSession {
  csrf: string;
  adminDigest: string;
}

export interface ConsoleSessions {
  /** Opens a session; returns the id for the cookie and the session. */
  open(adminDigest: string): Promise<{ id: string; session: ConsoleSession }>;
  find(id: string): Promise<ConsoleSession | undefined>;
  close(id: string): Promise<void>;
  readonly ttlSeconds: number;
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function redisConsoleSessions(redis: Redis, keyPrefix: string, ttlSeconds: number): ConsoleSessions {
  const key = (id: string) => `${keyPrefix}:console-session:${sha256(id)}`;
  return {
    ttlSeconds,
    async open(adminDigest) {
      const id = randomBytes(32).toString('base64url');
      const session = { csrf: randomBytes(32).toString('base64url'), adminDigest };
      await redis.set(key(id), JSON.stringify(session), 'EX', ttlSeconds);
      return { id, session };
    },
    async find(id) {
      const stored = await redis.get(key(id));
      if (stored === null) return undefined;
      const session = JSON.parse(stored) as Partial<ConsoleSession>;
      return typeof session.csrf === 'string' && typeof session.adminDigest === 'string' ? { csrf: session.csrf, adminDigest: session.adminDigest } : undefined;
    },
    async close(id) {
      await redis.del(key(id));
    },
  };
}
