// `onramp replay`: a progress bar on a terminal, a summary at the end.
import { replayRange, type ReplayRequest } from '@onramp/core';
import type { CommandContext, Io } from './context.js';
import { progressBar } from './progress.js';

export async function replayCommand(ctx: CommandContext, io: Io, request: ReplayRequest): Promise<void> {
  const bar = request.dryRun === true ? undefined : progressBar(io, 'scheduling');
  try {
    const summary = await replayRange(ctx.db, request, (done, total) => bar?.update(done, total));
    bar?.stop();
    const skip = request.force === true ? 'delivered again (--force)' : 'skipped by the consumer (use --force to redo)';
    if (summary.dryRun) {
      io.out(`dry run: would deliver ${summary.matched} event(s) to ${request.consumer}; ${summary.alreadyCompleted} already completed would be ${skip}. Nothing was changed.`);
    } else {
      io.out(`${summary.replayId}: scheduled ${summary.enqueued} of ${summary.matched} event(s) for ${request.consumer} (the relay queues them, each person's in order); ${summary.alreadyCompleted} already completed will be ${skip}.`);
    }
  } finally {
    bar?.stop();
  }
}
