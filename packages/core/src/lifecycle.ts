// A process's end: on SIGTERM or SIGINT, close what was started, last first, each step on its own so
// that one failure never skips the rest, then exit 0. Closing twice is closing once.
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

export function closeOnSignal(close: () => Promise<void>, logger: Logger): void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    void close().then(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
