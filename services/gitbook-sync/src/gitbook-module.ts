// gitbook-sync as a consumer module: a GitBook account and the department's readers group, kept in step
// with the person's lifecycle.
import { OUTCOME, type ConsumerModule } from '@onramp/core';
import { GITBOOK_SUBSCRIBES } from './gitbook-consumer.js';
import { startGitbookSync, type GitbookSyncOptions } from './start-gitbook-sync.js';

export const gitbookModule: ConsumerModule<GitbookSyncOptions> = {
  name: 'gitbook-sync',
  kind: 'reactor',
  subscribes: GITBOOK_SUBSCRIBES,
  emits: [OUTCOME.accessGranted, OUTCOME.accessChanged, OUTCOME.accessRevoked, OUTCOME.accessFailed, OUTCOME.deadLettered],
  variables: ['GITBOOK_SCIM_URL', 'GITBOOK_SCIM_TOKEN'],
  describe: (config) => `gitbook-sync ${config.gitbook.scimUrl === undefined ? 'in dry run (GITBOOK_SCIM_URL unset)' : 'provisioning through SCIM'}`,
  start: startGitbookSync,
};
