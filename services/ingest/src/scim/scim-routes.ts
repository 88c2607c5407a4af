// The SCIM 2.0 service provider at /scim/v2 (RFC 7644): Users and Groups, for IDaaS in SCIM mode (and any
// SCIM client: Entra ID and Okta request shapes are accepted). Every write is one event of source
// `scim/v2`, appended with its resource's row in one transaction (appendProjected), so the endpoint's
// state is a projection of the log; reads come from that projection. Off unless SCIM_SERVER_TOKEN is set.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  appendProjected,
  bearerMatches,
  checkDoor,
  findScimResourceByUniqueKey,
  LIFECYCLE,
  listScimResources,
  projectScimEvent,
  readScimResource,
  SCIM_GROUP,
  SCIM_SERVER_DOOR,
  SCIM_USER,
  scimResourceTypes,
  scimUniqueKey,
  Unauthorized,
  type CloudEvent,
  type Db,
  type Logger,
  type ScimResourceRow,
  type ScimResourceType,
} from '@onramp/core';
import { matchesFilter, parseFilter, type Filter } from './scim-filter.js';
import { applyPatch, type PatchOperation } from './scim-patch.js';
import { notFound, SCIM_MEDIA_TYPE, ScimRequestError, scimErrorFor, sendScimError } from './scim-errors.js';
import {
  etagOf,
  memberChanges,
  newResourceId,
  normalizeGroup,
  normalizeUser,
  projectAttributes,
  representation,
  requireSchema,
  scimEvent,
  userChangeType,
} from './scim-resource.js';
import { MAX_RESULTS, resourceTypes, schemas, serviceProviderConfig } from './scim-schemas.js';

export const SCIM_BASE_PATH = '/scim/v2';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ER_DUP_ENTRY = 1062;

export interface ScimServerDeps {
  db: Db;
  token: string;
  maxBodyBytes: number;
  logger: Logger;
  /** Called after an event was appended (the in-process dispatcher wakes up). */
  onAppended?: () => void;
}

type Json = Record<string, unknown>;

interface Kind {
  type: ScimResourceType;
  endpoint: 'Users' | 'Groups';
  schema: string;
  unique: 'userName' | 'displayName';
  normalize(input: Json, id: string): Json;
  created: string;
  deleted: string;
}

const KINDS: Kind[] = [
  { type: 'User', endpoint: 'Users', schema: SCIM_USER, unique: 'userName', normalize: normalizeUser, created: LIFECYCLE.userCreated, deleted: LIFECYCLE.userDeleted },
  { type: 'Group', endpoint: 'Groups', schema: SCIM_GROUP, unique: 'displayName', normalize: normalizeGroup, created: LIFECYCLE.groupCreated, deleted: LIFECYCLE.groupDeleted },
];

interface ListQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
  attributes?: string;
  excludedAttributes?: string;
}

const listQuerySchema = {
  type: 'object',
  properties: Object.fromEntries(['filter', 'startIndex', 'count', 'attributes', 'excludedAttributes', 'sortBy', 'sortOrder'].map((name) => [name, { type: 'string', maxLength: 4096 }])),
};
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } };

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function bodyObject(body: unknown): Json {
  if (!isObject(body)) throw new ScimRequestError(400, 'invalidSyntax', 'the request body must be a JSON object');
  return body;
}

function integerParam(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d{1,9}$/.test(raw.trim())) throw new ScimRequestError(400, 'invalidValue', `${name} must be an integer`);
  return Number(raw);
}

