// PATCH (RFC 7644 §3.5.2) applied to a copy of a resource, with what Entra ID and Okta actually send:
// `op` in any case ("Replace", "Add"), `value` objects without `path` whose keys may themselves be paths
// (`"urn:…:enterprise:2.0:User:department": "x"`), members removed by a `value` list or by a filter path
// (`members[value eq "id"]`), and an `emails[type eq "work"].value` that names an element not there yet.
import { parseAttrPath, parseFilter, matchesFilter, type Filter } from './scim-filter.js';
import { ScimRequestError } from './scim-errors.js';
import { containerOf, keyOf, type AttrPath } from './scim-path.js';
import { canonicalName, isExtensionUrn } from './scim-schemas.js';

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

interface PatchPath {
  attr: AttrPath;
  filter?: Filter;
  /** After a filter: `emails[type eq "work"].value`. */
  subAttribute?: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Attributes the server owns: a value for them in a PATCH is ignored (Okta sends `id` in its replace). */
const SERVER_OWNED = new Set(['id', 'meta', 'schemas', 'groups']);

function invalidPath(message: string): ScimRequestError {
  return new ScimRequestError(400, 'invalidPath', message);
}

export function parsePatchPath(path: string): PatchPath {
  const text = path.trim();
  // A path that is a whole extension (`urn:…:enterprise:2.0:User`) names its object.
  if (isExtensionUrn(text)) return { attr: { attribute: text } };
  const open = text.indexOf('[');
  if (open === -1) {
    try {
      return { attr: parseAttrPath(text) };
    } catch {
      throw invalidPath(`"${path}" is not an attribute path`);
    }
  }
  const close = text.lastIndexOf(']');
  if (close < open) throw invalidPath(`"${path}": "[" without "]"`);
  const rest = text.slice(close + 1);
  if (rest !== '' && !/^\.[A-Za-z][\w$-]*$/.test(rest)) throw invalidPath(`"${path}": only ".subAttribute" may follow "]"`);
  let attr: AttrPath;
  try {
    attr = parseAttrPath(text.slice(0, open));
  } catch {
    throw invalidPath(`"${path}" is not an attribute path`);
  }
  if (attr.subAttribute !== undefined) throw invalidPath(`"${path}": the filter goes on the attribute, before any sub-attribute`);
  const filter = parseFilter(text.slice(open + 1, close));
  return { attr, filter, ...(rest === '' ? {} : { subAttribute: rest.slice(1) }) };
}

function sameElement(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b) && a.value !== undefined) return a.value === b.value;
  return JSON.stringify(a) === JSON.stringify(b);
}

function addValues(existing: unknown, values: unknown[]): unknown[] {
  const list = Array.isArray(existing) ? [...(existing as unknown[])] : existing === undefined ? [] : [existing];
  for (const value of values) {
    const at = list.findIndex((element) => sameElement(element, value));
    if (at === -1) list.push(value);
    else if (isObject(list[at]) && isObject(value)) list[at] = { ...(list[at] as Json), ...value };
  }
  return list;
}

/** A filter `sub eq "x"` (or `a eq "x" and b eq "y"`) as the element it describes, for creating one. */
function elementOf(filter: Filter): Json | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.subAttribute === undefined && filter.path.urn === undefined) {
    return { [filter.path.attribute]: filter.value };
  }
  if (filter.kind === 'and') {
    const left = elementOf(filter.left);
    const right = elementOf(filter.right);
    return left === undefined || right === undefined ? undefined : { ...left, ...right };
  }
  return undefined;
}

