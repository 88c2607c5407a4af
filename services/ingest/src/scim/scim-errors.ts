// Errors of the SCIM door, answered as RFC 7644 §3.12 says: `application/scim+json`, the Error schema,
// `status` as a string and, for 400 / 409, a `scimType` that says which rule the request broke.
import type { FastifyError, FastifyReply } from 'fastify';
import { OnrampError } from '@onramp/core';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_MEDIA_TYPE = 'application/scim+json';

export type ScimType =
  | 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget'
  | 'invalidValue' | 'invalidVers' | 'sensitive';

export class ScimRequestError extends OnrampError {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    detail: string,
  ) {
    super(`scim_${scimType ?? status}`, detail);
  }
}

export const notFound = (what: string) => new ScimRequestError(404, undefined, `${what} not found`);

export interface ScimErrorBody {
  schemas: string[];
  status: string;
  scimType?: ScimType;
  detail: string;
}

/** The SCIM error for anything a SCIM route throws (Fastify's own errors included). */
export function scimErrorFor(error: unknown): ScimErrorBody {
  const body = (status: number, detail: string, scimType?: ScimType): ScimErrorBody => ({
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(status),
    ...(scimType === undefined ? {} : { scimType }),
    detail,
  });
  if (error instanceof ScimRequestError) return body(error.status, error.message, error.scimType);
  if (error instanceof OnrampError) {
    if (error.code === 'unauthorized') return body(401, error.message);
    if (error.code === 'log_unavailable' || error.code === 'unavailable') return body(503, 'the event log cannot be written right now; try again');
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return body(413, 'the request body is too large');
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return body(415, 'send application/scim+json or application/json');
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
    return body(400, 'the request body is not valid JSON', 'invalidSyntax');
  }
  if (fastifyError.validation !== undefined) return body(400, fastifyError.message ?? 'invalid request', 'invalidSyntax');
  if (fastifyError.statusCode === 400) return body(400, fastifyError.message ?? 'bad request', 'invalidSyntax');
  return body(500, 'internal error');
}

export function sendScimError(reply: FastifyReply, error: ScimErrorBody): FastifyReply {
  const status = Number(error.status);
  if (status === 401) void reply.header('www-authenticate', 'Bearer realm="scim"');
  if (status === 503) void reply.header('retry-after', '5');
  return reply.code(status).type(SCIM_MEDIA_TYPE).send(JSON.stringify(error));
}
