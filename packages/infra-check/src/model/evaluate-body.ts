// Evaluates a resource body: attributes, nested blocks (arrays of bodies) and `dynamic` blocks,
// leaving out the meta-arguments Terraform itself consumes.
import { evaluateJson } from '../eval/expression.js';
import type { Scope } from '../eval/scope.js';
import { Unknown, isMap, type Value, type ValueMap } from '../eval/value.js';
import type { Body } from './raw-blocks.js';

const META_ARGUMENTS = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);

const isBody = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

export async function evaluateBody(body: Body, scope: Scope): Promise<ValueMap> {
  const out: ValueMap = {};
  for (const [key, raw] of Object.entries(body)) {
    if (META_ARGUMENTS.has(key)) continue;
    if (key === 'dynamic' && isBody(raw)) {
      await expandDynamic(raw, scope, out);
    } else if (Array.isArray(raw) && raw.length > 0 && raw.every(isBody)) {
      const blocks: Value[] = [];
      for (const block of raw) blocks.push(await evaluateBody(block, scope));
      out[key] = [...(Array.isArray(out[key]) ? (out[key] as Value[]) : []), ...blocks];
    } else {
      out[key] = await evaluateJson(raw, scope);
    }
  }
  return out;
}

async function expandDynamic(section: Body, scope: Scope, out: ValueMap): Promise<void> {
  for (const [blockName, specs] of Object.entries(section)) {
    for (const spec of Array.isArray(specs) ? specs.filter(isBody) : []) {
      const content = (Array.isArray(spec.content) ? spec.content[0] : spec.content) as Body | undefined;
      if (!content) continue;
      const iterator = typeof spec.iterator === 'string' ? spec.iterator : blockName;
      const collection = await evaluateJson(spec.for_each, scope);
      const items: [Value, Value][] | undefined = Array.isArray(collection)
        ? collection.map((v, i) => [i, v])
        : isMap(collection) ? Object.keys(collection).sort().map((k) => [k, collection[k]!]) : undefined;
      const blocks: Value[] = Array.isArray(out[blockName]) ? (out[blockName] as Value[]) : [];
      if (!items) {
        blocks.push(await evaluateBody(content, scope.with({ [iterator]: new Unknown(`dynamic "${blockName}" over a value not known statically`) })));
      } else {
        for (const [key, value] of items) blocks.push(await evaluateBody(content, scope.with({ [iterator]: { key, value } })));
      }
      out[blockName] = blocks;
    }
  }
}
