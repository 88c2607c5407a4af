// `onramp replay`: a progress bar on a terminal, a summary at the end.
import { SingleBar, Presets } from 'cli-progress';
import { replayRange, type ReplayRequest } from '@onramp/core';
import type { CommandContext, Io } from './context.js';

export async function replayCommand(ctx: CommandContext, io: Io, request: ReplayRequest): Promise<void> {
  const bar = io.isTty && request.dryRun !== true ? new SingleBar({ clearOnComplete: true }, Presets.shades_classic) : undefined;
  try {
    const summary = await replayRange(ctx.db, request, (done, total) => {
      if (done === total || done % 10_000 < 2000) bar?.start(total, 0);
      bar?.update(done);
    });
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
