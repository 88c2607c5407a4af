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

/** Where a feature lands in a vector of `dimension`: its slot, or the slot's complement (~slot) when it subtracts. */
function signedSlot(feature: string, dimension: number): number {
  const h = fnv1a(feature);
  return h & 0x80000000 ? ~(h % dimension) : h % dimension;
}

function addAt(out: Float32Array, signed: number, weight: number): void {
  if (signed < 0) out[~signed]! -= weight;
  else out[signed]! += weight;
}

// Every passage repeats a corpus's small vocabulary, so a term's features (the word, then its character
// trigrams) are hashed once per dimension and kept; the cache is emptied when full, to bound its memory.
const FEATURE_CACHE_SIZE = 100_000;
const featureCaches = new Map<number, Map<string, Int32Array>>();

function termFeatures(term: string, dimension: number): Int32Array {
  let cache = featureCaches.get(dimension);
  if (cache === undefined) featureCaches.set(dimension, (cache = new Map()));
  let features = cache.get(term);
  if (features === undefined) {
    const padded = `<${term}>`;
    features = new Int32Array(padded.length - 1);
    features[0] = signedSlot(`w:${term}`, dimension);
    for (let i = 0; i + 3 <= padded.length; i++) features[i + 1] = signedSlot(`c:${padded.slice(i, i + 3)}`, dimension);
    if (cache.size >= FEATURE_CACHE_SIZE) cache.clear();
    cache.set(term, features);
  }
  return features;
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
    const features = termFeatures(term, model.dimension);
    addAt(out, features[0]!, weight);
    const gramWeight = (0.5 * weight) / Math.sqrt(features.length - 1);
    for (let i = 1; i < features.length; i++) addAt(out, features[i]!, gramWeight);
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
