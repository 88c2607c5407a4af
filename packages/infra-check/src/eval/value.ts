// What a Terraform expression evaluates to here. Two kinds go beyond JSON:
// a Ref is a value known only after apply (a resource's id, a data source's result),
// and an Unknown is a value this evaluator could not work out (an input without default,
// a function it does not implement). Rules treat a Ref as "set" and an Unknown as "not proven".

export class Unknown {
  constructor(readonly reason: string) {}
}

export class Ref {
  constructor(
    /** Resource, data source or module address, with instance key when indexed: `module.a.alicloud_vpc.main["x"]`. */
    readonly address: string,
    readonly path: readonly string[],
  ) {}

  get(step: string): Ref {
    return new Ref(this.address, [...this.path, step]);
  }

  toString(): string {
    return [this.address, ...this.path].join('.');
  }
}

export type Value = null | boolean | number | string | Unknown | Ref | Value[] | ValueMap;
export interface ValueMap {
  [key: string]: Value;
}

export function isMap(value: Value): value is ValueMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unknown) && !(value instanceof Ref);
}

export function isKnown(value: Value): value is null | boolean | number | string | Value[] | ValueMap {
  return !(value instanceof Unknown) && !(value instanceof Ref);
}

/** True when the value, or anything inside it, is not fully known. */
export function containsUnknown(value: Value): boolean {
  if (value instanceof Unknown) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isMap(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** Renders a value into a string the way Terraform would, with a `${…}` placeholder for each Ref. */
export function renderString(value: Value): string | Unknown {
  if (value instanceof Unknown) return value;
  if (value instanceof Ref) return `\${${value.toString()}}`;
  if (value === null) return new Unknown('null in a string template');
  if (typeof value === 'object') return new Unknown('a collection in a string template');
  return String(value);
}
