// Wires gitbook-sync for a process: the consumer and its worker.
import { runConsumer, type Config, type ScimClient, type ServiceWorkerOptions } from '@onramp/core';
import { GITBOOK_SUBSCRIBES, gitbookConsumer } from './gitbook-consumer.js';

export const DRY_RUN_WARNING = 'GITBOOK_MODE=dry-run in production: no GitBook access is granted, the SCIM calls are only recorded';

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
  const dryRun = options.scim === undefined && (config.gitbook.mode === 'dry-run' || config.gitbook.scimUrl === undefined);
  // In production a dry run is only ever asked for by name (GITBOOK_MODE=dry-run), and still said at every start.
  if (dryRun && config.production) logger.warn(DRY_RUN_WARNING);
  else if (dryRun) logger.info('GitBook dry run: the SCIM calls are recorded in the outcome events, not made');
  const definition = gitbookConsumer(config, {
    db: options.db,
    ...(options.scim === undefined ? {} : { scim: options.scim }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  const worker = await runConsumer(definition, GITBOOK_SUBSCRIBES, config.redisUrl, options, logger);
  return { dryRun, close: () => worker.close() };
}
