// mailer as its own process: `node services/mailer/dist/main.js` (`onramp start --only mailer` runs the same in the CLI).
import { runConsumerService } from '@onramp/core';
import { mailerModule } from './mailer-module.js';

await runConsumerService(mailerModule);
