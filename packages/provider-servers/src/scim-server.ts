// A local SCIM 2.0 service provider (RFC 7644) for tests and benchmarks. SCIMMY does the SCIM work —
// schemas, filters, PATCH, sorting, list responses, error messages — and this file adds what SCIMMY
// leaves to the HTTP layer: routing, bearer auth, ETags (If-Match → 412, If-None-Match → 304), a
// fixed-window rate limit with X-RateLimit-* headers and 429 Retry-After, and injected faults: an error
// answer instead of the work (failNext), or the work done and the connection dropped (loseAnswersNext).
// Quirks of SCIM servers onramp did not write can be switched on (ScimQuirks), to test a client against them.
import type { ServerResponse } from 'node:http';
import SCIMMY from 'scimmy';
import { listen, readBody, send } from './http-helpers.js';
import { SCIM_BASE_PATH, addGroupMembers, createScimStore, declareScimResources, memberAdditions, userOut, versionOf, type ScimContext, type ScimStore } from './scim-store.js';

type Json = Record<string, unknown>;

const CONTENT_TYPE = 'application/scim+json';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface ScimFault {
  status: number;
  scimType?: string;
  detail?: string;
  headers?: Record<string, string>;
}

export interface ScimRequestRecord {
  method: string;
  path: string;
  status: number;
  at: number;
  /** The write was done but the connection was dropped instead of answering. */
  answerLost?: boolean;
  /** The W3C trace context the caller sent, if any. */
  traceparent?: string;
}

/** Misbehaviours seen in other SCIM servers; each off unless set. */
export interface ScimQuirks {
  /** `attr eq "value"` matches every resource whose attribute the value matches as a regular expression (case-insensitive). */
  eqAsRegex?: boolean;
  /** A missing resource is answered 500 instead of 404. */
  missingAs500?: boolean;
  /** POST /Users for a userName this matches is done, but answered 201 without the `id`. */
  createdWithoutIdFor?: RegExp;
  /** Users whose userName this matches are listed without their `id` (in filter answers too). */
  listedWithoutIdFor?: RegExp;
  /** A PATCH that adds group members is answered 204 and not done. */
  memberAddsIgnored?: boolean;
}

export interface ScimServerOptions {
  token: string;
  /** At most `max` requests per `windowMs` (fixed window), like a per-token API limit. */
  rateLimit?: { max: number; windowMs: number };
  /** The filter.maxResults the server advertises and enforces on `count`. */
  maxResults?: number;
  /** Advertise and use ETags (default true). */
  etag?: boolean;
  /** Called after a user is created and before the answer goes out (fault tests kill a worker here). */
  onUserCreated?: (user: Json) => void | Promise<void>;
  /** Told of every user written (created, replaced, patched: `after`; deleted: `after` undefined), after the write. */
  onUserWritten?: (after: Json | undefined, before: Json | undefined) => void;
  quirks?: ScimQuirks;
}

export interface ScimServer {
  /** The SCIM base URL (what GITBOOK_SCIM_URL would be). */
  url: string;
  readonly requests: ScimRequestRecord[];
  users(): Json[];
  groups(): Json[];
  failNext(count: number, fault: ScimFault): void;
  /** The next `count` writes (POST, PUT, PATCH, DELETE) that succeed drop the connection instead of answering. */
  loseAnswersNext(count: number): void;
  /** Switches quirks on or off from now on. */
  setQuirks(quirks: ScimQuirks): void;
  /** Deletes a group as an administrator would in the provider's own interface; false when there is none. */
  deleteGroup(displayName: string): boolean;
  close(): Promise<void>;
}

function scimError(status: number, detail: string, scimType?: string): Json {
  return { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType === undefined ? {} : { scimType }), detail };
}

function queryOf(params: URLSearchParams, maxResults: number) {
  const query: Record<string, string | number> = {};
  for (const key of ['filter', 'attributes', 'excludedAttributes', 'sortBy', 'sortOrder']) {
    const value = params.get(key);
    if (value !== null) query[key] = value;
  }
  const startIndex = Number(params.get('startIndex') ?? NaN);
  if (Number.isInteger(startIndex)) query.startIndex = Math.max(1, startIndex);
  const count = Number(params.get('count') ?? NaN);
  query.count = Number.isInteger(count) ? Math.min(Math.max(0, count), maxResults) : maxResults;
  return query;
}

