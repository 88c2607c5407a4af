// `onramp mns drain <queue>`: EventBridge's dead-letter queue (or any queue of its events) into the log.
import { drainMnsQueue } from '@onramp/ingest';
import type { CommandContext, Io } from './context.js';
import { terminalSafe } from './terminal-safe.js';

export async function drainMns(ctx: CommandContext, io: Io, queue: string): Promise<void> {
  const counts = await drainMnsQueue(ctx.config, ctx, queue);
  io.out(terminalSafe(`drained ${queue}: ${counts.appended} appended, ${counts.duplicate} already in the log, ${counts['dead-lettered']} kept as dead letters (onramp dlq list)`));
}
