// Reading a path out of an evaluated resource, before any default or conversion.
import { Unknown, isMap, type Value } from '../eval/value.js';
import type { ResourceInstance } from '../model/types.js';

/**
 * Reads `a.b.c` from a resource; a step into a list of blocks reads the first block,
 * which is what Terraform's single-block arguments (`system_disk { … }`) look like here.
 */
export function get(resource: ResourceInstance, path: string): Value | undefined {
  let current: Value | undefined = resource.attributes;
  for (const step of path.split('.')) {
    if (Array.isArray(current) && !/^\d+$/.test(step)) current = current[0];
    if (current === undefined || current === null) return undefined;
    if (Array.isArray(current)) current = current[Number(step)];
    else if (isMap(current)) current = current[step];
    else return current instanceof Unknown ? current : undefined;
  }
  return current;
}
