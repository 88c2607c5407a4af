// Wires the idaas-provisioner for a process: the SCIM client for IDaaS and the worker. Off (no worker,
// HR events wait in the log for it) unless IDAAS_SCIM_URL and IDAAS_SCIM_TOKEN are set.
import { createScimClient, runConsumer, type Config, type ScimClient, type ServiceWorkerOptions } from '@onramp/core';
import { idaasProvisionerConsumer, PROVISIONER_SUBSCRIBES } from './idaas-provisioner-consumer.js';

export const OFF_NOTICE = 'idaas-provisioner is off: IDAAS_SCIM_URL and IDAAS_SCIM_TOKEN are not set; HR events wait in the log until it runs';

export interface IdaasProvisionerOptions extends ServiceWorkerOptions {
  /** A SCIM client of the caller's; otherwise built from the config. */
  scim?: ScimClient;
}

export async function startIdaasProvisioner(config: Config, options: IdaasProvisionerOptions): Promise<{ close(): Promise<void> }> {
  const logger = options.logger.child({ service: 'idaas-provisioner' });
  const { url, token } = config.idaasScim;
  const scim = options.scim ?? (url !== undefined && token !== undefined ? createScimClient({ baseUrl: url, token }) : undefined);
  if (scim === undefined) {
    logger.info(OFF_NOTICE);
    return { close: async () => undefined };
  }
  const worker = await runConsumer(idaasProvisionerConsumer(scim, options.concurrency), PROVISIONER_SUBSCRIBES, config.redisUrl, options, logger);
  return { close: () => worker.close() };
}
