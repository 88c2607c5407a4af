// Attribute paths (RFC 7644 §3.10): `[urn:…:]attribute[.subAttribute]`, read from a resource. Attribute
// names are case-insensitive; a URN names an extension's object, or the resource's own core schema.
import { SCIM_GROUP, SCIM_USER } from '@onramp/core';

export interface AttrPath {
  urn?: string;
  attribute: string;
  subAttribute?: string;
}

const CORE_SCHEMAS = [SCIM_USER.toLowerCase(), SCIM_GROUP.toLowerCase()];

/** The key of `object` that is `name` ignoring case, if there is one. */
export function keyOf(object: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

/** The object that holds the path's attribute: the resource, or its extension's object (created when asked). */
export function containerOf(resource: Record<string, unknown>, path: AttrPath, create = false): Record<string, unknown> | undefined {
  if (path.urn === undefined || CORE_SCHEMAS.includes(path.urn.toLowerCase())) return resource;
  const key = keyOf(resource, path.urn);
  const found = key === undefined ? undefined : resource[key];
  if (typeof found === 'object' && found !== null && !Array.isArray(found)) return found as Record<string, unknown>;
  if (!create) return undefined;
  const made: Record<string, unknown> = {};
  resource[key ?? path.urn] = made;
  return made;
}

function get(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const key = keyOf(object as Record<string, unknown>, name);
  return key === undefined ? undefined : (object as Record<string, unknown>)[key];
}

/** Every value at the path, multi-valued attributes flattened; [] when there is none. */
export function resolvePath(resource: Record<string, unknown>, path: AttrPath): unknown[] {
  const container = containerOf(resource, path);
  if (container === undefined) return [];
  const value = get(container, path.attribute);
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  if (path.subAttribute === undefined) return values;
  return values.map((v) => get(v, path.subAttribute!)).filter((v) => v !== undefined).flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** The same path without its sub-attribute. */
export function attributeOnly(path: AttrPath): AttrPath {
  return path.urn === undefined ? { attribute: path.attribute } : { urn: path.urn, attribute: path.attribute };
}
