// Client-side pacing for a rate-limited API. It reads the server's X-RateLimit-* headers after each
// answer and spreads the requests it has left over the time until the window resets, so a client
// slows down before the limit instead of running into 429s; a 429 closes the gate for Retry-After.

export interface RateGate {
  /** Resolves when the next request may start (and reserves that slot). */
  wait(): Promise<void>;
  /** Reads X-RateLimit-Limit / -Remaining / -Reset from an answer. */
  observe(headers: Headers): void;
  /** Nobody starts a request for `ms` (after a 429). */
  block(ms: number): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** X-RateLimit-Reset is epoch seconds at GitHub-style servers and seconds-from-now in the IETF draft. */
export function resetDelayMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) return undefined;
  return n > 1e9 ? Math.max(0, n * 1000 - now) : n * 1000;
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function createRateGate(clock: () => number = Date.now): RateGate {
  let nextSlot = 0;
  let spacingMs = 0;
  return {
    async wait() {
      const now = clock();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + spacingMs;
      if (slot > now) await sleep(slot - now);
    },
    observe(headers) {
      const remaining = Number(headers.get('x-ratelimit-remaining') ?? NaN);
      const reset = resetDelayMs(headers.get('x-ratelimit-reset'), clock());
      if (!Number.isFinite(remaining) || reset === undefined) return;
      // What is left, spread evenly over what remains of the window; nothing left: wait for the reset.
      spacingMs = remaining > 0 ? reset / remaining : 0;
      if (remaining <= 0) nextSlot = Math.max(nextSlot, clock() + reset);
    },
    block(ms) {
      nextSlot = Math.max(nextSlot, clock() + ms);
    },
  };
}
