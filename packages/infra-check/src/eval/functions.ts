// The Terraform built-in functions this evaluator implements. Anything else evaluates to
// Unknown, which rules report as "not proven" rather than guessing.
import { cidrHost, cidrSubnet } from './cidr.js';
import { Ref, Unknown, containsUnknown, isMap, renderString, type Value, type ValueMap } from './value.js';

type Fn = (args: Value[]) => Value;

const str = (v: Value): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const list = (v: Value): Value[] | undefined => (Array.isArray(v) ? v : undefined);

function toJson(value: Value): unknown {
  if (value instanceof Unknown) return '${unknown}';
  if (value instanceof Ref) return `\${${value.toString()}}`;
  if (Array.isArray(value)) return value.map(toJson);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}

function fromJson(value: unknown): Value {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJson(v)]));
  return value as Value;
}

function format(spec: string, args: Value[]): Value {
  let index = 0;
  let failed: Unknown | undefined;
  const out = spec.replace(/%(%|[-+ 0#]*\d*(?:\.\d+)?[sdfvqt])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[index++] ?? null;
    const rendered = renderString(arg);
    if (rendered instanceof Unknown) {
      failed = rendered;
      return '';
    }
    return verb.endsWith('q') ? JSON.stringify(rendered) : rendered;
  });
  return failed ?? out;
}

const numbers = (args: Value[]): number[] | undefined => {
  const flat = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  return flat.every((a) => typeof a === 'number') ? (flat as number[]) : undefined;
};

export const FUNCTIONS: Record<string, Fn> = {
  length: ([v = null]) => (Array.isArray(v) ? v.length : isMap(v) ? Object.keys(v).length : typeof v === 'string' ? [...v].length : new Unknown('length of an unknown value')),
  lower: ([v = null]) => str(v)?.toLowerCase() ?? new Unknown('lower'),
  upper: ([v = null]) => str(v)?.toUpperCase() ?? new Unknown('upper'),
  trimspace: ([v = null]) => str(v)?.trim() ?? new Unknown('trimspace'),
  tostring: ([v = null]) => (v === null ? null : str(v) ?? new Unknown('tostring')),
  tonumber: ([v = null]) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : new Unknown('tonumber')),
  tobool: ([v = null]) => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : new Unknown('tobool')),
  tolist: ([v = null]) => v,
  toset: ([v = null]) => (Array.isArray(v) && !containsUnknown(v) ? [...new Map(v.map((x) => [JSON.stringify(x), x])).values()] : v),
  tomap: ([v = null]) => v,
  sensitive: ([v = null]) => v,
  nonsensitive: ([v = null]) => v,
  format: ([spec = null, ...rest]) => (typeof spec === 'string' ? format(spec, rest) : new Unknown('format')),
  join: ([sep = null, items = null]) => {
    const parts = list(items)?.map(renderString);
    if (typeof sep !== 'string' || !parts || parts.some((p) => p instanceof Unknown)) return new Unknown('join');
    return parts.join(sep);
  },
  split: ([sep = null, v = null]) => (typeof sep === 'string' && typeof v === 'string' ? v.split(sep) : new Unknown('split')),
  replace: ([v = null, search = null, repl = null]) => (typeof v === 'string' && typeof search === 'string' && typeof repl === 'string' ? v.split(search).join(repl) : new Unknown('replace')),
  substr: ([v = null, offset = null, len = null]) => (typeof v === 'string' && typeof offset === 'number' && typeof len === 'number' ? v.substr(offset, len < 0 ? undefined : len) : new Unknown('substr')),
  startswith: ([v = null, p = null]) => (typeof v === 'string' && typeof p === 'string' ? v.startsWith(p) : new Unknown('startswith')),
  endswith: ([v = null, p = null]) => (typeof v === 'string' && typeof p === 'string' ? v.endsWith(p) : new Unknown('endswith')),
  slice: ([v = null, start = null, end = null]) => (Array.isArray(v) && typeof start === 'number' && typeof end === 'number' ? v.slice(start, end) : new Unknown('slice')),
  setproduct: (args) => {
    if (!args.every(Array.isArray)) return new Unknown('setproduct');
    return (args as Value[][]).reduce<Value[][]>((acc, set) => acc.flatMap((prefix) => set.map((item) => [...prefix, item])), [[]]);
  },
  concat: (args) => (args.every(Array.isArray) ? (args as Value[][]).flat() : new Unknown('concat')),
  flatten: ([v = null]) => {
    const flat = (x: Value): Value[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);
    return Array.isArray(v) ? flat(v) : new Unknown('flatten');
  },
  distinct: ([v = null]) => (Array.isArray(v) && !containsUnknown(v) ? [...new Map(v.map((x) => [JSON.stringify(x), x])).values()] : new Unknown('distinct')),
  compact: ([v = null]) => (Array.isArray(v) ? v.filter((x) => x !== null && x !== '') : new Unknown('compact')),
  contains: ([v = null, item = null]) => (Array.isArray(v) && !containsUnknown(v) && !containsUnknown(item) ? v.some((x) => JSON.stringify(x) === JSON.stringify(item)) : new Unknown('contains')),
  element: ([v = null, i = null]) => (Array.isArray(v) && v.length > 0 && typeof i === 'number' ? v[i % v.length] ?? null : new Unknown('element')),
  keys: ([v = null]) => (isMap(v) ? Object.keys(v).sort() : new Unknown('keys')),
  values: ([v = null]) => (isMap(v) ? Object.keys(v).sort().map((k) => v[k] ?? null) : new Unknown('values')),
  merge: (args) => (args.every((a) => isMap(a) || a === null) ? Object.assign({}, ...args.filter((a) => a !== null)) as ValueMap : new Unknown('merge')),
  lookup: ([m = null, k = null, fallback]) => (isMap(m) && typeof k === 'string' ? m[k] ?? fallback ?? new Unknown(`lookup of missing key ${k}`) : new Unknown('lookup')),
  zipmap: ([k = null, v = null]) => (Array.isArray(k) && Array.isArray(v) && k.every((x) => typeof x === 'string') ? Object.fromEntries((k as string[]).map((key, i) => [key, v[i] ?? null])) : new Unknown('zipmap')),
  coalesce: (args) => args.find((a) => a !== null && a !== '') ?? new Unknown('coalesce with no value'),
  one: ([v = null]) => (Array.isArray(v) ? (v.length === 0 ? null : v.length === 1 ? v[0]! : new Unknown('one with many')) : new Unknown('one')),
  range: (args) => {
    const nums = numbers(args);
    if (!nums) return new Unknown('range');
    const [start, end, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  },
  max: (args) => { const n = numbers(args); return n ? Math.max(...n) : new Unknown('max'); },
  min: (args) => { const n = numbers(args); return n ? Math.min(...n) : new Unknown('min'); },
  abs: ([v = null]) => (typeof v === 'number' ? Math.abs(v) : new Unknown('abs')),
  ceil: ([v = null]) => (typeof v === 'number' ? Math.ceil(v) : new Unknown('ceil')),
  floor: ([v = null]) => (typeof v === 'number' ? Math.floor(v) : new Unknown('floor')),
  alltrue: ([v = null]) => (Array.isArray(v) && v.every((x) => typeof x === 'boolean') ? v.every(Boolean) : new Unknown('alltrue')),
  anytrue: ([v = null]) => (Array.isArray(v) && v.every((x) => typeof x === 'boolean') ? v.some(Boolean) : new Unknown('anytrue')),
  jsonencode: ([v = null]) => JSON.stringify(toJson(v)),
  jsondecode: ([v = null]) => {
    if (typeof v !== 'string') return new Unknown('jsondecode');
    try {
      return fromJson(JSON.parse(v));
    } catch {
      return new Unknown('jsondecode of invalid JSON');
    }
  },
  cidrsubnet: ([c = null, bits = null, num = null]) => (typeof c === 'string' && typeof bits === 'number' && typeof num === 'number' ? cidrSubnet(c, bits, num) ?? new Unknown('cidrsubnet') : new Unknown('cidrsubnet')),
  cidrhost: ([c = null, num = null]) => (typeof c === 'string' && typeof num === 'number' ? cidrHost(c, num) ?? new Unknown('cidrhost') : new Unknown('cidrhost')),
  base64encode: ([v = null]) => (typeof v === 'string' ? Buffer.from(v).toString('base64') : new Unknown('base64encode')),
};
