// Joiners posted to ingest over HTTP as EventBridge's API destination does: one structured CloudEvent
// per request, retried while ingest answers 5xx or cannot be reached (EventBridge retries for hours;
// the drill until its deadline).
import { eventBridgeJoiner } from '@onramp/core/testing';
import { sleep } from './free-port.js';

export interface PostTally {
  /** Requests answered 202, by what ingest said the event was. */
  appended: number;
  duplicates: number;
  /** Answers 4xx: nothing written, nothing retried. */
  rejected: number;
  /** Retries after a 5xx or a connection error. */
  retries: number;
  /** Events never accepted before the deadline. */
  gaveUp: number;
  /** The people whose joiner ingest accepted (appended, or already there). */
  people: Set<string>;
}

export function emptyTally(): PostTally {
  return { appended: 0, duplicates: 0, rejected: 0, retries: 0, gaveUp: 0, people: new Set() };
}

export interface PostOptions {
  ingestUrl: string;
  token: string;
  concurrency: number;
  deadline: number;
  /** Pause between one worker's requests, to spread the load over time (ms). */
  paceMs?: number;
}

async function postOne(key: string, options: PostOptions, tally: PostTally): Promise<void> {
  const body = JSON.stringify(eventBridgeJoiner(key));
  for (;;) {
    let status: number | undefined;
    try {
      const answer = await fetch(`${options.ingestUrl}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/cloudevents+json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      status = answer.status;
      if (status === 202) {
        const result = (await answer.json()) as { appended: number; duplicates: number };
        tally.appended += result.appended;
        tally.duplicates += result.duplicates;
        tally.people.add(key);
        return;
      }
      await answer.body?.cancel();
    } catch {
      // unreachable or timed out: retried below, as a 5xx
    }
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
      tally.rejected++;
      return;
    }
    if (Date.now() > options.deadline) {
      tally.gaveUp++;
      return;
    }
    tally.retries++;
    await sleep(500);
  }
}

/** Posts the joiners with `concurrency` requests in flight; resolves when every one is settled. */
export async function postJoiners(keys: string[], options: PostOptions, tally: PostTally = emptyTally()): Promise<PostTally> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      await postOne(key, options, tally);
      if (options.paceMs !== undefined) await sleep(options.paceMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, keys.length) }, worker));
  return tally;
}
