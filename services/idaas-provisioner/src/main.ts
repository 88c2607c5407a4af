// idaas-provisioner as its own process: `node services/idaas-provisioner/dist/main.js` (`onramp start --only idaas-provisioner` runs the same in the CLI).
import { runConsumerService } from '@onramp/core';
import { idaasProvisionerModule } from './idaas-provisioner-module.js';

await runConsumerService(idaasProvisionerModule);
