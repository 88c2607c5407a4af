// An 'error' listener for a Redis client (ioredis, or a BullMQ worker's) that reconnects by itself: one
// warning line saying what is wrong, at most every few seconds, instead of a stack trace per attempt.
// Without a listener at all ioredis prints "[ioredis] Unhandled error event" on stderr.
import { addressOf, connectionFailureReason } from '../dependency-failure.js';
import type { Logger } from '../logger.js';

export function redisErrorReporter(logger: Logger, url: string, everyMs = 5000): (error: unknown) => void {
  let reportedAt = -Infinity;
  return (error) => {
    if (Date.now() - reportedAt < everyMs) return;
    reportedAt = Date.now();
    const reason = connectionFailureReason(error) ?? (error as Error).message;
    const code = (error as { code?: unknown }).code;
    logger.warn({ dependency: 'Redis', ...(typeof code === 'string' ? { code } : {}) }, `Redis at ${addressOf(url, 6379)} (REDIS_URL) ${reason}; reconnecting`);
  };
}
