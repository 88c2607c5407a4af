// Trains the local LSA model: TF-IDF over the corpus, then a truncated SVD by randomized range finding
// (Halko, Martinsson & Tropp 2011) with one power iteration. Deterministic: a fixed seed, a sorted
// vocabulary, and the texts sorted before sampling, so the same corpus gives the same model (and the same
// name) anywhere, whatever order its texts arrive in (floating-point sums depend on the order of rows).
import { createHash } from 'node:crypto';
import { termCounts, tokenize } from '../tokenize.js';
import { columns, gaussian, gram, orthonormalize, seededRandom, symmetricEigen, type Columns } from './linear-algebra.js';
import { DEFAULT_LOCAL_DIMENSION, hashModel, lsaWeights, type LocalModel, type LsaModel } from './local-model.js';

export interface LsaTraining {
  dimension?: number;
  /** Below this many texts the latent space is too thin to help: the hashing model is used instead. */
  minTexts?: number;
  /** Training cost grows with texts × vocabulary; a larger corpus is sampled evenly down to this. */
  maxTexts?: number;
  maxVocabulary?: number;
}

interface SparseRow {
  cols: Int32Array;
  values: Float64Array;
}

function sample<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!);
}

function vocabulary(docs: Map<string, number>[], maxVocabulary: number): { terms: Map<string, number>; idf: Float32Array } {
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  // A term seen in one text only cannot relate two texts; it is left to the keyword index.
  const kept = [...df].filter(([, n]) => n >= 2);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const chosen = kept.slice(0, maxVocabulary).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const terms = new Map<string, number>();
  const idf = new Float32Array(chosen.length);
  chosen.forEach(([term, n], row) => {
    terms.set(term, row);
    idf[row] = Math.log((1 + docs.length) / (1 + n)) + 1;
  });
  return { terms, idf };
}

function tfidfRows(docs: Map<string, number>[], model: Pick<LsaModel, 'terms' | 'idf'>): SparseRow[] {
  return docs.map((counts) => {
    const pairs = lsaWeights(model, counts).sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(pairs.reduce((s, [, w]) => s + w * w, 0)) || 1;
    return { cols: Int32Array.from(pairs, ([c]) => c), values: Float64Array.from(pairs, ([, w]) => w / norm) };
  });
}

/** Y = A X for A sparse (docs × terms) and X tall (terms × l). */
function times(rows: SparseRow[], x: Columns): Columns {
  const y = columns(rows.length, x.cols);
  for (let j = 0; j < x.cols; j++) {
    const xj = j * x.rows;
    const yj = j * rows.length;
    rows.forEach((row, i) => {
      let sum = 0;
      for (let p = 0; p < row.cols.length; p++) sum += row.values[p]! * x.data[xj + row.cols[p]!]!;
      y.data[yj + i] = sum;
    });
  }
  return y;
}

/** Z = Aᵀ Q for A sparse (docs × terms) and Q tall (docs × l). */
function transposeTimes(rows: SparseRow[], terms: number, q: Columns): Columns {
  const z = columns(terms, q.cols);
  for (let j = 0; j < q.cols; j++) {
    const qj = j * q.rows;
    const zj = j * terms;
    rows.forEach((row, i) => {
      const qi = q.data[qj + i]!;
      if (qi === 0) return;
      for (let p = 0; p < row.cols.length; p++) z.data[zj + row.cols[p]!]! += row.values[p]! * qi;
    });
  }
  return z;
}

function modelName(dimension: number, terms: string[], basis: Float32Array): string {
  const hash = createHash('sha256').update(terms.join('\n')).update(new Uint8Array(basis.buffer, basis.byteOffset, basis.byteLength));
  return `local-lsa-${dimension}-${hash.digest('hex').slice(0, 12)}`;
}

/** Trains on the texts; returns the hashing model when there is too little text to learn from. */
export function trainLocalModel(texts: string[], options: LsaTraining = {}): LocalModel {
  const dimension = options.dimension ?? DEFAULT_LOCAL_DIMENSION;
  const docs = sample([...texts].sort(), options.maxTexts ?? 20_000).map((text) => termCounts(tokenize(text)));
  const nonEmpty = docs.filter((d) => d.size > 0);
  if (nonEmpty.length < (options.minTexts ?? 64)) return hashModel(dimension);
  const { terms, idf } = vocabulary(nonEmpty, options.maxVocabulary ?? 30_000);
  const rows = tfidfRows(nonEmpty, { terms, idf });
  const rank = Math.min(dimension, rows.length, terms.size);
  const width = Math.min(rank + 12, rows.length, terms.size);
  if (rank < 8) return hashModel(dimension);

  const normal = gaussian(seededRandom(0x15a));
  const omega = columns(terms.size, width);
  for (let i = 0; i < omega.data.length; i++) omega.data[i] = normal();
  // Range of A, sharpened by one power iteration: Q = orth(A Aᵀ orth(A Ω)).
  const y = times(rows, omega);
  orthonormalize(y);
  const z = transposeTimes(rows, terms.size, y);
  orthonormalize(z);
  const q = times(rows, z);
  orthonormalize(q);
  // B = Qᵀ A is small (width × terms); B Bᵀ = Zᵀ Z with Z = Aᵀ Q gives B's singular vectors.
  const bt = transposeTimes(rows, terms.size, q);
  const { values, vectors } = symmetricEigen(gram(bt), width);

  // V = Bᵀ W Σ⁻¹: the right singular vectors, i.e. each term's direction in the latent space.
  const basis = new Float32Array(terms.size * dimension);
  const inverse = Float64Array.from({ length: rank }, (_, c) => {
    const sigma = Math.sqrt(Math.max(values[c]!, 0));
    return sigma < 1e-9 ? 0 : 1 / sigma;
  });
  const acc = new Float64Array(rank);
  for (let t = 0; t < terms.size; t++) {
    acc.fill(0);
    for (let k = 0; k < width; k++) {
      const b = bt.data[k * terms.size + t]!;
      if (b === 0) continue;
      const wk = k * width;
      for (let c = 0; c < rank; c++) acc[c]! += b * vectors[wk + c]!;
    }
    for (let c = 0; c < rank; c++) basis[t * dimension + c] = acc[c]! * inverse[c]!;
  }
  const termList = [...terms.keys()];
  return { kind: 'lsa', name: modelName(dimension, termList, basis), dimension, terms, idf, basis };
}
