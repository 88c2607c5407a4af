// `onramp dlq list|retry`: deliveries that failed for good.
import { listDeadLetters, listIntakeDeadLetters, retryDeadLetters, type Consumer } from '@onramp/core';
import type { CommandContext, Io } from './context.js';
import { terminalSafe, terminalSafeJson } from './terminal-safe.js';

export async function listDlq(ctx: CommandContext, io: Io, consumer: Consumer | undefined, json: boolean): Promise<void> {
  const letters = await listDeadLetters(ctx.db, consumer);
  // Messages an intake could not turn into events have no consumer; they are listed unless one is asked for.
  const intake = consumer === undefined ? await listIntakeDeadLetters(ctx.db) : [];
  if (json) {
    letters.forEach((l) => io.out(terminalSafeJson(l)));
    intake.forEach((l) => io.out(terminalSafeJson(l)));
    return;
  }
  if (letters.length === 0 && intake.length === 0) return io.out('no dead letters');
  for (const l of letters) {
    io.out(terminalSafe([l.consumer.padEnd(13), String(l.seq).padStart(8), l.type.padEnd(24), `${l.attempts} attempt(s)`, l.code, l.error].join('  ')));
  }
  for (const l of intake) {
    // The raw body may hold a person's data: the list names the message; --json shows the body.
    io.out(terminalSafe([l.intake.padEnd(13), l.messageId, l.receivedAt.toISOString(), l.code, l.error].join('  ')));
  }
}

export async function retryDlq(ctx: CommandContext, io: Io, consumer: Consumer, seq: number | undefined): Promise<void> {
  const count = await retryDeadLetters(ctx.db, consumer, seq);
  io.out(`scheduled ${count} dead letter(s) for ${consumer} again; the relay queues them`);
}