function applyWithPath(resource: Json, op: 'add' | 'replace' | 'remove', path: PatchPath, value: unknown, raw: string): void {
  const container = containerOf(resource, path.attr, op !== 'remove');
  if (container === undefined) return; // removing from an extension the resource does not have: nothing to do
  const key = keyOf(container, path.attr.attribute) ?? canonicalName(path.attr.attribute);
  if (SERVER_OWNED.has(key.toLowerCase()) && path.attr.urn === undefined) {
    if (op === 'remove') throw new ScimRequestError(400, 'mutability', `"${raw}" cannot be removed`);
    return;
  }
  const existing = container[key];

  if (path.filter !== undefined) {
    if (existing !== undefined && !Array.isArray(existing)) throw invalidPath(`"${raw}": ${key} is not multi-valued`);
    const list = (existing ?? []) as unknown[];
    const matches = (element: unknown) => isObject(element) && matchesFilter(element, path.filter!);
    const sub = path.subAttribute === undefined ? undefined : canonicalName(path.subAttribute);
    if (op === 'remove') {
      if (sub === undefined) container[key] = list.filter((element) => !matches(element));
      else for (const element of list.filter(matches)) delete (element as Json)[keyOf(element as Json, sub) ?? sub];
      if ((container[key] as unknown[]).length === 0) delete container[key];
      return;
    }
    const matched = list.filter(matches);
    if (matched.length === 0) {
      // Entra ID replaces `emails[type eq "work"].value` on a user who has no work email yet: the filter
      // describes the element, which is added. RFC 7644 would answer noTarget, and so do we otherwise.
      const element = elementOf(path.filter);
      if (element === undefined || (sub === undefined && !isObject(value))) {
        throw new ScimRequestError(400, 'noTarget', `"${raw}" matches no value`);
      }
      container[key] = [...list, sub === undefined ? { ...element, ...(value as Json) } : { ...element, [sub]: value }];
      return;
    }
    container[key] = list.map((element) => {
      if (!matches(element)) return element;
      if (sub !== undefined) return { ...(element as Json), [sub]: value };
      if (!isObject(value)) throw new ScimRequestError(400, 'invalidValue', `"${raw}" needs an object value`);
      return op === 'add' ? { ...(element as Json), ...value } : value;
    });
    return;
  }

  if (path.attr.subAttribute !== undefined) {
    if (Array.isArray(existing)) throw invalidPath(`"${raw}": ${key} is multi-valued; select values with a filter, e.g. ${key}[type eq "work"]`);
    const sub = canonicalName(path.attr.subAttribute);
    const complex: Json = isObject(existing) ? { ...existing } : {};
    if (op === 'remove') delete complex[keyOf(complex, sub) ?? sub];
    else complex[keyOf(complex, sub) ?? sub] = value;
    if (Object.keys(complex).length === 0) delete container[key];
    else container[key] = complex;
    return;
  }

  if (op === 'remove') {
    // Entra ID removes members with a value list: {"op":"Remove","path":"members","value":[{"value":"id"}]}.
    if (Array.isArray(existing) && Array.isArray(value) && value.length > 0) {
      const remaining = existing.filter((element) => !value.some((v) => sameElement(element, v)));
      if (remaining.length === 0) delete container[key];
      else container[key] = remaining;
    } else {
      delete container[key];
    }
    return;
  }
  if (Array.isArray(existing) || Array.isArray(value)) {
    const values = Array.isArray(value) ? value : [value];
    container[key] = op === 'add' ? addValues(existing, values) : values;
  } else if (isObject(existing) && isObject(value)) {
    // A complex attribute: the sub-attributes given are set, the others kept (RFC 7644 §3.5.2.1 and §3.5.2.3).
    container[key] = { ...existing, ...value };
  } else {
    container[key] = value;
  }
}

function applyWithoutPath(resource: Json, op: 'add' | 'replace', value: unknown): void {
  if (!isObject(value)) throw new ScimRequestError(400, 'invalidValue', `"${op}" without a path needs an object value`);
  for (const [name, attributeValue] of Object.entries(value)) {
    if (SERVER_OWNED.has(name.toLowerCase())) continue;
    if (isExtensionUrn(name) && isObject(attributeValue)) {
      for (const [sub, subValue] of Object.entries(attributeValue)) {
        applyWithPath(resource, op, { attr: { urn: name, attribute: sub } }, subValue, `${name}:${sub}`);
      }
      continue;
    }
    applyWithPath(resource, op, parsePatchPath(name), attributeValue, name);
  }
}

/** Applies the operations in order to a copy of `resource`; the copy is returned. */
export function applyPatch(resource: Json, operations: PatchOperation[]): Json {
  const result = structuredClone(resource);
  for (const [index, operation] of operations.entries()) {
    const op = String(operation.op).toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw new ScimRequestError(400, 'invalidSyntax', `Operations[${index}]: op must be add, replace or remove, got "${String(operation.op)}"`);
    }
    const path = typeof operation.path === 'string' && operation.path.trim() !== '' ? operation.path : undefined;
    if (path === undefined) {
      if (op === 'remove') throw new ScimRequestError(400, 'noTarget', `Operations[${index}]: remove needs a path`);
      applyWithoutPath(result, op, operation.value);
    } else {
      if (op !== 'remove' && operation.value === undefined) {
        throw new ScimRequestError(400, 'invalidValue', `Operations[${index}]: ${op} needs a value`);
      }
      applyWithPath(result, op, parsePatchPath(path), operation.value, path);
    }
  }
  return result;
}
