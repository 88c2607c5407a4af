// Growable typed arrays, for the indexes keyed by item label.

/** `array`, or a copy at least twice as long when it has fewer than `needed` elements. */
export function grown<T extends Uint8Array | Int32Array | Float32Array | Float64Array>(array: T, needed: number, make: (n: number) => T): T {
  if (needed <= array.length) return array;
  const next = make(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}