export async function startScimServer(options: ScimServerOptions): Promise<ScimServer> {
  declareScimResources();
  const basePath = SCIM_BASE_PATH;
  const maxResults = options.maxResults ?? 100;
  const etags = options.etag ?? true;
  const store = createScimStore();
  let quirks: ScimQuirks = { ...options.quirks };
  const ctx: ScimContext = { store };
  const requests: ScimRequestRecord[] = [];
  const faults: ScimFault[] = [];
  let answersToLose = 0;
  let window = { start: Date.now(), used: 0 };
  // Writes run one at a time, so that the If-Match check and the uniqueness check see what they change.
  let writes: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = writes.then(work, work);
    writes = run.catch(() => undefined);
    return run;
  };

  function rateHeaders(): { headers: Record<string, string>; limited: number | undefined } {
    if (options.rateLimit === undefined) return { headers: {}, limited: undefined };
    const { max, windowMs } = options.rateLimit;
    const now = Date.now();
    if (now - window.start >= windowMs) window = { start: now, used: 0 };
    const resetAt = window.start + windowMs;
    const limited = window.used >= max ? resetAt - now : undefined;
    if (limited === undefined) window.used++;
    return {
      headers: {
        'x-ratelimit-limit': String(max),
        'x-ratelimit-remaining': String(max - window.used),
        'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
      },
      limited,
    };
  }

  async function handle(method: string, segments: string[], params: URLSearchParams, body: unknown, ifMatch: string | undefined, ifNoneMatch: string | undefined) {
    const [endpoint, id] = segments;
    if (endpoint === 'ServiceProviderConfig' && method === 'GET') {
      const spc = plainJson(await new SCIMMY.Resources.ServiceProviderConfig().read());
      return { status: 200, body: { ...spc, filter: { supported: true, maxResults }, etag: { supported: etags } } };
    }
    if ((endpoint === 'ResourceTypes' || endpoint === 'Schemas') && method === 'GET') {
      const Type = endpoint === 'Schemas' ? SCIMMY.Resources.Schema : SCIMMY.Resources.ResourceType;
      return { status: 200, body: plainJson(await new Type(id).read()) };
    }
    if (endpoint !== 'Users' && endpoint !== 'Groups') return { status: 404, body: scimError(404, `no endpoint /${segments.join('/')}`) };
    const Resource = endpoint === 'Users' ? SCIMMY.Resources.User : SCIMMY.Resources.Group;
    const records = endpoint === 'Users' ? store.users : store.groups;
    const query = queryOf(params, maxResults);
    const current = () => (id === undefined ? undefined : records.get(id));
    const told = (before: Json | undefined, after: Json | undefined) => {
      if (endpoint === 'Users') options.onUserWritten?.(after === undefined ? undefined : plainJson(after), before === undefined ? undefined : plainJson(before));
    };
    const precondition = () => {
      if (!etags || ifMatch === undefined || ifMatch === '*' || current() === undefined) return undefined;
      return ifMatch === versionOf(current()) ? undefined : { status: 412, body: scimError(412, 'the resource has changed since it was read') };
    };
    const single = (status: number, resource: unknown) => {
      const out = plainJson(resource);
      const version = versionOf(out);
      return { status, body: out, headers: etags && version !== undefined ? { etag: version } : {} };
    };
    switch (method) {
      case 'GET': {
        const loose = quirks.eqAsRegex === true && id === undefined ? looseEq(params.get('filter')) : undefined;
        if (loose !== undefined) return { status: 200, body: listResponse(regexMatches(store, endpoint, loose), quirks) };
        const result = plainJson(await new Resource(id, query).read(ctx));
        if (id !== undefined) {
          if (etags && ifNoneMatch !== undefined && ifNoneMatch === versionOf(result)) return { status: 304, body: undefined };
          return single(200, result);
        }
        const resources = (result.Resources as Json[]).map((r) => withoutIdIfListed(r, quirks));
        return { status: 200, body: { ...result, Resources: resources, itemsPerPage: resources.length } };
      }
      case 'POST':
        if (id !== undefined) return { status: 405, body: scimError(405, 'POST goes to the collection') };
        return serialized(async () => {
          const created = single(201, await new Resource(undefined, query).write(body, ctx));
          if (endpoint === 'Users') await options.onUserCreated?.(created.body);
          told(undefined, store.users.get(String(created.body.id)));
          const location = (created.body.meta as { location?: string } | undefined)?.location;
          const userName = String(created.body.userName ?? '');
          if (endpoint === 'Users' && quirks.createdWithoutIdFor?.test(userName) === true) {
            const { id: _omitted, ...withoutId } = created.body;
            return { ...created, body: withoutId };
          }
          return { ...created, headers: { ...created.headers, ...(location === undefined ? {} : { location }) } };
        });
      case 'PUT':
      case 'PATCH':
        if (id === undefined) return { status: 405, body: scimError(405, `${method} needs a resource id`) };
        return serialized(async () => {
          const failed = precondition();
          if (failed !== undefined) return failed;
          const additions = endpoint === 'Groups' && method === 'PATCH' ? memberAdditions(body) : undefined;
          if (additions !== undefined && quirks.memberAddsIgnored === true) return { status: 204, body: undefined };
          if (additions !== undefined) {
            addGroupMembers(store, id, additions);
            return single(200, await new Resource(id, query).read(ctx));
          }
          // SCIMMY patches what its read returns, so the patch must not see `attributes` or
          // `excludedAttributes` (it would drop what they hide); they shape only the answer.
          const resource = new Resource(id);
          const before = current();
          const result = method === 'PUT' ? await resource.write(body, ctx) : await resource.patch(body as never, ctx);
          told(before, current());
          if (result === undefined) return { status: 204, body: undefined };
          return single(200, query.attributes === undefined && query.excludedAttributes === undefined ? result : await new Resource(id, query).read(ctx));
        });
      case 'DELETE':
        if (id === undefined) return { status: 405, body: scimError(405, 'DELETE needs a resource id') };
        return serialized(async () => {
          const failed = precondition();
          if (failed !== undefined) return failed;
          const before = current();
          await new Resource(id).dispose(ctx);
          told(before, undefined);
          return { status: 204, body: undefined };
        });
      default:
        return { status: 405, body: scimError(405, `method ${method} not allowed`) };
    }
  }

  const listening = await listen(async (req, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const answer = (given: number, body: unknown, headers: Record<string, string> = {}) => {
      const status = given === 404 && quirks.missingAs500 === true ? 500 : given;
      if (status !== given) body = scimError(500, 'internal error');
      requests.push({ method, path: url.pathname, status, at: Date.now(), ...(typeof req.headers.traceparent === 'string' ? { traceparent: req.headers.traceparent } : {}) });
      send(res, status, body, { 'content-type': CONTENT_TYPE, ...headers });
    };
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return answer(401, scimError(401, 'missing or invalid bearer token'), { 'www-authenticate': 'Bearer' });
    }
    const rate = rateHeaders();
    if (rate.limited !== undefined) {
      return answer(429, scimError(429, 'too many requests'), { ...rate.headers, 'retry-after': String(Math.max(1, Math.ceil(rate.limited / 1000))) });
    }
    const fault = faults.shift();
    if (fault !== undefined) return answer(fault.status, scimError(fault.status, fault.detail ?? 'injected fault', fault.scimType), { ...rate.headers, ...fault.headers });
    if (!url.pathname.startsWith(`${basePath}/`)) return answer(404, scimError(404, 'not a SCIM path'), rate.headers);
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      return answer(400, scimError(400, 'the body is not JSON', 'invalidSyntax'), rate.headers);
    }
    const segments = url.pathname.slice(basePath.length + 1).split('/').filter(Boolean).map(decodeURIComponent);
    try {
      const ifMatch = req.headers['if-match'];
      const ifNoneMatch = req.headers['if-none-match'];
      const result = await handle(method, segments, url.searchParams, body, ifMatch, ifNoneMatch);
      if (method !== 'GET' && result.status < 300 && answersToLose > 0) {
        answersToLose--;
        requests.push({ method, path: url.pathname, status: result.status, at: Date.now(), answerLost: true });
        res.socket?.destroy();
        return;
      }
      return answer(result.status, result.body, { ...rate.headers, ...('headers' in result ? result.headers : {}) });
    } catch (error) {
      if (!(error instanceof SCIMMY.Types.Error)) throw error;
      const { status, scimType, message } = error as unknown as { status: number; scimType?: string; message: string };
      return answer(Number(status), scimError(Number(status), message, scimType ?? undefined), rate.headers);
    }
  });

  return {
    url: `${listening.url}${basePath}`,
    requests,
    users: () => [...store.users.values()],
    groups: () => [...store.groups.values()],
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    loseAnswersNext(count) {
      answersToLose += count;
    },
    setQuirks(next) {
      quirks = { ...next };
    },
    deleteGroup(displayName) {
      const group = [...store.groups.values()].find((g) => String(g.displayName).toLowerCase() === displayName.toLowerCase());
      return group !== undefined && store.groups.delete(group.id as string);
    },
    close: () => listening.close(),
  };
}

