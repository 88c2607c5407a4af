// Vectors are stored and queried at unit length: cosine similarity then equals the inner product, so the
// same data serves a cosinesimil HNSW index and an innerproduct IVF model trained from it (`onramp train`).

export function toUnitList(vector: Float32Array): number[] {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm === 0 || !Number.isFinite(norm)) throw new RangeError('cannot index or search a zero or non-finite vector');
  return Array.from(vector, (x) => x / norm);
}
