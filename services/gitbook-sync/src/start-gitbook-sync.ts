// Wires gitbook-sync for a process: the consumer and its worker.
import { runConsumer, type Config, type ScimClient, type ServiceWorkerOptions } from '@onramp/core';
import { GITBOOK_SUBSCRIBES, gitbookConsumer } from './gitbook-consumer.js';

export interface GitbookSyncOptions extends ServiceWorkerOptions {
  /** A SCIM client of the caller's; otherwise built from the config. */
  scim?: ScimClient;
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
  const worker = await runConsumer(definition, GITBOOK_SUBSCRIBES, config.redisUrl, options, logger);
  return { dryRun, close: () => worker.close() };
}