const list = (raw: string | undefined) => raw?.split(',').map((a) => a.trim()).filter(Boolean);

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${SCIM_BASE_PATH}`;
}

function send(reply: FastifyReply, status: number, body: unknown, etag?: string): FastifyReply {
  if (etag !== undefined) void reply.header('etag', etag);
  return reply.code(status).type(SCIM_MEDIA_TYPE).send(JSON.stringify(body));
}

const tagOf = (tag: string) => tag.trim().replace(/^W\//, '');

/** If-Match (RFC 7232 §3.1 with weak comparison, RFC 7644 §3.14): 412 when the resource changed since. */
function checkIfMatch(request: FastifyRequest, seq: number): void {
  const header = request.headers['if-match'];
  if (header === undefined) return;
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.some((t) => tagOf(t) === tagOf(etagOf(seq)))) return;
  throw new ScimRequestError(412, undefined, `the resource has changed: its version is ${etagOf(seq)}`);
}

/** The rows an eq on the unique attribute or id can read by key; other filters read every row. */
async function candidates(db: Db, kind: Kind, filter: Filter | undefined): Promise<ScimResourceRow[]> {
  if (filter?.kind === 'compare' && filter.op === 'eq' && typeof filter.value === 'string' && filter.path.subAttribute === undefined) {
    const attribute = filter.path.attribute.toLowerCase();
    if (attribute === kind.unique.toLowerCase()) {
      const row = await findScimResourceByUniqueKey(db, kind.type, filter.value);
      return row === undefined ? [] : [row];
    }
    if (attribute === 'id') {
      const row = await readScimResource(db, kind.type, filter.value);
      return row === undefined ? [] : [row];
    }
  }
  return listScimResources(db, kind.type);
}

export function registerScimRoutes(app: FastifyInstance, deps: ScimServerDeps): void {
  const logger = deps.logger.child({ door: 'scim' });

  void app.register(async (scim) => {
    scim.setErrorHandler((error, request, reply) => {
      const body = scimErrorFor(error);
      if (Number(body.status) >= 500) logger.error({ err: error, method: request.method, route: request.routeOptions.url }, 'SCIM request failed');
      return sendScimError(reply, body);
    });
    scim.setNotFoundHandler((request, reply) =>
      sendScimError(reply, scimErrorFor(new ScimRequestError(404, undefined, `${request.method} ${request.url.split('?')[0]} is not a SCIM endpoint here`))),
    );
    scim.addHook('onRequest', async (request) => {
      if (!bearerMatches(request.headers.authorization, deps.token)) throw new Unauthorized();
    });

    /** Appends the event `decide` returns with its resource's row; a taken userName / displayName is 409. */
    async function write<T>(kind: Kind, decide: Parameters<typeof appendProjected<T>>[1]) {
      try {
        const result = await appendProjected(deps.db, decide, projectScimEvent);
        if (result.appended) {
          logger.info({ resourceType: kind.type, seq: result.seq }, 'SCIM write appended');
          deps.onAppended?.();
        }
        return result;
      } catch (error) {
        if ((error as { errno?: unknown }).errno === ER_DUP_ENTRY) throw taken(kind);
        throw error;
      }
    }

    const taken = (kind: Kind) => new ScimRequestError(409, 'uniqueness', `a ${kind.type} with this ${kind.unique} exists already`);

    /** Members must be Users or Groups of this endpoint; each gets its `type`. */
    async function checkMembers(db: Parameters<typeof scimResourceTypes>[0], group: Json): Promise<void> {
      const members = Array.isArray(group.members) ? (group.members as Json[]) : [];
      const types = await scimResourceTypes(db, members.map((m) => String(m.value)));
      for (const member of members) {
        const type = types.get(String(member.value));
        if (type === undefined) throw new ScimRequestError(400, 'invalidValue', `member "${String(member.value)}" is not a User or Group here`);
        if (member.value === group.id) throw new ScimRequestError(400, 'invalidValue', 'a group cannot be its own member');
        member.type = type;
      }
    }

    function eventFor(kind: Kind, before: Json | undefined, after: Json): CloudEvent {
      if (before === undefined) return scimEvent(kind.created, kind.type, after);
      if (kind.type === 'User') return scimEvent(userChangeType(before, after), kind.type, after);
      return scimEvent(LIFECYCLE.groupUpdated, kind.type, { ...after, ...memberChanges(before, after) });
    }

    function requireUnique(kind: Kind, resource: Json): string {
      const value = resource[kind.unique];
      if (typeof value !== 'string' || value.trim() === '') throw new ScimRequestError(400, 'invalidValue', `${kind.unique} is required`);
      return value;
    }

    /** Replaces the resource with what `change` makes of it (PUT, PATCH), or answers it unchanged. */
    async function update(kind: Kind, request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, change: (current: Json) => Json) {
      const { id } = request.params;
      const { value, seq } = await write<{ current: ScimResourceRow; next: Json; time?: string }>(kind, async (trx) => {
        const current = await readScimResource(trx, kind.type, id, true);
        if (current === undefined) throw notFound(`${kind.type} ${id}`);
        checkIfMatch(request, current.seq);
        const next = kind.normalize(change(current.resource), id);
        const unique = requireUnique(kind, next);
        if (kind.type === 'Group') await checkMembers(trx, next);
        if (JSON.stringify(next) === JSON.stringify(current.resource)) return { value: { current, next } };
        if (unique.toLowerCase() !== scimUniqueKey(kind.type, current.resource)) {
          const holder = await findScimResourceByUniqueKey(trx, kind.type, unique);
          if (holder !== undefined && holder.id !== id) throw taken(kind);
        }
        const event = eventFor(kind, current.resource, next);
        checkDoor(SCIM_SERVER_DOOR, [event]);
        return { event, value: { current, next, time: event.time! } };
      });
      const row = seq === undefined || value.time === undefined
        ? value.current
        : { ...value.current, seq, modifiedAt: value.time, resource: value.next };
      return send(reply, 200, representation(row, baseUrl(request)), etagOf(row.seq));
    }

    for (const kind of KINDS) {
      const path = `/${kind.endpoint}`;

      scim.get<{ Querystring: ListQuery }>(path, { schema: { querystring: listQuerySchema } }, async (request, reply) => {
        const q = request.query;
        const filter = q.filter === undefined || q.filter.trim() === '' ? undefined : parseFilter(q.filter);
        const startIndex = Math.max(1, integerParam('startIndex', q.startIndex, 1));
        const count = Math.min(MAX_RESULTS, Math.max(0, integerParam('count', q.count, MAX_RESULTS)));
        const base = baseUrl(request);
        const rows = await candidates(deps.db, kind, filter);
        const matching = rows.map((row) => representation(row, base)).filter((resource) => filter === undefined || matchesFilter(resource, filter));
        const page = matching.slice(startIndex - 1, startIndex - 1 + count);
        return send(reply, 200, {
          schemas: [LIST_RESPONSE],
          totalResults: matching.length,
          startIndex,
          itemsPerPage: page.length,
          Resources: page.map((resource) => projectAttributes(resource, list(q.attributes), list(q.excludedAttributes))),
        });
      });

      scim.get<{ Params: { id: string }; Querystring: ListQuery }>(`${path}/:id`, { schema: { params: idParams, querystring: listQuerySchema } }, async (request, reply) => {
        const row = await readScimResource(deps.db, kind.type, request.params.id);
        if (row === undefined) throw notFound(`${kind.type} ${request.params.id}`);
        const etag = etagOf(row.seq);
        const noneMatch = request.headers['if-none-match'];
        if (noneMatch !== undefined && noneMatch.split(',').some((t) => t.trim() === '*' || tagOf(t) === tagOf(etag))) {
          return reply.code(304).header('etag', etag).send();
        }
        const resource = projectAttributes(representation(row, baseUrl(request)), list(request.query.attributes), list(request.query.excludedAttributes));
        return send(reply, 200, resource, etag);
      });

      scim.post(path, { bodyLimit: deps.maxBodyBytes }, async (request, reply) => {
        const body = bodyObject(request.body);
        requireSchema(body, kind.schema);
        const id = newResourceId();
        const resource = kind.normalize(body, id);
        const unique = requireUnique(kind, resource);
        // Validated against the catalogue before the transaction: nothing is written for a bad resource.
        const event = eventFor(kind, undefined, resource);
        checkDoor(SCIM_SERVER_DOOR, [event]);
        const { seq } = await write(kind, async (trx) => {
          if ((await findScimResourceByUniqueKey(trx, kind.type, unique)) !== undefined) throw taken(kind);
          if (kind.type === 'Group') {
            await checkMembers(trx, resource);
            return { event: eventFor(kind, undefined, resource), value: undefined };
          }
          return { event, value: undefined };
        });
        const row = { type: kind.type, id, seq: seq!, createdAt: event.time!, modifiedAt: event.time!, resource };
        const answered = representation(row, baseUrl(request));
        void reply.header('location', (answered.meta as { location: string }).location);
        return send(reply, 201, answered, etagOf(row.seq));
      });

      scim.put<{ Params: { id: string } }>(`${path}/:id`, { bodyLimit: deps.maxBodyBytes, schema: { params: idParams } }, async (request, reply) => {
        const body = bodyObject(request.body);
        requireSchema(body, kind.schema);
        // PUT replaces every attribute the client may set (RFC 7644 §3.5.1); id and meta stay the server's.
        return update(kind, request, reply, () => body);
      });

      scim.patch<{ Params: { id: string } }>(`${path}/:id`, { bodyLimit: deps.maxBodyBytes, schema: { params: idParams } }, async (request, reply) => {
        const body = bodyObject(request.body);
        requireSchema(body, PATCH_OP);
        const operations = body.Operations ?? body.operations;
        if (!Array.isArray(operations) || operations.length === 0 || !operations.every(isObject)) {
          throw new ScimRequestError(400, 'invalidSyntax', '"Operations" must be a non-empty list of operations');
        }
        if (operations.length > 1000) throw new ScimRequestError(400, 'tooMany', 'at most 1000 operations in one PATCH');
        return update(kind, request, reply, (current) => applyPatch(current, operations as unknown as PatchOperation[]));
      });

      scim.delete<{ Params: { id: string } }>(`${path}/:id`, { schema: { params: idParams } }, async (request, reply) => {
        const { id } = request.params;
        await write(kind, async (trx) => {
          const current = await readScimResource(trx, kind.type, id, true);
          if (current === undefined) throw notFound(`${kind.type} ${id}`);
          checkIfMatch(request, current.seq);
          const unique = current.resource[kind.unique];
          const data = { schemas: [kind.schema], id, ...(typeof unique === 'string' ? { [kind.unique]: unique } : {}) };
          return { event: scimEvent(kind.deleted, kind.type, data), value: undefined };
        });
        return reply.code(204).send();
      });

      scim.post(`${path}/.search`, async () => {
        throw new ScimRequestError(501, undefined, 'POST .search is not supported; use GET with ?filter=');
      });
    }

    scim.get('/ServiceProviderConfig', async (request, reply) => send(reply, 200, serviceProviderConfig(baseUrl(request))));
    scim.get('/ResourceTypes', async (request, reply) => {
      const types = resourceTypes(baseUrl(request));
      return send(reply, 200, { schemas: [LIST_RESPONSE], totalResults: types.length, startIndex: 1, itemsPerPage: types.length, Resources: types });
    });
    scim.get<{ Params: { id: string } }>('/ResourceTypes/:id', async (request, reply) => {
      const found = resourceTypes(baseUrl(request)).find((t) => t.id === request.params.id);
      if (found === undefined) throw notFound(`resource type ${request.params.id}`);
      return send(reply, 200, found);
    });
    scim.get('/Schemas', async (request, reply) => {
      const all = schemas(baseUrl(request));
      return send(reply, 200, { schemas: [LIST_RESPONSE], totalResults: all.length, startIndex: 1, itemsPerPage: all.length, Resources: all });
    });
    scim.get<{ Params: { id: string } }>('/Schemas/:id', async (request, reply) => {
      const found = schemas(baseUrl(request)).find((s) => s.id === request.params.id);
      if (found === undefined) throw notFound(`schema ${request.params.id}`);
      return send(reply, 200, found);
    });
    for (const unsupported of ['/Me', '/Bulk', '/.search']) {
      scim.all(unsupported, async () => {
        throw new ScimRequestError(501, undefined, `${unsupported} is not supported (see /ServiceProviderConfig)`);
      });
    }
  }, { prefix: SCIM_BASE_PATH });
}
