// The specification's objects are open: `{"query": {"knnn": ...}}` or a misspelt `minimum_should_match` pass
// plain JSON Schema validation. This walks a value together with the schemas that apply to it (following
// $ref and allOf, and the anyOf/oneOf branches the value actually matches) and reports each property that
// none of them defines, unless one of them explicitly allows any property. It also reports properties
// marked `x-version-added` after, or `x-version-removed` at or before, the OpenSearch version we target.
import { compareVersions } from './version.js';

type Loc = { file: string; pointer: string };
type Json = Record<string, unknown>;

export interface SchemaWalker {
  at(loc: Loc): unknown;
  child(loc: Loc, ...segments: (string | number)[]): Loc;
  resolve(loc: Loc, ref: string): Loc;
  isValid(loc: Loc, value: unknown): boolean;
}

interface Finding {
  where: string;
  message: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every schema location that applies to `value` at `loc`, flattening $ref, allOf and the matching anyOf/oneOf branches. */
function applicable(walker: SchemaWalker, loc: Loc, value: unknown, out: Loc[] = [], depth = 0): Loc[] {
  if (depth > 64) return out;
  const node = walker.at(loc);
  if (!isObject(node)) return out;
  out.push(loc);
  if (typeof node.$ref === 'string') applicable(walker, walker.resolve(loc, node.$ref), value, out, depth + 1);
  if (Array.isArray(node.allOf)) node.allOf.forEach((_, i) => applicable(walker, walker.child(loc, 'allOf', i), value, out, depth + 1));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = node[key];
    if (!Array.isArray(branches)) continue;
    branches.forEach((_, i) => {
      const branch = walker.child(loc, key, i);
      if (walker.isValid(branch, value)) applicable(walker, branch, value, out, depth + 1);
    });
  }
  return out;
}

function versionFindings(node: Json, where: string, target: string): Finding[] {
  const added = node['x-version-added'];
  const removed = node['x-version-removed'];
  const out: Finding[] = [];
  if (typeof added === 'string' && compareVersions(added, target) > 0) out.push({ where, message: `added in OpenSearch ${added}, after the targeted ${target}` });
  if (typeof removed === 'string' && compareVersions(removed, target) <= 0) out.push({ where, message: `removed in OpenSearch ${removed}` });
  return out;
}

function walk(walker: SchemaWalker, loc: Loc, value: unknown, where: string, target: string, out: Finding[]): void {
  const locs = applicable(walker, loc, value);
  const nodes = locs.map((l) => walker.at(l) as Json);
  if (Array.isArray(value)) {
    locs.forEach((l, i) => {
      if (!isObject(nodes[i]!.items)) return;
      value.forEach((item, j) => walk(walker, walker.child(l, 'items'), item, `${where}/${j}`, target, out));
    });
    return;
  }
  if (!isObject(value)) return;
  let open = false;
  let describesProperties = false;
  const byName = new Map<string, Loc[]>();
  const patterns: { re: RegExp; loc: Loc }[] = [];
  const extra: Loc[] = [];
  locs.forEach((l, i) => {
    const node = nodes[i]!;
    if (isObject(node.properties)) {
      describesProperties = true;
      for (const name of Object.keys(node.properties)) byName.set(name, [...(byName.get(name) ?? []), walker.child(l, 'properties', name)]);
    }
    if (isObject(node.patternProperties)) {
      describesProperties = true;
      for (const p of Object.keys(node.patternProperties)) patterns.push({ re: new RegExp(p, 'u'), loc: walker.child(l, 'patternProperties', p) });
    }
    const additional = node.additionalProperties;
    if (additional === true || (isObject(additional) && Object.keys(additional).length === 0)) open = true;
    else if (isObject(additional)) extra.push(walker.child(l, 'additionalProperties'));
    // A bare `type: object` with nothing said about its properties, nor composed of other schemas, is free-form.
    const composed = ['$ref', 'allOf', 'anyOf', 'oneOf', 'properties', 'patternProperties', 'additionalProperties'].some((k) => node[k] !== undefined);
    if (node.type === 'object' && !composed) open = true;
  });
  for (const [name, child] of Object.entries(value)) {
    const path = `${where}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    let targets = byName.get(name) ?? patterns.filter((p) => p.re.test(name)).map((p) => p.loc);
    if (targets.length === 0) targets = extra;
    if (targets.length === 0) {
      if (!open && describesProperties) out.push({ where: path, message: 'property not defined by the specification' });
      continue;
    }
    const versions = targets.map((t) => versionFindings(walker.at(t) as Json, path, target));
    // Flag a version problem only when no defining schema is free of it.
    if (versions.every((v) => v.length > 0)) out.push(...versions[0]!);
    for (const t of targets) walk(walker, t, child, path, target, out);
  }
}

export function findUnknownProperties(walker: SchemaWalker, schema: Loc, value: unknown, targetVersion: string): Finding[] {
  const out: Finding[] = [];
  walk(walker, schema, value, '', targetVersion, out);
  const seen = new Set<string>();
  return out.filter((f) => {
    const key = `${f.where} ${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
