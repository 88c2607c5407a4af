// A progress bar on a terminal (stderr), shown from the first item on, nothing otherwise. A command with
// phases (reindex: read the log, then embed) restarts the bar with each phase's own total.
import { Presets, SingleBar } from 'cli-progress';
import type { Io } from './context.js';

export interface Progress {
  update(done: number, total: number, phase?: string): void;
  stop(): void;
}

const NONE: Progress = { update: () => undefined, stop: () => undefined };

export function progressBar(io: Io, label: string): Progress {
  if (!io.isTty) return NONE;
  const stream = io.progressStream ?? process.stderr;
  const bar = new SingleBar({
    stream,
    // A stream handed in (tests) is drawn on even when it is not a terminal, at once rather than every 2 s.
    noTTYOutput: io.progressStream !== undefined,
    notTTYSchedule: 10,
    clearOnComplete: true,
    format: '{phase} {bar} {value}/{total}',
  }, Presets.shades_classic);
  let current: string | undefined;
  return {
    update(done, total, phase = label) {
      if (phase !== current) {
        if (current !== undefined) bar.stop();
        current = phase;
        bar.start(total, done, { phase });
        return;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (current !== undefined) bar.stop();
      current = undefined;
    },
  };
}
