// The little dense linear algebra the LSA trainer needs, on Float64Arrays. Tall matrices are stored
// column by column (column j is `data[j * rows .. (j + 1) * rows)`), which keeps Gram–Schmidt sequential.

export interface Columns {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function columns(rows: number, cols: number): Columns {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** A small seeded generator (mulberry32): the same seed gives the same model on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(random() + 1e-300)) * Math.cos(2 * Math.PI * random());
}

/**
 * Orthonormalizes the columns in place (modified Gram–Schmidt, twice for stability). A column that
 * is (numerically) in the span of the earlier ones becomes zero rather than noise.
 */
export function orthonormalize(m: Columns): void {
  const { rows, cols, data } = m;
  for (let j = 0; j < cols; j++) {
    const cj = j * rows;
    let original = 0;
    for (let r = 0; r < rows; r++) original += data[cj + r]! * data[cj + r]!;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const ci = i * rows;
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += data[ci + r]! * data[cj + r]!;
        if (dot === 0) continue;
        for (let r = 0; r < rows; r++) data[cj + r]! -= dot * data[ci + r]!;
      }
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += data[cj + r]! * data[cj + r]!;
    const keep = norm > 1e-20 * Math.max(original, 1e-300);
    const scale = keep ? 1 / Math.sqrt(norm) : 0;
    for (let r = 0; r < rows; r++) data[cj + r]! *= scale;
  }
}

/** Mᵀ M for a tall matrix: the small cols × cols Gram matrix, row-major. */
export function gram(m: Columns): Float64Array {
  const { rows, cols, data } = m;
  const out = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += data[i * rows + r]! * data[j * rows + r]!;
      out[i * cols + j] = dot;
      out[j * cols + i] = dot;
    }
  }
  return out;
}

/**
 * Eigen-decomposition of a small symmetric matrix (row-major n × n) by cyclic Jacobi rotations.
 * Returns eigenvalues in descending order and the matching eigenvectors as columns (row-major n × n).
 */
export function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p]! * a[p * n + p]!;
      for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    }
    if (off <= 1e-22 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = [...Array(n).keys()].sort((i, j) => a[j * n + j]! - a[i * n + i]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = a[from * n + from]!;
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from]!;
  });
  return { values, vectors };
}
