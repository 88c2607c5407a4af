// The data behind the local SCIM service provider, and its SCIMMY resource handlers. SCIMMY keeps its
// declarations process-wide, so the handlers are declared once and find each server's store in the
// request context they are handed.
import { randomUUID } from 'node:crypto';
import SCIMMY from 'scimmy';

type Json = Record<string, unknown>;

export interface ScimStore {
  users: Map<string, Json>;
  groups: Map<string, Json>;
}

export interface ScimContext {
  store: ScimStore;
}

interface Meta {
  created: string;
  lastModified: string;
  version: string;
}

const plain = (value: unknown): Json => JSON.parse(JSON.stringify(value)) as Json;
const lower = (value: unknown) => String(value ?? '').toLowerCase();

export function createScimStore(): ScimStore {
  return { users: new Map(), groups: new Map() };
}

export function versionOf(record: Json | undefined): string | undefined {
  return (record?.meta as Meta | undefined)?.version;
}

function nextMeta(previous: Json | undefined): Meta {
  const now = new Date().toISOString();
  const old = previous?.meta as Meta | undefined;
  const n = old === undefined ? 1 : Number(/\d+/.exec(old.version)?.[0] ?? 0) + 1;
  return { created: old?.created ?? now, lastModified: now, version: `W/"${n}"` };
}

function notFound(kind: string, id: string | undefined): never {
  throw new SCIMMY.Types.Error(404, null as unknown as string, `${kind} ${id ?? ''} not found`);
}

function ctxStore(ctx: unknown): ScimStore {
  return (ctx as ScimContext).store;
}

function groupsOfUser(store: ScimStore, userId: string) {
  return [...store.groups.values()]
    .filter((g) => (g.members as { value: string }[] | undefined)?.some((m) => m.value === userId))
    .map((g) => ({ value: g.id as string, display: g.displayName as string, type: 'direct' }));
}

/** A user as the server shows it: with the groups it is a member of (RFC 7643 §4.1.2, read-only). */
export function userOut(store: ScimStore, record: Json): Json {
  return { ...record, groups: groupsOfUser(store, record.id as string) };
}

// RFC 7643 makes userName and displayName case-insensitive (caseExact false), but SCIMMY's Filter
// compares exactly; so those attributes are compared lower-cased on both sides.
const CASE_INSENSITIVE = ['username', 'displayname'];
type Expression = unknown[];

function lowerExpected(expression: Expression): Expression {
  if (expression.every(Array.isArray)) return (expression as Expression[]).map(lowerExpected);
  const last = expression.at(-1);
  return typeof last === 'string' ? [...expression.slice(0, -1), last.toLowerCase()] : expression;
}

function caseInsensitiveMatch(filter: Json[], records: Json[]): Json[] {
  const terms = filter.map((term) =>
    Object.fromEntries(
      Object.entries(term).map(([attr, expr]) =>
        [attr, CASE_INSENSITIVE.includes(attr.toLowerCase()) && Array.isArray(expr) ? lowerExpected(expr) : expr],
      ),
    ),
  );
  const views = records.map((record) =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, CASE_INSENSITIVE.includes(k.toLowerCase()) && typeof v === 'string' ? v.toLowerCase() : v])),
  );
  const matched = new SCIMMY.Types.Filter(terms as never).match(views as never[]) as Json[];
  return records.filter((_, i) => matched.includes(views[i]!));
}

function select(resource: { id?: string; filter?: Json[] }, all: Json[], kind: string) {
  if (resource.id !== undefined) {
    const found = all.find((r) => r.id === resource.id);
    return found ?? notFound(kind, resource.id);
  }
  return resource.filter === undefined ? all : caseInsensitiveMatch([...resource.filter], all);
}

/** A create or a replace: the data, the record it replaces, its id; `unique` must stay unique (409). */
function incoming(records: Map<string, Json>, resource: { id?: string }, instance: unknown, kind: string, unique: string) {
  const data = plain(instance);
  const previous = resource.id === undefined ? undefined : (records.get(resource.id) ?? notFound(kind, resource.id));
  const id = (previous?.id as string | undefined) ?? randomUUID();
  for (const other of records.values()) {
    if (other.id !== id && lower(other[unique]) === lower(data[unique])) {
      throw new SCIMMY.Types.Error(409, 'uniqueness', `${unique} ${String(data[unique])} is already taken`);
    }
  }
  return { data, previous, id };
}

/**
 * The member ids of a PATCH that only adds members (what a provisioning client sends for each joiner),
 * or undefined for any other PATCH. Such a PATCH is applied by addGroupMembers instead of SCIMMY, whose
 * patch re-coerces the whole member list and so costs time in proportion to the group's size.
 */
