// MNS intake: EventBridge's MNS target puts each event, as CloudEvents JSON, into a queue; this takes
// them into the log. A message is deleted only after its event's append committed; while the log cannot
// be written the message is kept invisible (its visibility extended) and the append retried; a message
// that can never become an event (not JSON, invalid, not allowed through the door) is kept in the intake
// dead letters with its raw body, then deleted.
import { SpanKind, trace } from '@opentelemetry/api';
import {
  appendFailure,
  checkDoor,
  ForbiddenEvent,
  InvalidEvent,
  keepIntakeDeadLetter,
  OnrampError,
  parseEvents,
  type AppendResult,
  type CloudEvent,
  type Db,
  type DoorPolicy,
  type Logger,
} from '@onramp/core';
import type { MnsMessage, MnsQueue } from './mns-queue.js';

export interface MnsIntakeDeps {
  queue: MnsQueue;
  db: Db;
  append: (events: CloudEvent[]) => Promise<AppendResult[]>;
  door: DoorPolicy;
  logger: Logger;
  /** Seconds a message stays ours each time its visibility is extended while the append is retried. */
  visibilitySeconds: number;
  onAppended?: () => void;
  sleep?: (ms: number) => Promise<void>;
}

export type MessageOutcome = 'appended' | 'duplicate' | 'dead-lettered' | 'abandoned';

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The events a message carries (one event, or an array of them), or why it can never carry any. */
function eventsOf(body: string, door: DoorPolicy): CloudEvent[] | { code: string; reason: string } {
  let input: unknown;
  try {
    input = JSON.parse(body) as unknown;
  } catch {
    return { code: 'not_json', reason: 'the message body is not JSON' };
  }
  const inputs = Array.isArray(input) ? input : [input];
  if (inputs.length === 0) return { code: 'invalid_event', reason: 'the message holds no event' };
  try {
    checkDoor(door, inputs);
    return parseEvents(inputs);
  } catch (error) {
    if (error instanceof InvalidEvent || error instanceof ForbiddenEvent) return { code: error.code, reason: error.message };
    throw error;
  }
}

export interface MessageHandler {
  /** `giveUp(attempt)`: stop retrying an append that keeps failing; the message becomes visible again. */
  handle(message: MnsMessage, giveUp: (attempt: number) => boolean): Promise<MessageOutcome>;
}

export function mnsMessageHandler(deps: MnsIntakeDeps): MessageHandler {
  const sleep = deps.sleep ?? defaultSleep;
  const intake = `mns:${deps.queue.name}`;
  const deadLetter = async (message: MnsMessage, code: string, reason: string): Promise<MessageOutcome> => {
    await keepIntakeDeadLetter(deps.db, { intake, messageId: message.messageId, body: message.body, code, error: reason });
    await deps.queue.delete(message.receiptHandle);
    deps.logger.warn({ intake, messageId: message.messageId, code }, 'message kept as an intake dead letter');
    return 'dead-lettered';
  };
  const tracer = trace.getTracer('onramp-mns-intake');
  return {
    // Each message is a span, so the events it brings start their trace here (or join the one they carry).
    handle: (message, giveUp) => tracer.startActiveSpan(`receive ${deps.queue.name}`, { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'mns' } }, async (span) => {
      try {
        return await handleMessage(message, giveUp);
      } finally {
        span.end();
      }
    }),
  };
  async function handleMessage(message: MnsMessage, giveUp: (attempt: number) => boolean): Promise<MessageOutcome> {
    const events = eventsOf(message.body, deps.door);
    if (!Array.isArray(events)) return deadLetter(message, events.code, events.reason);
    let handle = message.receiptHandle;
    for (let attempt = 1; ; attempt++) {
      let results: AppendResult[];
      try {
        results = await deps.append(events);
      } catch (error) {
        const failure = appendFailure(error);
        if (failure.code === 'unstorable_event') return deadLetter({ ...message, receiptHandle: handle }, failure.code, failure.message);
        deps.logger.warn({ intake, messageId: message.messageId, attempt, err: error }, 'append failed; keeping the message and retrying');
        // Giving up: the message becomes visible again when its visibility runs out, for whoever polls next.
        if (giveUp(attempt)) return 'abandoned';
        handle = await deps.queue.changeVisibility(handle, deps.visibilitySeconds);
        await sleep(Math.min(500 * 2 ** Math.min(attempt, 6), (deps.visibilitySeconds * 1000) / 2));
        continue;
      }
      // Committed: only now may the message go.
      await deps.queue.delete(handle);
      const appended = results.some((r) => r.status === 'appended');
      if (appended) deps.onAppended?.();
      return appended ? 'appended' : 'duplicate';
    }
  }
}

export interface RunningIntake {
  close(): Promise<void>;
}

/** Polls the queue until closed; each message handled before the next is taken. */
export function startMnsIntake(deps: MnsIntakeDeps & { waitSeconds: number }): RunningIntake {
  const handler = mnsMessageHandler(deps);
  const sleep = deps.sleep ?? defaultSleep;
  let stopping = false;
  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      try {
        const message = await deps.queue.receive(deps.waitSeconds);
        failures = 0;
        if (message === undefined || stopping) continue;
        await handler.handle(message, () => stopping);
      } catch (error) {
        failures += 1;
        deps.logger.error({ err: error, queue: deps.queue.name }, error instanceof OnrampError ? error.message : 'MNS intake failed');
        await sleep(Math.min(1000 * failures, 30_000));
      }
    }
  })();
  let closing: Promise<void> | undefined;
  return {
    close() {
      stopping = true;
      closing ??= loop;
      return closing;
    },
  };
}

/** Takes every message now in the queue into the log (`onramp mns drain`); answers what became of them. */
export async function drainQueue(deps: MnsIntakeDeps): Promise<Record<MessageOutcome, number>> {
  const handler = mnsMessageHandler(deps);
  const counts: Record<MessageOutcome, number> = { appended: 0, duplicate: 0, 'dead-lettered': 0, abandoned: 0 };
  for (;;) {
    const message = await deps.queue.receive(1);
    if (message === undefined) return counts;
    const outcome = await handler.handle(message, (attempt) => attempt >= 3);
    counts[outcome] += 1;
    if (outcome === 'abandoned') throw new OnrampError('log_unavailable', `the event log cannot be written; ${counts.appended + counts.duplicate} message(s) drained before that, the rest stay in ${deps.queue.name}`);
  }
}
