// A SCIM 2.0 client (RFC 7644) for pushing users and groups to a service provider: bearer auth,
// application/scim+json, filters, PATCH, pagination, ETags when the server offers them, typed errors,
// timeouts, and pacing by the server's rate-limit headers. It speaks plain RFC 7644 and reads
// /ServiceProviderConfig for what the server supports, because providers document their dialects little.
import { ScimError } from './scim-error.js';
import { createRateGate, resetDelayMs, retryAfterMs } from './rate-gate.js';
import {
  SCIM_CONTENT_TYPE,
  SCIM_SCHEMA,
  scimString,
  type ListQuery,
  type ListResponse,
  type PatchOperation,
  type ScimGroupResource,
  type ScimResource,
  type ScimUserInput,
  type ScimUserResource,
  type ServiceProviderConfig,
} from './scim-types.js';

export interface ScimClient {
  serviceProviderConfig(): Promise<ServiceProviderConfig>;
  findUserByUserName(userName: string): Promise<ScimUserResource | undefined>;
  getUser(id: string): Promise<ScimUserResource | undefined>;
  /** Creates the user; if the server says it exists already (409 uniqueness), finds and adopts it. */
  createUser(user: ScimUserInput): Promise<{ user: ScimUserResource; adopted: boolean }>;
  /** PATCHes a user; with `version` and a server that supports ETags, If-Match guards it (412: re-read, retry). */
  patchUser(id: string, operations: PatchOperation[], version?: string): Promise<ScimUserResource | undefined>;
  /** false when the user was not there. */
  deleteUser(id: string): Promise<boolean>;
  findGroupByDisplayName(displayName: string, withMembers?: boolean): Promise<ScimGroupResource | undefined>;
  createGroup(displayName: string): Promise<{ group: ScimGroupResource; adopted: boolean }>;
  addGroupMember(groupId: string, userId: string): Promise<void>;
  removeGroupMember(groupId: string, userId: string): Promise<void>;
  listUsers(query?: ListQuery): Promise<ListResponse<ScimUserResource>>;
  listGroups(query?: ListQuery): Promise<ListResponse<ScimGroupResource>>;
  /** Every resource matching the query, page by page (startIndex / count). */
  listAll<T extends ScimResource>(endpoint: '/Users' | '/Groups', query?: ListQuery): Promise<T[]>;
}

export interface ScimClientOptions {
  /** The connection's base URL, e.g. https://provider.example/scim/v2 (no trailing /Users). */
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  /** 429s absorbed inside one call (waiting Retry-After) before the call fails with scim_rate_limited. */
  rateLimitRetries?: number;
  /** A Retry-After longer than this is not waited out in-process: the caller gets the error and its delay. */
  maxInProcessWaitMs?: number;
  /** Called before each HTTP request, e.g. to count requests per joiner. */
  onRequest?: (method: string, path: string) => void;
}

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  ifMatch?: string;
  what: string;
}

const DEFAULT_CONFIG: ServiceProviderConfig = {
  patch: { supported: true },
  filter: { supported: true, maxResults: 100 },
  etag: { supported: false },
  sort: { supported: false },
  bulk: { supported: false },
};

/** Pages a look-up by filter reads at most before it says "absent". */
const MAX_LOOKUP_PAGES = 5;

