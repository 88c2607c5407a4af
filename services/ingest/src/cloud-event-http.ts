// The three CloudEvents HTTP content modes (CloudEvents HTTP binding 1.0), turned into a list of
// structured-mode objects for validation.
import type { FastifyRequest } from 'fastify';
import { OnrampError } from '@onramp/core';

export const STRUCTURED = 'application/cloudevents+json';
export const BATCH = 'application/cloudevents-batch+json';

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function decodeHeader(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * POST /events reads JSON in one of the CloudEvents modes, or plain `application/json` (EventBridge's HTTP
 * target); binary mode may carry any JSON media type as its data's. Anything else, or none: 415.
 */
export function checkEventMediaType(request: FastifyRequest): void {
  const type = mediaType(request);
  if (type === STRUCTURED || type === BATCH || type === 'application/json') return;
  if (request.headers['ce-specversion'] !== undefined && /^application\/[a-z0-9.-]+\+json$/.test(type)) return;
  throw new OnrampError(
    'unsupported_media_type',
    `${type === '' ? 'a Content-Type is required' : `Content-Type "${type.slice(0, 100)}" is not accepted`}: send ${STRUCTURED}, ${BATCH} or application/json`,
  );
}

/** Binary mode: context attributes and extensions in ce-* headers, the body is the data. */
function fromBinary(request: FastifyRequest): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('ce-') && typeof value === 'string') event[name.slice(3)] = decodeHeader(value);
  }
  event.datacontenttype = request.headers['content-type'];
  if (request.body !== undefined) event.data = request.body;
  return event;
}

/** What the request carries, as structured-mode events; validation comes after. */
export function eventsInRequest(request: FastifyRequest): unknown[] {
  const type = mediaType(request);
  const body = request.body;
  if (type === BATCH) {
    if (!Array.isArray(body)) throw new OnrampError('invalid_request', 'a batch must be a JSON array of events');
    return body;
  }
  if (type === STRUCTURED) return [body];
  if (request.headers['ce-specversion'] !== undefined) return [fromBinary(request)];
  // Plain JSON without ce-* headers: an event (EventBridge's HTTP target) or an array of them.
  return Array.isArray(body) ? body : [body];
}
