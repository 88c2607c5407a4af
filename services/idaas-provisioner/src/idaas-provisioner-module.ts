// idaas-provisioner as a consumer module: HR hires, changes and terminations in, IDaaS accounts out.
import { OUTCOME, type Config, type ConsumerModule } from '@onramp/core';
import { PROVISIONER_SUBSCRIBES } from './idaas-provisioner-consumer.js';
import { OFF_NOTICE, startIdaasProvisioner, type IdaasProvisionerOptions } from './start-idaas-provisioner.js';

const off = (config: Config) => config.idaasScim.url === undefined;

export const idaasProvisionerModule: ConsumerModule<IdaasProvisionerOptions> = {
  name: 'idaas-provisioner',
  kind: 'reactor',
  subscribes: PROVISIONER_SUBSCRIBES,
  emits: [OUTCOME.idaasUserProvisioned, OUTCOME.idaasProvisioningFailed, OUTCOME.deadLettered],
  variables: ['IDAAS_SCIM_URL', 'IDAAS_SCIM_TOKEN'],
  describe: (config) => (off(config) ? 'idaas-provisioner off (IDAAS_SCIM_URL not set)' : 'idaas-provisioner upserting HR employees into IDaaS through SCIM'),
  standIn: (config) => (off(config) ? OFF_NOTICE : undefined),
  start: startIdaasProvisioner,
};
