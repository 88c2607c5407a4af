// Wires the ingest service for a process: the HTTP door and its group-committing appender.
// The outbox dispatcher is its own component (it may run here or in another process).
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import {
  appendEvents,
  cloudEventsDoor,
  createAppendBatcher,
  metricsToken,
  createRegistry,
  deliveryPrefix,
  openDeliveryQueues,
  redisOptions,
  registerConsumerMetrics,
  subscribedConsumers,
  type Config,
  type Db,
  type Logger,
  type Tokens,
} from '@onramp/core';
import { redisConsoleSessions } from './console/console-sessions.js';
import { buildIngestApp } from './ingest-app.js';
import type { CallbackKeys } from './idaas/idaas-token.js';

/** The IDaaS callback door's settings, or undefined when IDAAS_CALLBACK_APP_ID is not set. */
export function callbackKeys(config: Config): CallbackKeys | undefined {
  const { applicationId, jwksUrl, jwks, encryptionKey, clockSkewSeconds } = config.idaasCallback;
  return applicationId === undefined ? undefined : { applicationId, jwksUrl, jwks, encryptionKey, clockSkewSeconds };
}

/** How long a console login lasts. */
export const CONSOLE_SESSION_SECONDS = 8 * 3600;
/** The HR webhook door's settings, or undefined when HR_WEBHOOK_SECRET is not set. */
export function hrWebhook(config: Config) {
  const { keys, mapping, toleranceSeconds } = config.hrWebhook;
  return keys.length === 0 || mapping === undefined ? undefined : { keys, mapping, toleranceSeconds };
}

export interface RunningIngest {
  url: string;
  close(): Promise<void>;
}

export async function startIngest(
  config: Config,
  deps: { db: Db; logger: Logger; tokens: Tokens; onAppended?: () => void; registry?: Registry },
): Promise<RunningIngest> {
  const logger = deps.logger.child({ service: 'ingest' });
  const batcher = createAppendBatcher((events) => appendEvents(deps.db, events));
  // Only for /readyz: the events reach Redis through the dispatcher, which must be able to.
  const redis = new Redis({ ...redisOptions(config.redisUrl, 'producer'), lazyConnect: true });
  redis.on('error', () => undefined); // reported by /readyz
  // Ingest's /metrics also carries every consumer's lag, in-flight work, dead letters and queue depth
  // (consumers have no HTTP port of their own); read on scrape, from MySQL and BullMQ.
  const registry = deps.registry ?? createRegistry('ingest');
  const prefix = await deliveryPrefix(deps.db, config.queuePrefix);
  const queues = openDeliveryQueues(config.redisUrl, prefix);
  registerConsumerMetrics(registry, deps.db, (consumer) => queues.queue(consumer).getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'));
  const app = buildIngestApp({
    db: deps.db,
    // Called inside the request's span: the batcher stamps each event with its trace context.
    append: (events) => batcher.append(events),
    tokens: deps.tokens,
    maxBodyBytes: config.ingest.maxBodyBytes,
    logger,
    registry,
    checks: {
      mysql: () => sql`SELECT 1`.execute(deps.db),
      redis: () => redis.ping(),
    },
    ...(deps.onAppended === undefined ? {} : { onAppended: deps.onAppended }),
    door: cloudEventsDoor(config.ingest.allowedSources),
    docsRoots: config.docsRoots,
    metricsToken: metricsToken(config, deps.tokens.admin),
    idaasCallback: callbackKeys(config),
    scimServerToken: config.scimServer.token,
    console: {
      sessions: redisConsoleSessions(redis, prefix, CONSOLE_SESSION_SECONDS),
      secureCookies: config.production,
      queues,
      consumers: [...(await subscribedConsumers(deps.db)).keys()],
    },
    hrWebhook: hrWebhook(config),
  });
  const url = await app.listen({ port: config.ingest.port, host: config.ingest.host });
  logger.info({ url }, 'ingest listening');
  return {
    url,
    async close() {
      await app.close().catch((error: unknown) => logger.warn({ err: error }, 'closing HTTP failed'));
      await queues.close().catch((error: unknown) => logger.warn({ err: error }, 'closing queue handles failed'));
      redis.disconnect();
    },
  };
}
