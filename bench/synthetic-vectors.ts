// Seeded, clustered synthetic embeddings: each of C clusters has a centre and its own low-dimensional
// subspace, plus a little isotropic noise. Real sentence embeddings look like this (few directions of
// variation per topic), unlike uniform random vectors, whose neighbours are all about equally far.
import { gaussian, seededRandom } from '@onramp/search';

export interface VectorSet {
  vectors: Float32Array[];
  queries: Float32Array[];
  clusterOf: Int32Array;
}

export function clusteredVectors(options: { count: number; queries: number; dimension: number; clusters?: number; subspace?: number; seed?: number }): VectorSet {
  const { count, dimension } = options;
  const clusters = options.clusters ?? 100;
  const subspace = options.subspace ?? 16;
  const uniform = seededRandom(options.seed ?? 42);
  const normal = gaussian(uniform);
  const gaussianVector = (scale: number) => Float32Array.from({ length: dimension }, () => normal() * scale);
  const centres = Array.from({ length: clusters }, () => gaussianVector(1 / Math.sqrt(dimension)));
  const bases = Array.from({ length: clusters }, () => Array.from({ length: subspace }, () => gaussianVector(1 / Math.sqrt(dimension))));
  const point = (cluster: number) => {
    const v = Float32Array.from(centres[cluster]!);
    for (const direction of bases[cluster]!) {
      const z = normal() * 0.6;
      for (let i = 0; i < dimension; i++) v[i]! += z * direction[i]!;
    }
    for (let i = 0; i < dimension; i++) v[i]! += normal() * (0.08 / Math.sqrt(dimension));
    let norm = 0;
    for (const x of v) norm += x * x;
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimension; i++) v[i]! *= scale;
    return v;
  };
  const clusterOf = new Int32Array(count);
  const vectors = Array.from({ length: count }, (_, i) => {
    clusterOf[i] = Math.floor(uniform() * clusters);
    return point(clusterOf[i]!);
  });
  const queries = Array.from({ length: options.queries }, () => point(Math.floor(uniform() * clusters)));
  return { vectors, queries, clusterOf };
}
