// A service's own process (services/*/src/main.ts): the config, a logger, the log when the service uses
// one (its schema checked, never changed), its components, and a clean stop on SIGTERM/SIGINT. A start
// that fails ends the process with one line on stderr and the exit code of its cause (exitCodeOf).
import { loadConfig, type Config } from './config.js';
import { exitCodeOf } from './errors.js';
import { closeAll, closeOnSignal, exitWhenFlushed, type Closer } from './lifecycle.js';
import { connectLog, deliveryPrefix, type Db } from './log/database.js';
import { createLogger, type Logger } from './logger.js';
import type { ConsumerModule } from './queue/consumer-module.js';
import { waitForRedis } from './queue/wait-for-redis.js';

export interface OpenLog {
  db: Db;
  /** The BullMQ prefix of this log's queues. */
  queuePrefix: string;
}

/** Connects to the log named by DATABASE_URL; SchemaMismatch unless `onramp migrate` brought it to this code's schema. */
export async function openLog(config: Config): Promise<OpenLog> {
  const db = await connectLog(config.databaseUrl);
  try {
    return { db, queuePrefix: await deliveryPrefix(db, config.queuePrefix) };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

export interface ServiceProcess {
  config: Config;
  logger: Logger;
  /** openLog(config), closed with the process after the service's own components. */
  openLog(): Promise<OpenLog>;
  /** Resolves once Redis answers (a warning line every few seconds until then); a stop signal ends the wait. */
  waitForRedis(): Promise<void>;
}

export async function runService(name: string, start: (service: ServiceProcess) => Promise<Closer>): Promise<void> {
  const fail = (error: unknown): void => {
    process.stderr.write(`onramp ${name}: ${(error as Error).message}\n`);
    exitWhenFlushed(exitCodeOf(error));
  };
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    return fail(error);
  }
  const logger = createLogger(config.logLevel);
  const stopping = new AbortController();
  const closers: Closer[] = [async () => stopping.abort()];
  const close = closeAll(closers, logger);
  closeOnSignal(close, logger);
  try {
    const service: ServiceProcess = {
      config,
      logger,
      openLog: async () => {
        const log = await openLog(config);
        closers.push(() => log.db.destroy());
        return log;
      },
      waitForRedis: () => waitForRedis(config.redisUrl, {
        signal: stopping.signal,
        onWaiting: (line) => logger.warn({ dependency: 'Redis' }, line),
      }),
    };
    closers.push(await start(service));
  } catch (error) {
    // Stopped by a signal while starting (aborted before close(), which aborts too): closeOnSignal ends
    // the process, and that is no failure.
    const stopped = stopping.signal.aborted;
    await close();
    if (stopped) return;
    return fail(error);
  }
  logger.info({ service: name }, 'service started');
}

/**
 * A consumer module as its own process (`node services/<name>/dist/main.js`), with the options every
 * module takes; a module's extra options (the indexer's shared search runtime) are for `onramp start`.
 */
export function runConsumerService(module: ConsumerModule): Promise<void> {
  return runService(module.name, async ({ config, logger, openLog, waitForRedis }) => {
    await waitForRedis();
    const running = await module.start(config, { ...(await openLog()), logger });
    process.stdout.write(`${module.describe(config)}\n`);
    return () => running.close();
  });
}
