// `onramp start [--only a,b]`: the services in one process, each closed in turn on SIGTERM.
import { closeAll, closeOnSignal, openDeliveryQueues, resolveTokens, startDispatcher, startTracing, waitForRedis, type Closer, type Config } from '@onramp/core';
import { startIngest, startMnsIntakeComponent } from '@onramp/ingest';
import { AUTH_DISABLED_WARNING, searchApiAuthenticator, startSearchApi } from '@onramp/search-api';
import { CONSUMER_MODULES, registerModules } from './consumer-modules.js';
import type { CommandContext, Io } from './context.js';
import { acquireSearch } from './search-runtime.js';
import { UsageError } from './usage-error.js';

type Component = (ctx: CommandContext, io: Io) => Promise<Closer>;

/** A stand-in mode in production is printed at every start, beside the log's warning, for whoever watches. */
function warnInProduction(ctx: CommandContext, io: Io, pretending: boolean, warning: string): void {
  if (pretending && ctx.config.production) io.err(`WARNING: ${warning}`);
}

/** Every component `start` can run, in start order. */
export const COMPONENTS: Record<string, Component> = {
  ingest: async (ctx, io) => {
    const tokens = await resolveTokens(ctx.config, io.out);
    const ingest = await startIngest(ctx.config, { ...ctx, tokens, onAppended: () => ctx.appended.emit('appended') });
    io.out(`ingest listening on ${ingest.url}`);
    return () => ingest.close();
  },
  // The outbox relay: one leader at a time however many run, so every ingest process may run one.
  dispatcher: async (ctx) => {
    const queues = openDeliveryQueues(ctx.config.redisUrl, ctx.queuePrefix);
    const dispatcher = startDispatcher(ctx.db, queues, ctx.logger.child({ component: 'dispatcher' }));
    const wake = () => dispatcher.wake();
    ctx.appended.on('appended', wake);
    return async () => {
      ctx.appended.off('appended', wake);
      await dispatcher.close();
      await queues.close();
    };
  },
  ...Object.fromEntries(
    CONSUMER_MODULES.map((module): [string, Component] => [
      module.name,
      async (ctx, io) => {
        const running = await module.start(ctx.config, { ...ctx, runtime: { registry: ctx.registry }, acquireSearch: () => acquireSearch(ctx) });
        io.out(module.describe(ctx.config));
        const standIn = module.standIn?.(ctx.config);
        warnInProduction(ctx, io, standIn !== undefined, standIn ?? '');
        return () => running.close();
      },
    ]),
  ),
  // Polls MNS_QUEUE (EventBridge's MNS target) into the log; several may poll one queue.
  'mns-intake': async (ctx, io) => {
    const intake = await startMnsIntakeComponent(ctx.config, { db: ctx.db, logger: ctx.logger, onAppended: () => ctx.appended.emit('appended') });
    io.out(`mns-intake polling ${intake.url}`);
    return () => intake.close();
  },
  'search-api': async (ctx, io) => {
    const { search, release } = await acquireSearch(ctx);
    const api = await startSearchApi(ctx.config, { logger: ctx.logger, search }).catch(async (error: unknown) => {
      await release();
      throw error;
    });
    io.out(`search-api listening on ${api.url} (OpenAPI at ${api.url}/docs)`);
    warnInProduction(ctx, io, api.auth === 'disabled', AUTH_DISABLED_WARNING);
    return async () => {
      await api.close();
      await release();
    };
  },
};

/** Components `start` runs without --only only when configured: MNS intake needs a queue. */
function configured(name: string, config: Config | undefined): boolean {
  return name !== 'mns-intake' || config?.mns.queue !== undefined;
}

export function chooseComponents(only: string | undefined, config?: Config): string[] {
  if (only === undefined) return Object.keys(COMPONENTS).filter((name) => configured(name, config));
  const chosen = only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = chosen.filter((name) => COMPONENTS[name] === undefined);
  if (unknown.length > 0 || chosen.length === 0) {
    throw new UsageError(`--only takes a comma-separated list of ${Object.keys(COMPONENTS).join(', ')}; got "${only}"`);
  }
  return chosen;
}

/**
 * The configuration checks of the chosen components beyond loadConfig's, run before anything starts, so
 * that a bad setting of the last component does not leave the first ones started (ConfigError).
 */
const CONFIG_CHECKS: Record<string, (config: Config) => void> = {
  'search-api': (config) => void searchApiAuthenticator(config),
};

export function checkComponentsConfig(config: Config, names: string[]): void {
  for (const name of names) CONFIG_CHECKS[name]?.(config);
}

/** Every component but search-api (which reads the index only) talks to Redis. */
const needsRedis = (names: string[]) => names.some((name) => name !== 'search-api');

/** Starts the components; returns 'stopped' when a signal stopped it while starting (the signal ends the process). */
export async function startCommand(ctx: CommandContext, io: Io, names: string[]): Promise<'started' | 'stopped'> {
  const stopping = new AbortController();
  // Closed last, after the components: what they traced while stopping is exported too.
  const tracing = await startTracing({ ...ctx.config.tracing, serviceName: ctx.config.tracing.serviceName ?? 'onramp' });
  const closers: Closer[] = [() => tracing.shutdown(), () => ctx.db.destroy(), async () => stopping.abort()];
  const close = closeAll(closers, ctx.logger);
  closeOnSignal(close, ctx.logger);
  try {
    // `onramp migrate` recorded every consumer's subscription; recording them again (rows, no DDL) keeps a
    // deploy that adds a consumer without a migration from missing events appended before its worker runs.
    await registerModules(ctx.db);
    if (needsRedis(names)) await waitForRedis(ctx.config.redisUrl, { signal: stopping.signal, onWaiting: io.err });
    for (const name of names) closers.push(await COMPONENTS[name]!(ctx, io));
  } catch (error) {
    // Aborted before close() (which aborts too): a signal stopped the start, and that is no failure.
    const stopped = stopping.signal.aborted;
    await close();
    if (stopped) return 'stopped';
    throw error;
  }
  ctx.logger.info({ components: names }, 'onramp started');
  io.out(`onramp started: ${names.join(', ')}`);
  return 'started';
}
