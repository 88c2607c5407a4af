// Errors become RFC 9457 problem+json here, and only here: one status per error code.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { InvalidEvent, OnrampError } from '../errors.js';
import type { Logger } from '../logger.js';
import { registerAccessLog } from './access-log.js';

export interface Problem {
  status: number;
  type: string;
  title: string;
  detail?: string;
  [extension: string]: unknown;
}

const problemType = (code: string) => `urn:onramp:problem:${code}`;

const STATUS_BY_CODE: Record<string, [number, string]> = {
  invalid_event: [400, 'Invalid event'],
  invalid_request: [400, 'Invalid request'],
  unstorable_event: [400, 'Event cannot be stored'],
  unauthorized: [401, 'Unauthorized'],
  forbidden: [403, 'Forbidden'],
  forbidden_event: [403, 'Event not accepted through this door'],
  location_forbidden: [400, 'Document location outside the documents roots'],
  location_unsupported: [400, 'Document location not supported'],
  location_unreadable: [400, 'Document location cannot be read'],
  not_found: [404, 'Not found'],
  payload_too_large: [413, 'Payload too large'],
  unsupported_media_type: [415, 'Unsupported media type'],
  log_unavailable: [503, 'Event log unavailable'],
  unavailable: [503, 'Service unavailable'],
};

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_request',
  FST_ERR_VALIDATION: 'invalid_request',
};

export function problemFor(error: unknown): Problem {
  if (error instanceof InvalidEvent) {
    const errors = error.fields.map((f) => ({ index: error.index, pointer: f.pointer, message: f.message }));
    return { status: 400, type: problemType(error.code), title: 'Invalid event', detail: error.message, errors };
  }
  if (error instanceof OnrampError && STATUS_BY_CODE[error.code] !== undefined) {
    const [status, title] = STATUS_BY_CODE[error.code]!;
    return { status, type: problemType(error.code), title, detail: error.message };
  }
  const fastifyError = error as Partial<FastifyError>;
  const code = fastifyError.validation !== undefined ? 'invalid_request' : FASTIFY_CODES[fastifyError.code ?? ''];
  if (code === undefined && fastifyError.statusCode === 400) return problemFor(new OnrampError('invalid_request', fastifyError.message ?? 'bad request'));
  if (code !== undefined) {
    const [status, title] = STATUS_BY_CODE[code]!;
    return { status, type: problemType(code), title, detail: fastifyError.message ?? title };
  }
  return { status: 500, type: problemType('internal'), title: 'Internal error' };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 401) void reply.header('www-authenticate', 'Bearer');
  if (problem.status === 503) void reply.header('retry-after', '5');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

export function registerProblemHandlers(app: FastifyInstance, logger: Logger): void {
  registerAccessLog(app, logger);
  app.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error);
    // The route, not the URL: a query string (or a path parameter) may carry a name or an address.
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    if (problem.status >= 500) logger.error({ err: error, method: request.method, route }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, { status: 404, type: problemType('not_found'), title: 'Not found', detail: `${request.method} ${request.url.split('?')[0]}` }),
  );
}
