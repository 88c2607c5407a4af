// A process's end: on SIGTERM or SIGINT, close what was started, last first, each step on its own so
// that one failure never skips the rest, then exit 0 once the output is flushed. Closing twice is closing once.
import type { Logger } from './logger.js';

export type Closer = () => Promise<void>;

export function closeAll(closers: Closer[], logger: Logger): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      for (const close of [...closers].reverse()) {
        try {
          await close();
        } catch (error) {
          logger.warn({ err: error }, 'error during shutdown');
        }
      }
    })();
    return closing;
  };
}

/**
 * On the first SIGTERM or SIGINT, close and exit 0. A close that hangs (a BullMQ worker waiting for a
 * Redis that is gone) ends after `deadlineMs` with exit 1 and a line saying so; a second signal ends the
 * process at once (the handlers are `once`, so the default action applies).
 */
export function closeOnSignal(close: () => Promise<void>, logger: Logger, deadlineMs = 10_000): void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.warn({ deadlineMs }, 'shutdown did not finish in time; exiting without waiting for the rest');
      exitWhenFlushed(1);
    }, deadlineMs);
    deadline.unref();
    void close().then(() => {
      clearTimeout(deadline);
      exitWhenFlushed(0);
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/**
 * Ends the process with `code` once stdout and stderr have handed over everything written so far, so a
 * pipe reader (`| jq`) gets the whole output: process.exit() right after a write cuts a pipe short at
 * 64 KiB. The exit code is set first, so a process that ends by itself ends with it; the exit itself only
 * comes a second after flushing, for a handle someone left open (it never delays a process that ends).
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const flushed = () => {
    if (--pending === 0) setTimeout(() => process.exit(), 1000).unref();
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}
