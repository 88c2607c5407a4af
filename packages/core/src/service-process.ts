// A service's own process (services/*/src/main.ts): the config, a logger, the log when the service uses
// one (its schema checked, never changed), its components, and a clean stop on SIGTERM/SIGINT. A start
// that fails ends the process with one line on stderr and the exit code of its cause (exitCodeOf).
import Fastify from 'fastify';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import { loadConfig, type Config } from './config.js';
import { createRegistry, metricsToken, registerOpsRoutes, type ReadinessChecks } from './http/ops-routes.js';
import { exitCodeOf } from './errors.js';
import { closeAll, closeOnSignal, exitWhenFlushed, type Closer } from './lifecycle.js';
import { connectLog, deliveryPrefix, type Db } from './log/database.js';
import { createLogger, type Logger } from './logger.js';
import type { ConsumerModule } from './queue/consumer-module.js';
import { waitForRedis } from './queue/wait-for-redis.js';
import { startTracing } from './tracing/start-tracing.js';

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
  const tracing = await startTracing({ ...config.tracing, serviceName: config.tracing.serviceName ?? `onramp-${name}` });
  const closers: Closer[] = [() => tracing.shutdown(), async () => stopping.abort()];
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
    const registry = createRegistry(module.name);
    const log = await openLog();
    const running = await module.start(config, { ...log, logger, runtime: { registry } });
    process.stdout.write(`${module.describe(config)}\n`);
    // A consumer has no HTTP port of its own: its effect latency and errors are scraped here when asked for.
    const ops = config.metricsPort === undefined ? undefined : await serveOps(config, registry, { mysql: () => sql`SELECT 1`.execute(log.db) });
    if (ops !== undefined) logger.info({ url: ops.url }, 'metrics listening');
    return async () => {
      await running.close();
      await ops?.close();
    };
  });
}

/** /healthz, /readyz and /metrics on METRICS_PORT, for a process that serves nothing else. */
async function serveOps(config: Config, registry: Registry, checks: ReadinessChecks): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false, bodyLimit: 1024 });
  registerOpsRoutes(app, registry, checks, { metricsToken: metricsToken(config, config.adminToken) });
  const url = await app.listen({ port: config.metricsPort ?? 0, host: config.ingest.host });
  return { url, close: () => app.close() };
}
