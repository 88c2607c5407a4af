// Before a process starts anything that needs Redis, it waits for Redis here: one line every few
// seconds that says what it waits for, instead of every BullMQ client logging each failed reconnect,
// and a stop signal ends the wait at once. Settings Redis refuses (a db index it does not have, a wrong
// password) are configuration errors, not something to wait out.
import { Redis } from 'ioredis';
import { addressOf, connectionFailureReason } from '../dependency-failure.js';
import { ConfigError } from '../errors.js';
import { redisOptions } from './redis.js';

export interface WaitForRedisOptions {
  /** Called with one line when Redis does not answer, then again at most every `reportEveryMs`. */
  onWaiting: (line: string) => void;
  signal?: AbortSignal;
  retryEveryMs?: number;
  reportEveryMs?: number;
}

/** The database index in a Redis URL's path (`redis://host:6379/2`), as ioredis reads it. */
export function redisDbIndex(url: string): number {
  return Number(new URL(url).pathname.replace('/', '') || 0);
}

/** Whether Redis answers, and takes these settings: undefined when it does, else why not (ConfigError is thrown). */
async function probe(url: string): Promise<string | undefined> {
  const db = redisDbIndex(url);
  const client = new Redis({
    ...redisOptions(url, 'producer'),
    db: 0,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // connect() rejects with "Connection is closed."; the cause (ECONNREFUSED, …) comes as an 'error' event.
  let cause: unknown;
  client.on('error', (error) => (cause ??= error));
  try {
    await client.connect();
    await client.ping();
    // SELECT before anything else: ioredis would otherwise only report a missing db index as an
    // 'error' event and carry on in db 0.
    if (db !== 0) await client.select(db);
    return undefined;
  } catch (error) {
    const where = `Redis at ${addressOf(url, 6379)} (REDIS_URL)`;
    const message = ((cause ?? error) as Error).message;
    if (/DB index is out of range/i.test(message)) {
      throw new ConfigError([`REDIS_URL names database ${db}, which ${where.replace(' (REDIS_URL)', '')} does not have (${message})`]);
    }
    if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)) {
      throw new ConfigError([`REDIS_URL: ${where} refused the login (${message}); check the user and password in REDIS_URL`]);
    }
    return `${where} ${connectionFailureReason(cause ?? error) ?? `failed: ${message}`}`;
  } finally {
    client.disconnect();
  }
}

/** Resolves once Redis answers; rejects with ConfigError for settings Redis refuses, or when `signal` aborts. */
export async function waitForRedis(url: string, options: WaitForRedisOptions): Promise<void> {
  const db = redisDbIndex(url);
  if (!Number.isInteger(db) || db < 0) throw new ConfigError([`REDIS_URL's path must be a database index (/0, /1, …), got "${new URL(url).pathname}"`]);
  const retryEveryMs = options.retryEveryMs ?? 1000;
  const reportEveryMs = options.reportEveryMs ?? 5000;
  let reportedAt = -Infinity;
  for (;;) {
    options.signal?.throwIfAborted();
    const failure = await probe(url);
    if (failure === undefined) return;
    if (Date.now() - reportedAt >= reportEveryMs) {
      reportedAt = Date.now();
      options.onWaiting(`waiting for ${failure}; trying again every ${Math.round(retryEveryMs / 1000)} s (Ctrl-C to stop)`);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, retryEveryMs);
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}