export function memberAdditions(body: unknown): string[] | undefined {
  const operations = (body as { Operations?: unknown } | undefined)?.Operations;
  if (!Array.isArray(operations) || operations.length === 0) return undefined;
  const ids: string[] = [];
  for (const operation of operations as { op?: unknown; path?: unknown; value?: unknown }[]) {
    if (String(operation.op).toLowerCase() !== 'add' || operation.path !== 'members' || !Array.isArray(operation.value)) return undefined;
    for (const member of operation.value as { value?: unknown }[]) {
      if (typeof member?.value !== 'string') return undefined;
      ids.push(member.value);
    }
  }
  return ids;
}

/** Adds users to a group as SCIMMY's PATCH add would: each must be a user, and is a member once. */
export function addGroupMembers(store: ScimStore, groupId: string, userIds: string[]): void {
  const group = store.groups.get(groupId) ?? notFound('Group', groupId);
  const members = [...((group.members as Json[] | undefined) ?? [])];
  for (const id of userIds) {
    const user = store.users.get(id);
    if (user === undefined) throw new SCIMMY.Types.Error(400, 'invalidValue', `member ${id} is not a user`);
    if (!members.some((m) => m.value === id)) members.push({ value: id, display: user.userName, type: 'User' });
  }
  store.groups.set(groupId, { ...group, members, meta: nextMeta(group) });
}

let declared = false;

/** Where every local SCIM server serves its endpoints; SCIMMY's resource locations are process-wide. */
export const SCIM_BASE_PATH = '/scim/v2';

/** Declares User and Group with SCIMMY (once per process) and sets what the provider supports. */
export function declareScimResources(): void {
  if (declared) return;
  declared = true;
  SCIMMY.Config.set({
    patch: true,
    filter: { supported: true, maxResults: 100 },
    etag: true,
    sort: true,
    bulk: false,
    changePassword: false,
    authenticationSchemes: [
      { type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Authentication with a bearer token in the Authorization header' },
    ],
  });

  // Users may carry the enterprise extension (department, employeeNumber, manager), as IDaaS's inbound
  // SCIM and most providers accept; without it SCIMMY would drop those attributes without a word.
  SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser as never, false);
  SCIMMY.Resources.declare(SCIMMY.Resources.User, {
    basepath: SCIM_BASE_PATH,
    egress: (resource: { id?: string; filter?: Json[] }, ctx: unknown) => {
      const store = ctxStore(ctx);
      const out = (u: Json) => userOut(store, u);
      // A user's groups are worked out from every group's members: only for the users chosen, unless
      // the filter is about groups.
      if (JSON.stringify(resource.filter ?? []).toLowerCase().includes('groups')) return select(resource, [...store.users.values()].map(out), 'User');
      const chosen = select(resource, [...store.users.values()], 'User');
      return Array.isArray(chosen) ? chosen.map(out) : out(chosen);
    },
    ingress: (resource: { id?: string }, instance: unknown, ctx: unknown) => {
      const store = ctxStore(ctx);
      const { data, previous, id } = incoming(store.users, resource, instance, 'User', 'userName');
      delete data.groups;
      const record: Json = { active: true, ...data, id, meta: nextMeta(previous) };
      store.users.set(id, record);
      return userOut(store, record);
    },
    degress: (resource: { id?: string }, ctx: unknown) => {
      const store = ctxStore(ctx);
      if (resource.id === undefined || !store.users.delete(resource.id)) notFound('User', resource.id);
      for (const group of store.groups.values()) {
        group.members = (group.members as { value: string }[] | undefined)?.filter((m) => m.value !== resource.id) ?? [];
      }
    },
  } as never);

  SCIMMY.Resources.declare(SCIMMY.Resources.Group, {
    basepath: SCIM_BASE_PATH,
    egress: (resource: { id?: string }, ctx: unknown) => select(resource, [...ctxStore(ctx).groups.values()], 'Group'),
    ingress: (resource: { id?: string }, instance: unknown, ctx: unknown) => {
      const store = ctxStore(ctx);
      const { data, previous, id } = incoming(store.groups, resource, instance, 'Group', 'displayName');
      const members = new Map<string, Json>();
      for (const member of (data.members as Json[] | undefined) ?? []) {
        const user = store.users.get(String(member.value));
        if (user === undefined) throw new SCIMMY.Types.Error(400, 'invalidValue', `member ${String(member.value)} is not a user`);
        members.set(String(member.value), { value: member.value, display: user.userName, type: 'User' });
      }
      const record: Json = { ...data, id, members: [...members.values()], meta: nextMeta(previous) };
      store.groups.set(id, record);
      return record;
    },
    degress: (resource: { id?: string }, ctx: unknown) => {
      if (resource.id === undefined || !ctxStore(ctx).groups.delete(resource.id)) notFound('Group', resource.id);
    },
  } as never);
}
