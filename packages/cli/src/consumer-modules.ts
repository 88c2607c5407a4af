// The one list of consumer modules. Adding a consumer is a folder under services/ and a line here.
import { registerSubscriptions, type ConsumerModule, type Db } from '@onramp/core';
import { gitbookModule } from '@onramp/gitbook-sync';
import { idaasProvisionerModule } from '@onramp/idaas-provisioner';
import { indexerModule, type IndexerOptions } from '@onramp/indexer';
import { mailerModule } from '@onramp/mailer';

/** What `onramp start` hands every module: the worker options plus the process's shared search runtime. */
export type ModuleOptions = IndexerOptions;

export const CONSUMER_MODULES: readonly ConsumerModule<ModuleOptions>[] = [mailerModule, gitbookModule, indexerModule, idaasProvisionerModule];

export const consumerNames = (): string[] => CONSUMER_MODULES.map((m) => m.name);

/** Records every listed module's subscriptions, so that events appended from now on are theirs. */
export async function registerModules(db: Db, modules: readonly ConsumerModule<ModuleOptions>[] = CONSUMER_MODULES): Promise<void> {
  for (const module of modules) await registerSubscriptions(db, module.name, module.subscribes);
}
