// The one way rules read an argument: the evaluated value, or the provider's default when it is
// omitted, converted the way Terraform converts it, compared with the service's case rule.
import type { Value } from '../eval/value.js';
import type { ResourceInstance } from '../model/types.js';
import { get } from './get-path.js';
import { toBool, toNumber, toStringValue } from './convert.js';
import { CASE_INSENSITIVE, PROVIDER_DEFAULTS } from './provider-defaults.js';

/** The value an argument has, with the provider's default filled in when it is omitted (or null). */
export function read(resource: ResourceInstance, path: string): Value | undefined {
  const value = get(resource, path);
  if (value !== undefined && value !== null) return value;
  const fallback = PROVIDER_DEFAULTS[resource.type]?.[path];
  return fallback !== undefined ? fallback : value;
}

export const readBool = (resource: ResourceInstance, path: string): boolean | undefined => toBool(read(resource, path));
export const readNumber = (resource: ResourceInstance, path: string): number | undefined => toNumber(read(resource, path));
export const readString = (resource: ResourceInstance, path: string): string | undefined => toStringValue(read(resource, path));

export const isCaseInsensitive = (type: string, path: string): boolean => CASE_INSENSITIVE[type]?.includes(path) ?? false;

/** Whether a value equals one of the expected ones, under Terraform's conversions and the argument's case rule. */
export function matches(type: string, path: string, value: Value | undefined, expected: readonly Value[]): boolean {
  const text = toStringValue(value);
  if (text === undefined) return false;
  const fold = isCaseInsensitive(type, path);
  return expected.some((e) => {
    const want = toStringValue(e);
    if (want === undefined) return false;
    return fold ? want.toLowerCase() === text.toLowerCase() : want === text;
  });
}

/** `read` + `matches`: the argument (or its default) is one of the expected values. */
export const readIs = (resource: ResourceInstance, path: string, expected: readonly Value[]): boolean => matches(resource.type, path, read(resource, path), expected);
