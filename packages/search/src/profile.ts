// A person's searchable profile, from the SCIM User of a lifecycle event: name, job title, department,
// location, manager, and whatever skills or description attributes the IdP sends (any schema).
import { SCIM_ENTERPRISE_USER } from '@onramp/core';
import type { IndexedItem } from './ports.js';

export type IndexDraft = Omit<IndexedItem, 'vector'>;

type Json = Record<string, unknown>;

const DESCRIPTIVE = /skill|expertise|description|about|bio|interest|summary|responsibilit|speciali/i;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);

/** The key a person is indexed under: the SCIM id, or the userName when the IdP sent no id. */
export function personSourceId(user: Json): string {
  return `person:${str(user.id) ?? str(user.userName) ?? ''}`;
}

function displayName(user: Json): string {
  const name = obj(user.name);
  const parts = [str(name?.givenName), str(name?.familyName)].filter(Boolean).join(' ');
  return str(user.displayName) ?? str(name?.formatted) ?? (parts || undefined) ?? str(user.userName) ?? 'unnamed';
}

function location(user: Json): string | undefined {
  const addresses = Array.isArray(user.addresses) ? user.addresses.map(obj).filter((a) => a !== undefined) : [];
  const address = addresses.find((a) => a.primary === true) ?? addresses[0];
  const fromAddress = str(address?.formatted) ?? ([str(address?.locality), str(address?.region), str(address?.country)].filter(Boolean).join(', ') || undefined);
  return fromAddress ?? str(user.location) ?? str(user.office);
}

/** Skills and descriptions, wherever they are: top-level or inside any schema extension. */
function descriptions(user: Json): string[] {
  const out: string[] = [];
  const visit = (record: Json, depth: number) => {
    for (const [key, value] of Object.entries(record)) {
      if (DESCRIPTIVE.test(key)) {
        const values = Array.isArray(value) ? value : [value];
        for (const v of values) {
          const text = str(v) ?? str(obj(v)?.value) ?? str(obj(v)?.display);
          if (text !== undefined) out.push(text);
        }
      } else if (depth === 0 && key.startsWith('urn:') && obj(value) !== undefined) {
        visit(obj(value)!, 1);
      }
    }
  };
  visit(user, 0);
  return out;
}

/** The profile of a SCIM User, ready to embed; `null` profiles are visible to every employee. */
export function profileDraft(user: Json): IndexDraft {
  const enterprise = obj(user[SCIM_ENTERPRISE_USER]);
  const name = displayName(user);
  const fields: Record<string, unknown> = {};
  const facts: [string, string | undefined][] = [
    ['Title', str(user.title)],
    ['Department', str(enterprise?.department)],
    ['Organization', str(enterprise?.organization) ?? str(enterprise?.division)],
    ['Location', location(user)],
    ['Manager', str(obj(enterprise?.manager)?.displayName)],
  ];
  const lines = [name];
  for (const [label, value] of facts) {
    if (value === undefined) continue;
    lines.push(`${label}: ${value}`);
    fields[label.toLowerCase()] = value;
  }
  const about = descriptions(user);
  if (about.length > 0) lines.push(...about);
  const userName = str(user.userName);
  if (userName !== undefined) fields.userName = userName;
  const draft: IndexDraft = {
    id: personSourceId(user),
    sourceId: personSourceId(user),
    kind: 'person',
    title: name,
    text: lines.slice(1).join('\n'),
    acl: null,
    fields,
  };
  const department = str(enterprise?.department);
  if (department !== undefined) draft.department = department;
  return draft;
}
