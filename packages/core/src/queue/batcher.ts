// Group commit: calls that arrive while a batch is being written wait and go together in a next one.
// An idle batcher starts a batch at once (alone, unless others arrive in the same tick), so a quiet
// queue pays no added latency and a busy one pays one write per batch instead of one per call. One
// batch is written at a time (two at once measured no faster, and would lock rows side by side).

/** A result that fails its own call only (the batch's other calls get theirs). */
export class BatchItemFailure {
  constructor(readonly error: unknown) {}
}

/** Returns a function that queues `item` and resolves with its result from `run(batch)[i]`. */
export function createBatcher<I, O>(run: (items: I[]) => Promise<(O | BatchItemFailure)[]>, maxBatch: number): (item: I) => Promise<O> {
  let queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  let running = false;
  async function drain(): Promise<void> {
    running = true;
    await Promise.resolve(); // callers of the same tick join the first batch
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(maxBatch);
      try {
        const results = await run(batch.map((entry) => entry.item));
        batch.forEach((entry, i) => {
          const result = results[i];
          if (result instanceof BatchItemFailure) entry.reject(result.error);
          else entry.resolve(result as O);
        });
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    running = false;
  }
  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!running) void drain();
    });
}
