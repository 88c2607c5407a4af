// gitbook-sync as its own process: `node services/gitbook-sync/dist/main.js` (`onramp start --only gitbook-sync` runs the same in the CLI).
import { runConsumerService } from '@onramp/core';
import { gitbookModule } from './gitbook-module.js';

await runConsumerService(gitbookModule);
