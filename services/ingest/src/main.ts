// ingest as its own process (`node services/ingest/dist/main.js`): the doors into the log and, beside
// them, the outbox relay, woken on every append. Every ingest process runs one; one leads at a time.
import { openDeliveryQueues, resolveTokens, runService, startDispatcher } from '@onramp/core';
import { startMnsIntakeComponent } from './mns/start-mns-intake.js';
import { startIngest } from './start-ingest.js';

await runService('ingest', async ({ config, logger, openLog, waitForRedis }) => {
  const log = await openLog();
  await waitForRedis();
  const tokens = await resolveTokens(config);
  const queues = openDeliveryQueues(config.redisUrl, log.queuePrefix);
  const dispatcher = startDispatcher(log.db, queues, logger.child({ component: 'dispatcher' }));
  // A failed start ends the process (runService), which takes the relay and its queues with it.
  const ingest = await startIngest(config, { db: log.db, logger, tokens, onAppended: () => dispatcher.wake() });
  process.stdout.write(`ingest listening on ${ingest.url}\n`);
  // With MNS_QUEUE set (Terraform's intake = "mns"), each ingest process also polls the intake queue.
  const intake = config.mns.queue === undefined ? undefined : await startMnsIntakeComponent(config, { db: log.db, logger, onAppended: () => dispatcher.wake() });
  if (intake !== undefined) process.stdout.write(`mns-intake polling ${intake.url}\n`);
  return async () => {
    await intake?.close();
    await ingest.close();
    await dispatcher.close();
    await queues.close();
  };
});
