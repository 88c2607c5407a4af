// `onramp events list|tail`: the log, in order, with the same filters as GET /events.
import { readEvents, toStructured, type EventFilter, type StoredEvent } from '@onramp/core';
import type { CommandContext, Io } from './context.js';
import { terminalSafe, terminalSafeJson } from './terminal-safe.js';

function line(event: StoredEvent, json: boolean): string {
  if (json) return terminalSafeJson({ seq: event.seq, recorded_at: event.recordedAt.toISOString(), event: toStructured(event) });
  const when = event.recordedAt.toISOString();
  return [String(event.seq).padStart(8), when, terminalSafe(event.type).padEnd(32), terminalSafe(event.subject ?? '-'), terminalSafe(`${event.source} ${event.id}`)].join('  ');
}

/** The page asked for; one more row is read to know whether to say that more follow (on stderr, so JSON output stays JSON). */
export async function listEvents(ctx: CommandContext, io: Io, filter: EventFilter & { limit: number }, json: boolean): Promise<void> {
  const events = await readEvents(ctx.db, { ...filter, limit: filter.limit + 1 });
  const page = events.slice(0, filter.limit);
  for (const event of page) io.out(line(event, json));
  const last = page.at(-1);
  if (events.length > filter.limit && last !== undefined) {
    io.err(`${filter.limit} event(s) shown and more follow: run it again with --after ${last.seq} (or a larger --limit)`);
  }
}

export async function tailEvents(
  ctx: CommandContext,
  io: Io,
  filter: EventFilter,
  json: boolean,
  signal: AbortSignal,
): Promise<void> {
  let after = filter.after ?? 0;
  while (!signal.aborted) {
    const events = await readEvents(ctx.db, { ...filter, after, limit: 500 });
    for (const event of events) io.out(line(event, json));
    after = events.at(-1)?.seq ?? after;
    if (events.length < 500) await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
