// POST /idaas/events: IDaaS's event callback ("shortcut mode"). IDaaS posts {"event": "<signed token>"};
// every event in it is mapped, and those onramp keeps are appended in one batch. The answer is IDaaS's:
// 200 with the events sorted into success / skipped / failed / retried, within its 10 s (it retries up to
// five times otherwise); 400 malformed, 401 not signed by IDaaS, stale or replayed, 503 log unavailable.
import type { FastifyInstance } from 'fastify';
import {
  appendFailure,
  checkDoor,
  claimCallbackToken,
  callbackTokenKey,
  idaasCallbackDoor,
  InvalidEvent,
  parseEvent,
  releaseCallbackToken,
  Unauthorized,
  type AppendResult,
  type CloudEvent,
  type Db,
  type Logger,
} from '@onramp/core';
import { mapIdaasEvent } from './idaas-mapping.js';
import { parseSyncEvent } from './idaas-sync-event.js';
import { createCallbackVerifier, type CallbackKeys } from './idaas-token.js';

export interface IdaasCallbackDeps {
  db: Db;
  keys: CallbackKeys;
  maxBodyBytes: number;
  append: (events: CloudEvent[]) => Promise<AppendResult[]>;
  logger: Logger;
  onAppended?: () => void;
}

interface EventAnswer { eventId: string; eventCode: string; eventMessage: string; seq?: number }

const bodySchema = {
  type: 'object',
  required: ['event'],
  properties: { event: { type: 'string', minLength: 1 } },
};

export function registerIdaasCallbackRoute(app: FastifyInstance, deps: IdaasCallbackDeps): void {
  const verify = createCallbackVerifier(deps.keys);
  const door = idaasCallbackDoor(deps.keys.applicationId);
  const logger = deps.logger.child({ door: 'idaas-callback' });

  app.post<{ Body: { event: string } }>('/idaas/events', { bodyLimit: deps.maxBodyBytes, schema: { body: bodySchema } }, async (request, reply) => {
    const verified = await verify(request.body.event);
    const sync = parseSyncEvent(verified.data);
    const answer = { successEvents: [] as EventAnswer[], skippedEvents: [] as EventAnswer[], failedEvents: [] as EventAnswer[], retriedEvents: [] as EventAnswer[] };
    const events: CloudEvent[] = [];
    const eventIds: string[] = [];
    for (const data of sync.events) {
      const mapped = mapIdaasEvent(deps.keys.applicationId, data, sync.instanceId);
      if (mapped.kind === 'test') answer.successEvents.push({ eventId: data.eventId, eventCode: 'SUCCESS', eventMessage: 'test event received' });
      else if (mapped.kind === 'skip') answer.skippedEvents.push({ eventId: data.eventId, eventCode: 'SKIPPED', eventMessage: mapped.reason });
      else if (mapped.kind === 'fail') answer.failedEvents.push({ eventId: data.eventId, eventCode: mapped.code, eventMessage: mapped.reason });
      else {
        checkDoor(door, [mapped.event]);
        try {
          events.push(parseEvent(mapped.event, events.length));
          eventIds.push(data.eventId);
        } catch (error) {
          // Well-formed for IDaaS, yet not a person onramp can keep (no email address, say): IDaaS is told,
          // and does not retry it; the other events go on.
          if (!(error instanceof InvalidEvent)) throw error;
          answer.failedEvents.push({ eventId: data.eventId, eventCode: 'unmappable', eventMessage: error.message.replace(/^event \d+: /, '') });
        }
      }
    }
    // Only now, with nothing left to refuse: a token is claimed once, by whichever ingest process gets it.
    const key = callbackTokenKey(deps.keys.applicationId, verified.tokenId);
    if (!(await claimCallbackToken(deps.db, key, verified.expiresAt))) throw new Unauthorized('callback token was already used (replayed)');
    let results: AppendResult[] = [];
    if (events.length > 0) {
      try {
        results = await deps.append(events);
      } catch (error) {
        // Nothing was written: give the token back so that IDaaS's retry of it is accepted.
        await releaseCallbackToken(deps.db, key).catch((releaseError: unknown) => logger.error({ err: releaseError }, 'releasing a callback token failed'));
        const failure = appendFailure(error);
        logger.error({ err: error }, 'append failed');
        throw failure;
      }
    }
    results.forEach((result, index) => {
      answer.successEvents.push({ eventId: eventIds[index]!, eventCode: 'SUCCESS', eventMessage: result.status, seq: result.seq });
    });
    if (results.some((r) => r.status === 'appended')) deps.onAppended?.();
    logger.info({ appended: results.filter((r) => r.status === 'appended').length, duplicates: results.filter((r) => r.status === 'duplicate').length, skipped: answer.skippedEvents.length, failed: answer.failedEvents.length }, 'callback handled');
    return reply.code(200).send(answer);
  });
}
