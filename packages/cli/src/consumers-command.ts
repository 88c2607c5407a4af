// `onramp consumers [--json]` and `onramp consumers backfill --consumer C --from-seq N [--dry-run]`.
import { backfill, consumerStatuses } from '@onramp/core';
import type { CommandContext, Io } from './context.js';

const age = (seconds: number | null) =>
  seconds === null ? '-' : seconds < 120 ? `${seconds}s` : seconds < 7200 ? `${Math.round(seconds / 60)}m` : `${Math.round(seconds / 3600)}h`;

export async function listConsumers(ctx: CommandContext, io: Io, json: boolean): Promise<void> {
  const statuses = await consumerStatuses(ctx.db);
  if (json) return statuses.forEach((s) => io.out(JSON.stringify(s)));
  if (statuses.length === 0) return io.out('no consumer is registered yet (onramp migrate registers them)');
  io.out(['consumer'.padEnd(14), 'start'.padStart(8), 'pending'.padStart(8), 'oldest'.padStart(7), 'in flight'.padStart(9), 'dead'.padStart(6), '  types'].join(' '));
  for (const s of statuses) {
    io.out([
      s.consumer.padEnd(14),
      String(s.startSeq ?? 'new').padStart(8),
      String(s.pending).padStart(8),
      age(s.oldestPendingSeconds).padStart(7),
      String(s.inFlight).padStart(9),
      String(s.deadLetters).padStart(6),
      `  ${s.types.join(', ')}`,
    ].join(' '));
  }
}

export async function backfillConsumer(ctx: CommandContext, io: Io, consumer: string, fromSeq: number, dryRun: boolean): Promise<void> {
  const summary = await backfill(ctx.db, consumer, fromSeq, dryRun);
  io.out(dryRun
    ? `dry run: would hand ${summary.matched} earlier event(s) from seq ${fromSeq} to ${consumer}. Nothing was changed.`
    : `${summary.replayId}: ${summary.enqueued} earlier event(s) from seq ${fromSeq} scheduled for ${consumer}; its start is now ${fromSeq - 1}.`);
}