/** `attr eq "value"` as [attr, value], or undefined for any other filter. */
function looseEq(filter: string | null): [string, string] | undefined {
  const match = /^\s*(\w+)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$/i.exec(filter ?? '');
  return match === null ? undefined : [match[1]!, JSON.parse(match[2]!) as string];
}

function regexMatches(store: ScimStore, endpoint: 'Users' | 'Groups', [attribute, value]: [string, string]): Json[] {
  let pattern: RegExp;
  try {
    pattern = new RegExp(value, 'i');
  } catch {
    return [];
  }
  const records = endpoint === 'Users' ? [...store.users.values()].map((u) => userOut(store, u)) : [...store.groups.values()];
  return records.filter((r) => pattern.test(String(r[attribute] ?? '')));
}

function listResponse(resources: Json[], quirks: ScimQuirks): Json {
  const shown = resources.map((r) => withoutIdIfListed(plainJson(r), quirks));
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: shown.length, startIndex: 1, itemsPerPage: shown.length, Resources: shown };
}

function withoutIdIfListed(resource: Json, quirks: ScimQuirks): Json {
  if (quirks.listedWithoutIdFor?.test(String(resource.userName ?? '')) !== true) return resource;
  const { id: _omitted, ...rest } = resource;
  return rest;
}

function plainJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}
