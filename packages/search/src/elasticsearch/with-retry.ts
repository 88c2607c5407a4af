// Elasticsearch answers 429 when a thread pool's queue is full: back-pressure that usually clears within a
// second. The client retries only connection failures and 502/503/504, so 429 is retried here, a few times
// with full-jitter exponential backoff (honouring Retry-After), before the caller gets a RetryableError.
import { errors } from '@elastic/elasticsearch';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before attempt `attempt + 1`; a Retry-After in seconds wins when given. */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfter?: string | string[]): number {
  const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, policy.maxDelayMs);
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

export async function withRetry<T>(policy: RetryPolicy, run: () => Promise<T>): Promise<T> {
  const sleep = policy.sleep ?? delay;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const throttled = error instanceof errors.ResponseError && error.statusCode === 429;
      if (!throttled || attempt + 1 >= policy.attempts) throw error;
      await sleep(backoffMs(policy, attempt, error.headers?.['retry-after']));
    }
  }
}
