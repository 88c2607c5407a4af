// Terraform's automatic conversions between primitive types, as the provider sees an argument
// after Terraform has converted it to the schema's type: "true"/"false" ↔ bool, numeric strings
// ↔ number, and bool/number → string. Terraform never converts between bool and number.
import { Ref, Unknown, type Value } from '../eval/value.js';

/** A bool as Terraform reads it: `true`, or the exact strings "true"/"false"; anything else is not a bool. */
export function toBool(value: Value | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** A number as Terraform reads it: a number, or a string holding a decimal number ("180", "1.5", "-1"). */
export function toNumber(value: Value | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** A string as Terraform reads it: bools and numbers render as "true" / "180". */
export function toStringValue(value: Value | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return undefined;
}

/** Not known until apply (a resource attribute) or not known statically (an input without value). */
export const isDeferred = (value: Value | undefined): value is Ref | Unknown => value instanceof Ref || value instanceof Unknown;
