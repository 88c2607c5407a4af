// indexer as its own process: `node services/indexer/dist/main.js` (`onramp start --only indexer` runs the same in the CLI).
import { runConsumerService } from '@onramp/core';
import { indexerModule } from './indexer-module.js';

await runConsumerService(indexerModule);
