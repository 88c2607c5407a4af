// Reading and judging evaluated attributes. A rule states what it expects; these helpers
// turn "missing", "known only after apply" and "not known statically" into clear problems.
import { Ref, Unknown, isMap, type Value, type ValueMap } from '../eval/value.js';
import { get } from '../values/get-path.js';
import { toBool } from '../values/convert.js';
import { matches, read, readNumber } from '../values/read-value.js';
import type { Model, ResourceInstance } from '../model/types.js';
import type { Problem } from './rule.js';

export { get };

/** The blocks of a nested block type (empty when absent). */
export function blocks(resource: ResourceInstance, name: string): ValueMap[] {
  const value = resource.attributes[name];
  return (Array.isArray(value) ? value : [value ?? null]).filter(isMap);
}

export function isSet(value: Value | undefined): boolean {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

function describe(value: Value): string {
  if (value instanceof Unknown) return `not known statically (${value.reason})`;
  if (value instanceof Ref) return `known only after apply (${value.toString()})`;
  return JSON.stringify(value);
}

/** Expects the attribute to be one of the given values. */
export function expectOneOf(resource: ResourceInstance, path: string, allowed: Value[], why: string): Problem[] {
  const value = read(resource, path);
  const attribute = path.split('.')[0]!;
  if (!isSet(value)) return [{ message: `${path} is not set; ${why}`, attribute }];
  if (matches(resource.type, path, value, allowed)) return [];
  return [{ message: `${path} is ${describe(value!)}, expected ${allowed.map((a) => JSON.stringify(a)).join(' or ')}; ${why}`, attribute }];
}

/** Expects the attribute to be present; a value known only after apply counts as present. */
export function expectSet(resource: ResourceInstance, path: string, why: string): Problem[] {
  return isSet(get(resource, path)) ? [] : [{ message: `${path} is not set; ${why}`, attribute: path.split('.')[0]! }];
}

/** Expects a number of at least `min`. */
export function expectAtLeast(resource: ResourceInstance, path: string, min: number, why: string): Problem[] {
  const value = read(resource, path);
  const attribute = path.split('.')[0]!;
  const number = readNumber(resource, path);
  if (!isSet(value)) return [{ message: `${path} is not set; ${why}`, attribute }];
  if (typeof number === 'number' && number >= min) return [];
  return [{ message: `${path} is ${describe(value!)}, expected at least ${min}; ${why}`, attribute }];
}

/** Whether a value (or anything inside it) refers to the given resource instance. */
export function refersTo(value: Value | undefined, target: ResourceInstance): boolean {
  if (value === undefined || value === null) return false;
  if (value instanceof Ref) return value.address === target.address;
  if (typeof value === 'string') return value.includes(`\${${target.address}.`) || value.includes(`\${${target.address}}`);
  if (Array.isArray(value)) return value.some((v) => refersTo(v, target));
  if (isMap(value)) return Object.values(value).some((v) => refersTo(v, target));
  return false;
}

/** Resources of the given types whose `attribute` refers to the target, e.g. the policy of a bucket. */
export function attachedTo(model: Model, types: string[], attribute: string, target: ResourceInstance): ResourceInstance[] {
  const name = typeof target.attributes.bucket === 'string' ? target.attributes.bucket : undefined;
  return model.resources.filter((r) => {
    if (!types.includes(r.type)) return false;
    const value = get(r, attribute);
    // OSS companions may name the bucket instead of referencing it.
    return refersTo(value, target) || (name !== undefined && value === name);
  });
}

/** Strings in a value, flattening lists (CIDR lists, comma-separated whitelists). */
export function strings(value: Value | undefined): string[] {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value)) return value.flatMap(strings);
  return [];
}

export const ANYWHERE = ['0.0.0.0/0', '0.0.0.0', '::/0'];

/**
 * A data service is private: no any-IP entry in its whitelist and no public endpoint. Config's
 * "public-and-any-ip" rules fail only when both hold, so their id goes on the findings only then;
 * `whitelistIds` are the ids an any-IP whitelist alone matches (Checkov's CKV_ALI_9 for RDS).
 */
export function privateAccessProblems(resource: ResourceInstance, model: Model, whitelist: string, publicEndpointType: string, config: string, whitelistIds: string[] = [], publicFlag?: string): Problem[] {
  const problems: Problem[] = [];
  const open = strings(get(resource, whitelist)).filter((ip) => ANYWHERE.includes(ip));
  const hasEndpoint = attachedTo(model, [publicEndpointType], 'instance_id', resource).length > 0;
  const flagged = publicFlag !== undefined && toBool(read(resource, publicFlag)) === true;
  const isPublic = hasEndpoint || flagged;
  const alibaba = isPublic && open.length ? [config] : [];
  if (open.length) problems.push({ message: `${whitelist} allows ${open.join(', ')}`, attribute: whitelist, ids: { checkov: whitelistIds, alibaba } });
  if (hasEndpoint) problems.push({ message: `an ${publicEndpointType} gives the instance a public endpoint`, ids: { alibaba } });
  if (flagged) problems.push({ message: `${publicFlag} = true`, attribute: publicFlag, ids: { alibaba } });
  return problems;
}

/** The standby or secondary zone is set and differs from the primary one. */
export function secondZoneProblems(resource: ResourceInstance, primary: string, secondary: string): Problem[] {
  const [first, second] = [get(resource, primary), get(resource, secondary)];
  const distinct = second !== undefined && second !== null && second !== 'Auto' && JSON.stringify(first) !== JSON.stringify(second);
  return distinct ? [] : [{ message: `${secondary} does not name a zone other than ${primary}`, attribute: secondary }];
}

/** The resource is placed in a VPC vSwitch rather than the classic network. */
export const inVpc = (resource: ResourceInstance): Problem[] => expectSet(resource, 'vswitch_id', 'outside a VPC it is reachable from the classic network');
