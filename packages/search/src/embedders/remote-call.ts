// What the remote embedders share: batching, retries with backoff for transient failures, and the check that
// the service returned one vector of the declared dimension per input — a wrong dimension must stop indexing
// with a clear message, not fill the index with vectors it cannot compare.
import { PermanentError, RetryableError } from '@onramp/core';

/** A failure worth another attempt (429, 5xx, timeout, connection); `retryAfterMs` when the service said. */
export class TransientFailure extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class EmbeddingDimensionMismatch extends PermanentError {
  constructor(provider: string, got: number, declared: number) {
    super(
      `${provider} returned ${got}-dimensional embeddings, but EMBEDDING_DIMENSION is ${declared}; ` +
        'set EMBEDDING_DIMENSION to the model’s dimension (and reindex) or point to the intended model',
      'embedding_dimension_mismatch',
    );
  }
}

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetries<T>(what: string, attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const sleep = policy.sleep ?? delay;
  const base = policy.baseDelayMs ?? 250;
  const cap = policy.maxDelayMs ?? 10_000;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      if (tries >= policy.maxRetries) {
        throw new RetryableError(`${what}: ${error.message} (gave up after ${tries + 1} attempts)`, error.retryAfterMs, { cause: error });
      }
      // Full jitter, so that workers throttled together do not come back together.
      const backoff = Math.random() * Math.min(cap, base * 2 ** tries);
      await sleep(Math.min(cap, error.retryAfterMs ?? backoff));
    }
  }
}

export function inBatches<T>(items: T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

export function toVectors(provider: string, vectors: unknown[], expected: number, dimension: number): Float32Array[] {
  if (vectors.length !== expected) throw new PermanentError(`${provider} returned ${vectors.length} embeddings for ${expected} inputs`, 'embedding_bad_response');
  return vectors.map((v) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new PermanentError(`${provider} returned an embedding that is not a list of numbers`, 'embedding_bad_response');
    }
    if (v.length !== dimension) throw new EmbeddingDimensionMismatch(provider, v.length, dimension);
    return Float32Array.from(v as number[]);
  });
}

/** Seconds or an HTTP date, as Retry-After may be; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
