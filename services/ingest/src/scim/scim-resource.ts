// What a request's User or Group becomes before it is stored: server-owned attributes (id, meta, groups)
// and the password dropped, nulls removed (RFC 7643 §2.5: null is unassigned), names in the schema's
// spelling, Entra ID's `"active": "False"` and manager-as-a-string read as what they mean. Then the event
// that records it, checked against the catalogue before anything is written.
import { randomUUID } from 'node:crypto';
import {
  InvalidEvent,
  LIFECYCLE,
  parseEvent,
  SCIM_ENTERPRISE_USER,
  SCIM_GROUP,
  SCIM_SERVER_SOURCE,
  SCIM_USER,
  type CloudEvent,
  type ScimResourceRow,
  type ScimResourceType,
} from '@onramp/core';
import { ScimRequestError } from './scim-errors.js';
import { canonicalName, isExtensionUrn } from './scim-schemas.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const DROPPED = new Set(['id', 'meta', 'schemas', 'password', 'groups']);

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) if (v !== null && key.toLowerCase() !== 'password') out[key] = withoutNulls(v);
  return out;
}

function asBoolean(value: unknown): unknown {
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}

/** The resource's own attributes, in canonical spelling, without what the server owns. */
function attributesOf(input: Json): Json {
  const out: Json = {};
  for (const [name, value] of Object.entries(input)) {
    if (DROPPED.has(name.toLowerCase())) continue;
    out[isExtensionUrn(name) ? SCIM_ENTERPRISE_USER : canonicalName(name)] = withoutNulls(value);
  }
  return out;
}

export function normalizeUser(input: Json, id: string): Json {
  const attributes = attributesOf(input);
  attributes.active = attributes.active === undefined ? true : asBoolean(attributes.active);
  const enterprise = attributes[SCIM_ENTERPRISE_USER];
  if (isObject(enterprise)) {
    if (typeof enterprise.manager === 'string') enterprise.manager = { value: enterprise.manager };
    if (Object.keys(enterprise).length === 0) delete attributes[SCIM_ENTERPRISE_USER];
  }
  const schemas = attributes[SCIM_ENTERPRISE_USER] === undefined ? [SCIM_USER] : [SCIM_USER, SCIM_ENTERPRISE_USER];
  return { schemas, id, ...attributes };
}

export function normalizeGroup(input: Json, id: string): Json {
  const attributes = attributesOf(input);
  if (attributes.members !== undefined) {
    if (!Array.isArray(attributes.members)) throw new ScimRequestError(400, 'invalidValue', 'members must be a list');
    const seen = new Set<string>();
    const members: Json[] = [];
    for (const member of attributes.members as unknown[]) {
      if (!isObject(member) || typeof member.value !== 'string' || member.value === '') {
        throw new ScimRequestError(400, 'invalidValue', 'each member needs a "value": the id of a User or Group');
      }
      if (seen.has(member.value)) continue;
      seen.add(member.value);
      members.push(member);
    }
    attributes.members = members;
  }
  return { schemas: [SCIM_GROUP], id, ...attributes };
}

/** A body's `schemas` must name the resource's core schema (RFC 7643 §3). */
export function requireSchema(body: Json, schema: string): void {
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === schema.toLowerCase())) {
    throw new ScimRequestError(400, 'invalidSyntax', `"schemas" must include "${schema}"`);
  }
}

export function newResourceId(): string {
  return randomUUID();
}

function subjectOf(type: ScimResourceType, id: string): string {
  return `${type === 'User' ? 'user' : 'group'}/${id}`;
}

/**
 * The event that records a write, validated against the catalogue: a resource the log cannot store (a
 * User without an email address, say) is a 400 invalidValue here, before anything is written.
 */
export function scimEvent(eventType: string, resourceType: ScimResourceType, data: Json): CloudEvent {
  const structured = {
    specversion: '1.0',
    id: randomUUID(),
    source: SCIM_SERVER_SOURCE,
    type: eventType,
    subject: subjectOf(resourceType, String(data.id)),
    time: new Date().toISOString(),
    datacontenttype: 'application/scim+json',
    data,
  };
  try {
    return parseEvent(structured, 0);
  } catch (error) {
    if (!(error instanceof InvalidEvent)) throw error;
    const problems = error.fields.map((f) => `${f.pointer.replace(/^\/data\/?/, '').replace(/\//g, '.') || resourceType} ${f.message}`);
    throw new ScimRequestError(400, 'invalidValue', `this ${resourceType} cannot be stored: ${problems.join('; ')}`);
  }
}

/** The lifecycle type of a change to a User: a change to active=false is a leaver. */
export function userChangeType(before: Json, after: Json): string {
  return after.active === false && before.active !== false ? LIFECYCLE.userDeactivated : LIFECYCLE.userUpdated;
}

/** Who joined and left a group in a change, for the event (consumers need not diff the lists). */
export function memberChanges(before: Json, after: Json): { membersAdded?: Json[]; membersRemoved?: Json[] } {
  const values = (group: Json) => (Array.isArray(group.members) ? (group.members as Json[]) : []);
  const had = new Set(values(before).map((m) => m.value));
  const has = new Set(values(after).map((m) => m.value));
  const added = values(after).filter((m) => !had.has(m.value));
  const removed = values(before).filter((m) => !has.has(m.value));
  return { ...(added.length > 0 ? { membersAdded: added } : {}), ...(removed.length > 0 ? { membersRemoved: removed } : {}) };
}

/** The resource as answered: with `meta` (its version is the seq of the event that last wrote it). */
export function representation(row: Pick<ScimResourceRow, 'type' | 'id' | 'seq' | 'createdAt' | 'modifiedAt' | 'resource'>, base: string): Json {
  return {
    ...row.resource,
    meta: {
      resourceType: row.type,
      created: row.createdAt,
      lastModified: row.modifiedAt,
      location: `${base}/${row.type === 'User' ? 'Users' : 'Groups'}/${row.id}`,
      version: etagOf(row.seq),
    },
  };
}

export function etagOf(seq: number): string {
  return `W/"${seq}"`;
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.9), by top-level attribute; id and schemas always stay. */
export function projectAttributes(resource: Json, attributes: string[] | undefined, excluded: string[] | undefined): Json {
  const top = (path: string) => {
    const name = path.trim();
    if (isExtensionUrn(name)) return SCIM_ENTERPRISE_USER.toLowerCase();
    const withoutUrn = /^urn:.*:([^:]+)$/i.exec(name)?.[1] ?? name;
    return withoutUrn.split('.')[0]!.toLowerCase();
  };
  const always = new Set(['id', 'schemas', 'meta']);
  if (attributes !== undefined && attributes.length > 0) {
    const wanted = new Set(attributes.map(top));
    return Object.fromEntries(Object.entries(resource).filter(([key]) => always.has(key) || wanted.has(key.toLowerCase())));
  }
  if (excluded !== undefined && excluded.length > 0) {
    const unwanted = new Set(excluded.map(top));
    return Object.fromEntries(Object.entries(resource).filter(([key]) => always.has(key) || !unwanted.has(key.toLowerCase())));
  }
  return resource;
}
