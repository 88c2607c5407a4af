// Group commit: concurrent appends (one per HTTP request) share transactions. Requests that arrive while
// the transactions in flight are being written queue up and go together into the next one. A few
// transactions may be in flight at once, so that some are being built while others wait for their commit.
// Each caller gets only its own results. When a shared transaction fails, each caller's events are tried
// again in a transaction of their own, so that one unstorable event fails only the request that sent it;
// when the database itself is down, that would not help, and every caller gets the failure at once.
import type { CloudEvent } from '../events/cloud-event.js';
import { isLogUnavailable } from './append-failure.js';
import type { AppendResult } from './event-log.js';
import { stampTraceContext } from '../tracing/trace-context.js';

type Append = (events: CloudEvent[]) => Promise<AppendResult[]>;

interface Waiting {
  events: CloudEvent[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
}

export interface AppendBatcher {
  append(events: CloudEvent[]): Promise<AppendResult[]>;
}

export interface AppendBatcherOptions {
  maxEventsPerTransaction?: number;
  transactionsInFlight?: number;
}

export function createAppendBatcher(appendBatch: Append, options: AppendBatcherOptions = {}): AppendBatcher {
  const { maxEventsPerTransaction = 2000, transactionsInFlight = 4 } = options;
  const queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  function takeGroup(): Waiting[] {
    const group: Waiting[] = [];
    let count = 0;
    while (queue.length > 0 && (group.length === 0 || count + queue[0]!.events.length <= maxEventsPerTransaction)) {
      const next = queue.shift()!;
      group.push(next);
      count += next.events.length;
    }
    return group;
  }

  async function alone(waiting: Waiting): Promise<void> {
    try {
      waiting.resolve(await appendBatch(waiting.events));
    } catch (error) {
      waiting.reject(error);
    }
  }

  async function write(group: Waiting[]): Promise<void> {
    if (group.length === 1) return alone(group[0]!);
    try {
      const results = await appendBatch(group.flatMap((w) => w.events));
      let offset = 0;
      for (const waiting of group) {
        waiting.resolve(results.slice(offset, offset + waiting.events.length));
        offset += waiting.events.length;
      }
    } catch (error) {
      // The shared transaction rolled back whole, so nothing of any caller is written yet.
      if (isLogUnavailable(error)) for (const waiting of group) waiting.reject(error);
      else await Promise.all(group.map(alone));
    }
  }

  function pump(): void {
    scheduled = false;
    while (inFlight < transactionsInFlight && queue.length > 0) {
      inFlight++;
      void write(takeGroup()).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    append(events) {
      return new Promise<AppendResult[]>((resolve, reject) => {
        // The batch is written later, outside the caller's context: each event takes its trace context now.
        queue.push({ events: stampTraceContext(events), resolve, reject });
        if (!scheduled && inFlight < transactionsInFlight) {
          scheduled = true;
          // Let the other requests of this turn of the event loop join the same transaction.
          setImmediate(pump);
        }
      });
    },
  };
}
