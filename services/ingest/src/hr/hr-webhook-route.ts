// POST /hr/events: the HR system's webhook, signed as Standard Webhooks sign (HMAC-SHA256 over the raw
// body). The employee record is mapped to a SCIM User here, at the door, so the log keeps exactly what
// IDaaS will be asked to hold, and a record the mapping cannot turn into a User is refused (400) before
// anything is written. 202 appended or duplicate (a webhook-id seen before), 400 malformed or unmappable,
// 401 unsigned, wrongly signed or outside the timestamp tolerance, 503 log unavailable.
import type { FastifyInstance } from 'fastify';
import {
  appendFailure,
  checkDoor,
  HR_PAYLOAD_TYPES,
  HR_WEBHOOK_DOOR,
  HR_WEBHOOK_SOURCE,
  HR,
  mapEmployee,
  OnrampError,
  parseEvent,
  parseHrPayload,
  UnmappableEmployee,
  verifyWebhook,
  type AppendResult,
  type CloudEvent,
  type HrEmployeeRecord,
  type HrMapping,
  type Logger,
} from '@onramp/core';

export interface HrWebhookDeps {
  keys: readonly Buffer[];
  mapping: HrMapping;
  toleranceSeconds: number;
  maxBodyBytes: number;
  append: (events: CloudEvent[]) => Promise<AppendResult[]>;
  logger: Logger;
  onAppended?: () => void;
}

const headersSchema = {
  type: 'object',
  properties: {
    'webhook-id': { type: 'string', maxLength: 255 },
    'webhook-timestamp': { type: 'string', maxLength: 20 },
    'webhook-signature': { type: 'string', maxLength: 4096 },
  },
};

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new OnrampError('invalid_request', 'the body is not JSON');
  }
}

export function registerHrWebhookRoute(app: FastifyInstance, deps: HrWebhookDeps): void {
  const logger = deps.logger.child({ door: 'hr-webhook' });
  // Its own scope: the signature is over the bytes as sent, so this route alone takes the body unparsed.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes }, (_request, body, done) => done(null, body));
    scope.post<{ Body: Buffer }>('/hr/events', { bodyLimit: deps.maxBodyBytes, schema: { headers: headersSchema } }, async (request, reply) => {
      const webhook = verifyWebhook(deps.keys, request.headers, request.body, deps.toleranceSeconds);
      const payload = parseHrPayload(parseJson(request.body));
      const type = HR_PAYLOAD_TYPES[payload.type];
      let data: Record<string, unknown>;
      try {
        data = mapEmployee(deps.mapping, payload.data as HrEmployeeRecord, type !== HR.employeeTerminated);
      } catch (error) {
        if (!(error instanceof UnmappableEmployee)) throw error;
        throw new OnrampError('invalid_request', `the employee record cannot be mapped to a SCIM User: ${error.message}`);
      }
      const input = {
        specversion: '1.0',
        id: webhook.id,
        source: HR_WEBHOOK_SOURCE,
        type,
        subject: `employee/${payload.data.employeeId}`,
        time: payload.timestamp,
        datacontenttype: 'application/json',
        data,
      };
      checkDoor(HR_WEBHOOK_DOOR, [input]);
      const event = parseEvent(input, 0);
      let result: AppendResult;
      try {
        [result] = (await deps.append([event])) as [AppendResult];
      } catch (error) {
        const failure = appendFailure(error);
        if (failure.code === 'unstorable_event') logger.warn({ err: error }, 'HR event refused by the log');
        else logger.error({ err: error }, 'append failed');
        throw failure;
      }
      if (result.status === 'appended') deps.onAppended?.();
      logger.info({ webhookId: webhook.id, type, status: result.status, seq: result.seq }, 'HR webhook handled');
      return reply.code(202).send({ id: webhook.id, type, status: result.status, seq: result.seq });
    });
  });
}
