// Group commit: concurrent appends (one per HTTP request) share one transaction. While a transaction is
// being written, new requests queue up; when it commits, everything queued goes in the next one. Each
// caller still gets only its own results, and a failure fails every caller of that transaction alike.
import type { CloudEvent } from '../events/cloud-event.js';
import type { AppendResult } from './event-log.js';

type Append = (events: CloudEvent[]) => Promise<AppendResult[]>;

interface Waiting {
  events: CloudEvent[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
}

export interface AppendBatcher {
  append(events: CloudEvent[]): Promise<AppendResult[]>;
}

export function createAppendBatcher(appendBatch: Append, maxEventsPerTransaction = 2000): AppendBatcher {
  const queue: Waiting[] = [];
  let writing = false;

  async function drain(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const group: Waiting[] = [];
      let count = 0;
      while (queue.length > 0 && (group.length === 0 || count + queue[0]!.events.length <= maxEventsPerTransaction)) {
        const next = queue.shift()!;
        group.push(next);
        count += next.events.length;
      }
      try {
        const results = await appendBatch(group.flatMap((w) => w.events));
        let offset = 0;
        for (const waiting of group) {
          waiting.resolve(results.slice(offset, offset + waiting.events.length));
          offset += waiting.events.length;
        }
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    writing = false;
  }

  return {
    append(events) {
      return new Promise<AppendResult[]>((resolve, reject) => {
        queue.push({ events, resolve, reject });
        if (!writing) {
          writing = true;
          // Let the other requests of this turn of the event loop join the first transaction.
          setImmediate(() => void drain());
        }
      });
    },
  };
}
