import type { RedisOptions } from 'ioredis';

/**
 * Connection options for BullMQ, which then owns (and closes) its connections. Workers block until
 * Redis is back (`maxRetriesPerRequest: null`, as BullMQ requires); producers fail fast instead, so the
 * dispatcher notices an outage at once and keeps the outbox rows for later.
 */
export function redisOptions(url: string, role: 'worker' | 'producer'): RedisOptions {
  const parsed = new URL(url);
  const options: RedisOptions = {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.replace('/', '') || 0),
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') options.tls = {};
  return role === 'worker'
    ? { ...options, maxRetriesPerRequest: null, enableReadyCheck: false }
    : { ...options, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
}
