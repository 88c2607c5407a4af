// gitbook-sync as a consumer module: a GitBook account and the department's readers group, kept in step
// with the person's lifecycle.
import { OUTCOME, type Config, type ConsumerModule } from '@onramp/core';
import { GITBOOK_SUBSCRIBES } from './gitbook-consumer.js';
import { DRY_RUN_WARNING, startGitbookSync, type GitbookSyncOptions } from './start-gitbook-sync.js';

const dryRun = (config: Config) => config.gitbook.mode === 'dry-run' || config.gitbook.scimUrl === undefined;

export const gitbookModule: ConsumerModule<GitbookSyncOptions> = {
  name: 'gitbook-sync',
  kind: 'reactor',
  subscribes: GITBOOK_SUBSCRIBES,
  emits: [OUTCOME.accessGranted, OUTCOME.accessChanged, OUTCOME.accessRevoked, OUTCOME.accessFailed, OUTCOME.deprovisionHeld, OUTCOME.deadLettered],
  variables: ['GITBOOK_MODE', 'GITBOOK_SCIM_URL', 'GITBOOK_SCIM_TOKEN', 'GITBOOK_ON_LEAVE', 'DEPROVISION_THRESHOLD', 'DEPROVISION_WINDOW'],
  describe: (config) => `gitbook-sync ${dryRun(config) ? 'in dry run' : 'provisioning through SCIM'}`,
  standIn: (config) => (dryRun(config) ? DRY_RUN_WARNING : undefined),
  start: startGitbookSync,
};