function hasId(resource: unknown): boolean {
  const id = (resource as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '';
}

function memberIn(group: unknown, userId: string): boolean {
  const members = (group as { members?: unknown } | undefined)?.members;
  return Array.isArray(members) && members.some((m: { value?: unknown }) => m?.value === userId);
}

function toQuery(query: ListQuery): Record<string, string | number | undefined> {
  return {
    filter: query.filter,
    startIndex: query.startIndex,
    count: query.count,
    attributes: query.attributes?.join(','),
    excludedAttributes: query.excludedAttributes?.join(','),
  };
}

function readSupport(body: unknown): ServiceProviderConfig {
  const spc = (typeof body === 'object' && body !== null ? body : {}) as Record<string, { supported?: unknown; maxResults?: unknown } | undefined>;
  const flag = (name: keyof ServiceProviderConfig, fallback: boolean) =>
    typeof spc[name]?.supported === 'boolean' ? (spc[name]!.supported as boolean) : fallback;
  const maxResults = Number(spc.filter?.maxResults);
  return {
    patch: { supported: flag('patch', true) },
    filter: { supported: flag('filter', true), maxResults: Number.isInteger(maxResults) && maxResults > 0 ? maxResults : 100 },
    etag: { supported: flag('etag', false) },
    sort: { supported: flag('sort', false) },
    bulk: { supported: flag('bulk', false) },
  };
}

export function createScimClient(options: ScimClientOptions): ScimClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const rateLimitRetries = options.rateLimitRetries ?? 5;
  const maxWaitMs = options.maxInProcessWaitMs ?? 60_000;
  const gate = createRateGate();
  let config: Promise<ServiceProviderConfig> | undefined;

  async function send(method: string, path: string, request: RequestOptions): Promise<Answer> {
    const url = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: SCIM_CONTENT_TYPE };
    if (request.body !== undefined) headers['content-type'] = SCIM_CONTENT_TYPE;
    if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;
    for (let rateLimited = 0; ; rateLimited++) {
      await gate.wait();
      options.onRequest?.(method, path);
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers,
          signal: AbortSignal.timeout(timeoutMs),
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        });
      } catch (error) {
        const timedOut = (error as { name?: string }).name === 'TimeoutError';
        throw new ScimError(
          timedOut ? 'scim_timeout' : 'scim_unreachable',
          `${request.what}: ${timedOut ? `no answer within ${timeoutMs} ms` : 'server unreachable'}`,
          undefined,
          undefined,
          undefined,
          { cause: error },
        );
      }
      gate.observe(response.headers);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: kept as text for the error message
      }
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after')) ?? resetDelayMs(response.headers.get('x-ratelimit-reset')) ?? 1000;
        gate.block(wait);
        if (rateLimited < rateLimitRetries && wait <= maxWaitMs) continue;
        throw ScimError.fromResponse(429, body, request.what, wait);
      }
      if (response.status >= 400) {
        throw ScimError.fromResponse(response.status, body, request.what, retryAfterMs(response.headers.get('retry-after')));
      }
      return { status: response.status, body, headers: response.headers };
    }
  }

  const isNotFound = (error: unknown) => error instanceof ScimError && error.code === 'scim_not_found';
  const versionOf = (answer: Answer) =>
    answer.headers.get('etag') ?? (answer.body as ScimResource | undefined)?.meta?.version ?? undefined;

  async function list<T extends ScimResource>(endpoint: string, query: ListQuery): Promise<ListResponse<T>> {
    const answer = await send('GET', endpoint, { query: toQuery(query), what: `GET ${endpoint}` });
    const body = (answer.body ?? {}) as Partial<ListResponse<T>>;
    const resources = Array.isArray(body.Resources) ? body.Resources : [];
    return {
      totalResults: Number(body.totalResults ?? resources.length),
      startIndex: Number(body.startIndex ?? query.startIndex ?? 1),
      itemsPerPage: Number(body.itemsPerPage ?? resources.length),
      Resources: resources,
    };
  }

  /**
   * The one resource whose `attribute` equals `wanted` case-insensitively (RFC 7643 §4.1.1 and §4.2: userName
   * and displayName are caseExact false). A filter answer is only a candidate list: a server whose `eq`
   * matches more (a regular expression, a prefix) must not make us act on another account.
   */
  async function findExact<T extends ScimResource>(endpoint: '/Users' | '/Groups', attribute: string, wanted: string, excluded?: string[]): Promise<T | undefined> {
    const filter = `${attribute} eq ${scimString(wanted)}`;
    const same = (r: T) => typeof r[attribute] === 'string' && (r[attribute] as string).toLowerCase() === wanted.toLowerCase();
    const matches: T[] = [];
    // A loose `eq` may put the wanted resource past the first page; a few pages are read, not the whole collection.
    for (let startIndex = 1, page = 0; page < MAX_LOOKUP_PAGES; page++) {
      const answer = await list<T>(endpoint, excluded === undefined ? { filter, startIndex } : { filter, startIndex, excludedAttributes: excluded });
      matches.push(...answer.Resources.filter(same));
      startIndex += answer.Resources.length;
      if (matches.length > 0 || answer.Resources.length === 0 || startIndex > answer.totalResults) break;
    }
    const found = matches.find(hasId) ?? matches[0];
    if (found !== undefined && !hasId(found)) {
      throw new ScimError('scim_missing_id', `GET ${endpoint}: the ${attribute} asked for came back without an id`, undefined, undefined);
    }
    return found;
  }

  /**
   * The resource a create answered; one without an id (RFC 7643 §3.1: id is required), or not the one asked
   * for, is read again by filter.
   */
  async function withId<T extends ScimResource>(answered: unknown, asked: [string, string], again: () => Promise<T | undefined>, what: string): Promise<T> {
    const [attribute, wanted] = asked;
    const shown = (answered as Record<string, unknown> | undefined)?.[attribute];
    if (hasId(answered) && typeof shown === 'string' && shown.toLowerCase() === wanted.toLowerCase()) return answered as T;
    const reread = await again();
    if (reread === undefined) throw new ScimError('scim_missing_id', `${what}: the server answered without an id and the resource cannot be found`, undefined, undefined);
    return reread;
  }

  /** Whether the server shows `userId` in group `groupId`: from the user's `groups` when it has them, else the group. */
  async function showsMember(groupId: string, userId: string): Promise<boolean> {
    let user: unknown;
    try {
      user = (await send('GET', `/Users/${encodeURIComponent(userId)}`, { query: { attributes: 'groups' }, what: 'GET /Users/{id}' })).body;
    } catch (error) {
      if (!(error instanceof ScimError && error.code === 'scim_not_found')) throw error;
      return false;
    }
    const groups = (user as { groups?: unknown } | undefined)?.groups;
    if (Array.isArray(groups)) return groups.some((g: { value?: unknown }) => g?.value === groupId);
    const group = (await send('GET', `/Groups/${encodeURIComponent(groupId)}`, { query: { attributes: 'members' }, what: 'GET /Groups/{id}' })).body;
    return memberIn(group, userId);
  }

  const client: ScimClient = {
    serviceProviderConfig() {
      config ??= send('GET', '/ServiceProviderConfig', { what: 'GET /ServiceProviderConfig' }).then(
        (answer) => readSupport(answer.body),
        (error: unknown) => {
          config = undefined;
          // A server without the endpoint still gets plain RFC 7644 requests, without ETags.
          if (error instanceof ScimError && (error.code === 'scim_not_found' || error.code === 'scim_not_implemented')) {
            return DEFAULT_CONFIG;
          }
          throw error;
        },
      );
      return config;
    },

    findUserByUserName(userName) {
      return findExact<ScimUserResource>('/Users', 'userName', userName);
    },

    async getUser(id) {
      try {
        return (await send('GET', `/Users/${encodeURIComponent(id)}`, { what: 'GET /Users/{id}' })).body as ScimUserResource;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async createUser(user) {
      const body = { schemas: [SCIM_SCHEMA.user], ...user };
      try {
        const answer = await send('POST', '/Users', { body, what: 'POST /Users' });
        return { user: await withId(answer.body, ['userName', user.userName], () => client.findUserByUserName(user.userName), 'POST /Users'), adopted: false };
      } catch (error) {
        if (!(error instanceof ScimError && error.code === 'scim_conflict')) throw error;
        // RFC 7644 §3.3: 409 uniqueness means it is there already (a retry, a race, a manual invite): adopt it.
        const existing = await client.findUserByUserName(user.userName);
        if (existing === undefined) throw error;
        return { user: existing, adopted: true };
      }
    },

    async patchUser(id, operations, version) {
      const { etag } = await client.serviceProviderConfig();
      let ifMatch = etag.supported ? version : undefined;
      const path = `/Users/${encodeURIComponent(id)}`;
      for (let attempt = 1; ; attempt++) {
        try {
          const request: RequestOptions = { body: { schemas: [SCIM_SCHEMA.patchOp], Operations: operations }, what: 'PATCH /Users/{id}' };
          if (ifMatch !== undefined) request.ifMatch = ifMatch;
          const answer = await send('PATCH', path, request);
          // An answer that is not the resource (204, or no id) tells nothing: the caller keeps what it read.
          return answer.status === 204 || !hasId(answer.body) ? undefined : (answer.body as ScimUserResource);
        } catch (error) {
          const stale = error instanceof ScimError && error.code === 'scim_precondition_failed';
          if (!stale || attempt >= 3) throw error;
          // Someone changed it since we read it: read the current version and apply our operations to that.
          const fresh = await send('GET', path, { what: 'GET /Users/{id}' });
          ifMatch = versionOf(fresh);
        }
      }
    },

    async deleteUser(id) {
      try {
        await send('DELETE', `/Users/${encodeURIComponent(id)}`, { what: 'DELETE /Users/{id}' });
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },

    findGroupByDisplayName(displayName, withMembers = false) {
      return findExact<ScimGroupResource>('/Groups', 'displayName', displayName, withMembers ? undefined : ['members']);
    },

    async createGroup(displayName) {
      try {
        const answer = await send('POST', '/Groups', {
          body: { schemas: [SCIM_SCHEMA.group], displayName, members: [] },
          query: { excludedAttributes: 'members' },
          what: 'POST /Groups',
        });
        return { group: await withId(answer.body, ['displayName', displayName], () => client.findGroupByDisplayName(displayName), 'POST /Groups'), adopted: false };
      } catch (error) {
        if (!(error instanceof ScimError && error.code === 'scim_conflict')) throw error;
        const existing = await client.findGroupByDisplayName(displayName);
        if (existing === undefined) throw error;
        return { group: existing, adopted: true };
      }
    },

    // Membership changes are sent without If-Match: adding or removing one member commutes with any
    // other change to the group, and 50 joiners of one department would otherwise fight over its ETag.
    // The answer leaves the members out (a big group's list is large), so the change is confirmed by a
    // read of the user's groups: a server may answer 2xx and not do it.
    async addGroupMember(groupId, userId) {
      const answer = await send('PATCH', `/Groups/${encodeURIComponent(groupId)}`, {
        body: { schemas: [SCIM_SCHEMA.patchOp], Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }] },
        query: { excludedAttributes: 'members' },
        what: 'PATCH /Groups/{id} add member',
      });
      if (memberIn(answer.body, userId) || (await showsMember(groupId, userId))) return;
      throw new ScimError('scim_unconfirmed', `PATCH /Groups/{id} add member: answered ${answer.status} but the user is not in the group`, answer.status, undefined);
    },

    async removeGroupMember(groupId, userId) {
      const answer = await send('PATCH', `/Groups/${encodeURIComponent(groupId)}`, {
        body: {
          schemas: [SCIM_SCHEMA.patchOp],
          Operations: [{ op: 'remove', path: `members[value eq ${scimString(userId)}]` }],
        },
        query: { excludedAttributes: 'members' },
        what: 'PATCH /Groups/{id} remove member',
      });
      if (!(await showsMember(groupId, userId))) return;
      throw new ScimError('scim_unconfirmed', `PATCH /Groups/{id} remove member: answered ${answer.status} but the user is still in the group`, answer.status, undefined);
    },

    listUsers(query = {}) {
      return list<ScimUserResource>('/Users', query);
    },

    listGroups(query = {}) {
      return list<ScimGroupResource>('/Groups', query);
    },

    async listAll<T extends ScimResource>(endpoint: '/Users' | '/Groups', query: ListQuery = {}): Promise<T[]> {
      const { filter } = await client.serviceProviderConfig();
      const count = Math.min(query.count ?? filter.maxResults, filter.maxResults);
      const all: T[] = [];
      for (let startIndex = 1; ; ) {
        const page = await list<T>(endpoint, { ...query, startIndex, count });
        all.push(...page.Resources);
        startIndex += page.Resources.length;
        if (page.Resources.length === 0 || startIndex > page.totalResults) return all;
      }
    },
  };
  return client;
}
