// Wires MNS intake for a process (`onramp start --only mns-intake`): the configured queue, the log's
// group-committing appender, the same door as POST /events.
import { appendEvents, ConfigError, createAppendBatcher, mnsIntakeDoor, type Config, type Db, type Logger } from '@onramp/core';
import { drainQueue, startMnsIntake, type MessageOutcome, type RunningIntake } from './mns-intake.js';
import { mnsSettings, openMnsQueue } from './mns-queue.js';

export async function startMnsIntakeComponent(config: Config, deps: { db: Db; logger: Logger; onAppended?: () => void }): Promise<RunningIntake & { queue: string; url: string }> {
  const settings = mnsSettings(config, 'mns-intake');
  if (config.mns.queue === undefined) throw new ConfigError(['MNS_QUEUE is required for mns-intake']);
  const queue = openMnsQueue(settings, config.mns.queue);
  const batcher = createAppendBatcher((events) => appendEvents(deps.db, events));
  const logger = deps.logger.child({ component: 'mns-intake' });
  const running = startMnsIntake({
    queue,
    db: deps.db,
    append: (events) => batcher.append(events),
    door: mnsIntakeDoor(config.ingest.allowedSources),
    logger,
    visibilitySeconds: config.mns.visibilitySeconds,
    waitSeconds: config.mns.waitSeconds,
    ...(deps.onAppended === undefined ? {} : { onAppended: deps.onAppended }),
  });
  logger.info({ queue: queue.name }, 'mns intake polling');
  return { ...running, queue: queue.name, url: queue.transport.url };
}

/** `onramp mns drain <queue>`: every message now in `queue` (EventBridge's dead letters) into the log. */
export async function drainMnsQueue(config: Config, deps: { db: Db; logger: Logger }, queueName: string): Promise<Record<MessageOutcome, number>> {
  const queue = openMnsQueue(mnsSettings(config, 'mns drain'), queueName);
  return drainQueue({
    queue,
    db: deps.db,
    append: (events) => appendEvents(deps.db, events),
    door: mnsIntakeDoor(config.ingest.allowedSources),
    logger: deps.logger.child({ component: 'mns-drain' }),
    visibilitySeconds: config.mns.visibilitySeconds,
  });
}
