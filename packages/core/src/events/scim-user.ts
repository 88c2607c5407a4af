// Reading a person out of a lifecycle event's SCIM User data, the same way in every consumer.
import { SCIM_ENTERPRISE_USER } from './schemas.js';

export interface ScimUserData {
  userName?: unknown;
  displayName?: unknown;
  active?: unknown;
  externalId?: unknown;
  name?: { formatted?: unknown; givenName?: unknown; familyName?: unknown };
  emails?: { value?: unknown; type?: unknown; primary?: unknown }[];
  [SCIM_ENTERPRISE_USER]?: { department?: unknown };
}

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

/**
 * A string from the event with control characters (C0, DEL, C1) turned into spaces, bidi and invisible
 * direction marks removed, trimmed; empty → undefined. The marks (U+202A–U+202E embeddings and overrides,
 * U+2066–U+2069 isolates, U+200E/U+200F, U+061C) would let a name reorder the text around it in an email
 * ("Trojan Source"); a name reads the same without them.
 */
export function cleanText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = value
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]+/g, '')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .trim();
  return clean === '' ? undefined : clean;
}

/** The primary email, else the work email, else the userName when it is an address. */
export function workEmailOf(data: ScimUserData): string | undefined {
  const emails = Array.isArray(data.emails) ? data.emails : [];
  const candidates = [emails.find((e) => e.primary === true)?.value, emails.find((e) => e.type === 'work')?.value, data.userName];
  for (const candidate of candidates) {
    const address = cleanText(candidate);
    if (address !== undefined && ADDRESS.test(address)) return address;
  }
  return undefined;
}

export function departmentOf(data: ScimUserData): string | undefined {
  return cleanText(data[SCIM_ENTERPRISE_USER]?.department);
}
