// The local embedding models and how a text becomes a vector with each. Two kinds:
// - `hash`: feature hashing of terms and their character trigrams, needing no training; what an
//   empty or tiny corpus gets. Lexical, but morphologically tolerant.
// - `lsa`: latent semantic analysis trained on the corpus in the log (see local-lsa-train.ts), which
//   places texts that share vocabulary *context* near each other even when they share no word.
import { termCounts, tokenize } from '../tokenize.js';

export interface HashModel {
  kind: 'hash';
  name: string;
  dimension: number;
}

export interface LsaModel {
  kind: 'lsa';
  name: string;
  dimension: number;
  /** Term → row of `basis`. */
  terms: Map<string, number>;
  idf: Float32Array;
  /** terms × dimension, row-major: each term's coordinates in the latent space. */
  basis: Float32Array;
}

export type LocalModel = HashModel | LsaModel;

export const DEFAULT_LOCAL_DIMENSION = 256;

export function hashModel(dimension = DEFAULT_LOCAL_DIMENSION): HashModel {
  // The version suffix changes whenever the hashing scheme does, which forces a reindex.
  return { kind: 'hash', name: `local-hash-${dimension}-v1`, dimension };
}

/** FNV-1a, 32 bits: a stable hash (same on every platform and Node version). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function addHashed(out: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  out[h % out.length]! += h & 0x80000000 ? -weight : weight;
}

export function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  if (norm === 0) return vector;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  return vector;
}

function embedHashed(model: HashModel, text: string): Float32Array {
  const out = new Float32Array(model.dimension);
  for (const [term, count] of termCounts(tokenize(text))) {
    const weight = 1 + Math.log(count);
    addHashed(out, `w:${term}`, weight);
    const padded = `<${term}>`;
    const grams = padded.length - 2;
    for (let i = 0; i < grams; i++) addHashed(out, `c:${padded.slice(i, i + 3)}`, (0.5 * weight) / Math.sqrt(grams));
  }
  return normalize(out);
}

/** The sparse TF-IDF weights of a text under an LSA model's vocabulary: [row, weight] pairs. */
export function lsaWeights(model: Pick<LsaModel, 'terms' | 'idf'>, counts: Map<string, number>): [number, number][] {
  const out: [number, number][] = [];
  for (const [term, count] of counts) {
    const row = model.terms.get(term);
    if (row !== undefined) out.push([row, (1 + Math.log(count)) * model.idf[row]!]);
  }
  return out;
}

function embedLsa(model: LsaModel, text: string): Float32Array {
  const out = new Float32Array(model.dimension);
  const d = model.dimension;
  for (const [row, weight] of lsaWeights(model, termCounts(tokenize(text)))) {
    const base = row * d;
    for (let j = 0; j < d; j++) out[j]! += weight * model.basis[base + j]!;
  }
  // A text with no known term stays the zero vector: the store treats it as "no semantic signal".
  return normalize(out);
}

export function embedWithModel(model: LocalModel, text: string): Float32Array {
  return model.kind === 'hash' ? embedHashed(model, text) : embedLsa(model, text);
}
