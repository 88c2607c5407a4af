// Wires gitbook-sync for a process: the consumer and its worker.
import { createConsumerWorker, type Config, type ConsumerRuntime, type Db, type Logger, type ScimClient } from '@onramp/core';
import { gitbookConsumer } from './gitbook-consumer.js';

export interface GitbookSyncOptions {
  db: Db;
  logger: Logger;
  queuePrefix: string;
  /** Tests and benchmarks pass a client that counts requests; otherwise built from the config. */
  scim?: ScimClient;
  runtime?: Pick<ConsumerRuntime, 'lockDurationMs' | 'stalledIntervalMs' | 'shutdownGraceMs'>;
  concurrency?: number;
}

export interface RunningGitbookSync {
  dryRun: boolean;
  close(): Promise<void>;
}

export async function startGitbookSync(config: Config, options: GitbookSyncOptions): Promise<RunningGitbookSync> {
  const logger = options.logger.child({ service: 'gitbook-sync' });
  const dryRun = options.scim === undefined && config.gitbook.scimUrl === undefined;
  if (dryRun) logger.info('no GITBOOK_SCIM_URL: dry run, the SCIM calls are recorded in the outcome events');
  const definition = gitbookConsumer(config, {
    db: options.db,
    ...(options.scim === undefined ? {} : { scim: options.scim }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  const worker = createConsumerWorker(definition, {
    db: options.db,
    redisUrl: config.redisUrl,
    prefix: options.queuePrefix,
    logger,
    ...options.runtime,
  });
  await worker.start();
  return { dryRun, close: () => worker.close() };
}
