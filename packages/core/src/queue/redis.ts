import type { RedisOptions } from 'ioredis';

/**
 * Connection options for BullMQ, which then owns (and closes) its connections. Workers block until
 * Redis is back (`maxRetriesPerRequest: null`, as BullMQ requires); producers give up on a command after
 * one reconnection attempt instead, so the dispatcher notices an outage and keeps the outbox rows.
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
    : { ...options, maxRetriesPerRequest: 1, connectTimeout: 2000 };
}
