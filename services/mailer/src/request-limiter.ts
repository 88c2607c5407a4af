// A request rate shared by every mailer process through Redis: at most `perSecond` requests a second
// (GCRA with a burst of one, on Redis's clock so process clocks do not matter), and a block that a 429
// sets so that every process waits out the provider's retry-after together.
import type { Redis } from 'ioredis';

export interface RequestLimiter {
  /** Resolves when this process may send one request. */
  acquire(): Promise<void>;
  /** No process sends for `ms`. */
  block(ms: number): Promise<void>;
}

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return blocked end
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat > now then return tat - now end
redis.call('SET', KEYS[1], now + interval, 'PX', interval + 1000)
return 0`;

const BLOCK = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0`;

/**
 * `perSecond` requests a second, spaced by 1000/perSecond ms plus 5%: the provider counts arrivals in a
 * one-second window, and a request that left on time can still arrive a little early or late.
 */
export function createRequestLimiter(redis: Redis, keyPrefix: string, perSecond: number): RequestLimiter {
  const interval = Math.ceil((1000 / perSecond) * 1.05);
  const keys = [`${keyPrefix}:tat`, `${keyPrefix}:blocked`];
  return {
    async acquire() {
      for (;;) {
        const wait = Number(await redis.eval(ACQUIRE, 2, ...keys, interval));
        if (wait <= 0) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 5000)));
      }
    },
    async block(ms) {
      await redis.eval(BLOCK, 1, keys[1]!, Math.ceil(ms));
    },
  };
}
