// The consumer list as deployment files need it: deploy/consumers.json is this, written by
// `npm run deploy:consumers`; Terraform reads that file and a test holds docker-compose.yml to it.
import type { ConsumerModule } from '@onramp/core';
import { CONSUMER_MODULES, type ModuleOptions } from './consumer-modules.js';

export interface DeployedConsumer {
  name: string;
  kind: 'reactor' | 'projection';
  /** The process entry, relative to the repository (and to /app in the image). */
  main: string;
  /** The variables it reads beyond the shared ones. */
  variables: readonly string[];
}

export interface DeployConsumers {
  comment: string;
  consumers: DeployedConsumer[];
}

export function deployConsumers(modules: readonly ConsumerModule<ModuleOptions>[] = CONSUMER_MODULES): DeployConsumers {
  return {
    comment: 'Written by `npm run deploy:consumers` from packages/cli/src/consumer-modules.ts; do not edit. docker-compose.yml and infra/ take their consumers from here.',
    // A consumer's folder is named after it (services/<name>): packages/cli/test/deploy-consumers.test.ts checks the entry exists.
    consumers: modules.map((m) => ({ name: m.name, kind: m.kind, main: `services/${m.name}/dist/main.js`, variables: m.variables })),
  };
}
