// Okapi BM25 over the items' titles and texts, with pseudo-relevance feedback (RM3) for the query.
// Parameters are general defaults, not fitted per query (docs/search.md lists what was measured):
// - k1 = 1.2, b = 0.75, the textbook values;
// - a title term counts twice (the simplest BM25F: a field weight folded into the term frequency);
// - RM3 (Lavrenko & Croft; Abdul-Jaleel et al., TREC 2004): the best 10 readable items of a first pass
//   give a relevance model, P(t|D) weighted by exp(score); its 20 strongest terms join the query, which
//   keeps half the weight.
// Postings are typed arrays per term, keyed by an item's numeric label; scores accumulate in one array
// indexed by label. A query is answered with MaxScore pruning (Turtle & Flood 1995), which is exact: terms
// are taken in order of the most they can add to any item, and once the terms left could not lift an item
// not yet seen above the k-th best so far, their postings are not walked; only the items that can still
// reach the top k look those terms up.
import { termCounts, tokenize } from '../tokenize.js';
import { createTopK, type TopK } from './top-k.js';
import { grown } from './typed-arrays.js';

export interface Bm25Fields {
  title: string;
  text: string;
}

export interface Bm25Index {
  add(label: number, fields: Bm25Fields): void;
  remove(label: number): void;
  /**
   * The best `limit` items that have a query term and pass `accept`, best first, ties by `tieBreak` (a
   * stable order that does not depend on insertion order).
   */
  search(query: string, limit: number, accept: (label: number) => boolean, tieBreak?: (a: number, b: number) => number): { label: number; score: number }[];
  readonly size: number;
  /** Postings read by searches so far (MaxScore leaves the rest unread): for tests and benchmarks. */
  readonly postingsWalked: number;
}

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
export const TITLE_WEIGHT = 2;
export const FEEDBACK_ITEMS = 10;
export const FEEDBACK_TERMS = 20;
export const ORIGINAL_QUERY_WEIGHT = 0.5;
/**
 * A term in (nearly) every item adds (nearly) nothing to any score but costs a pass over every posting, and
 * RM3 would pick it for every query (a title word like "Document" in each item): such terms are skipped.
 * 0.01 is the idf of a term in about 99% of the items.
 */
export const MIN_IDF = 0.01;

/** How many postings walked cost about as much as one term looked up in an item's counts. */
const LOOKUP_COST = 16;

/** Pruning is tried once the postings left outnumber the items seen this many times. */
const WORTH_PRUNING = 4;

export function topK<T extends { score: number; label: number }>(items: T[], limit: number, tieBreak: (a: number, b: number) => number = (a, b) => a - b): T[] {
  return items.sort((a, b) => b.score - a.score || tieBreak(a.label, b.label)).slice(0, limit);
}

/** One term's postings: the items that have it and its (title-weighted) frequency in each, unordered. */
interface Postings {
  labels: Int32Array;
  tfs: Float32Array;
  size: number;
  /** Bounds over the postings, for the most the term can add to a score (kept loose on removal). */
  maxTf: number;
  minLength: number;
}

/** A query term ready to score: its postings, weight × idf, and the most it can add to any item. */
interface ScoringTerm {
  term: string;
  list: Postings;
  weight: number;
  bound: number;
}

export function createBm25Index(): Bm25Index {
  const postings = new Map<string, Postings>();
  /** By label: the item's length (0 = no item) and its term counts (for RM3 and for MaxScore's look-ups). */
  let lengths = new Float64Array(1024);
  const countsOf: (Map<string, number> | undefined)[] = [];
  let items = 0;
  let totalLength = 0;
  let postingsWalked = 0;
  /** Scratch for one query: the score so far by label, and the labels that have one. */
  let accumulated = new Float64Array(1024);
  let touched = new Int32Array(1024);

  function remove(label: number): void {
    const counts = countsOf[label];
    if (counts === undefined) return;
    for (const term of counts.keys()) {
      const list = postings.get(term)!;
      const at = list.labels.subarray(0, list.size).indexOf(label);
      list.size--;
      list.labels[at] = list.labels[list.size]!;
      list.tfs[at] = list.tfs[list.size]!;
      if (list.size === 0) postings.delete(term);
    }
    totalLength -= lengths[label]!;
    lengths[label] = 0;
    countsOf[label] = undefined;
    items--;
  }

  /** BM25's idf of a term found in `df` items. */
  function idf(df: number): number {
    return Math.log(1 + (items - df + 0.5) / (df + 0.5));
  }

  /** BM25's saturating term-frequency part, for an item of `length` when items average `averageLength`. */
  function tfPart(tf: number, length: number, averageLength: number): number {
    return (tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * length) / averageLength));
  }

  /** The best `limit` accepted items for weighted query terms, MaxScore-pruned (see the file's head). */
  function best(query: Map<string, number>, limit: number, accept: (label: number) => boolean, tieBreak: (a: number, b: number) => number) {
    const averageLength = totalLength / items || 1;
    const terms: ScoringTerm[] = [];
    for (const [term, weight] of query) {
      const list = postings.get(term);
      if (list === undefined) continue;
      const termIdf = idf(list.size);
      if (termIdf < MIN_IDF) continue;
      terms.push({ term, list, weight: weight * termIdf, bound: weight * termIdf * tfPart(list.maxTf, list.minLength, averageLength) });
    }
    terms.sort((a, b) => b.bound - a.bound || (a.term < b.term ? -1 : 1));
    // left[i]: the most terms i.. can add to any item; postingsLeft[i]: how many postings they have.
    const left = new Float64Array(terms.length + 1);
    const postingsLeft = new Float64Array(terms.length + 1);
    for (let i = terms.length - 1; i >= 0; i--) {
      left[i] = left[i + 1]! + terms[i]!.bound;
      postingsLeft[i] = postingsLeft[i + 1]! + terms[i]!.list.size;
    }
    accumulated = grown(accumulated, lengths.length, (n) => new Float64Array(n));
    touched = grown(touched, lengths.length, (n) => new Int32Array(n));
    const acc = accumulated;
    let seen = 0;
    let highest = 0;
    let threshold = -Infinity;
    let walked = 0;
    for (; walked < terms.length; walked++) {
      // An item not yet seen scores at most left[walked], and the k-th best so far is at most the highest
      // score. Finding the k-th best takes a pass over the items seen: worth it only for many more postings.
      if (walked > 0 && left[walked]! < highest && postingsLeft[walked]! > WORTH_PRUNING * seen) {
        threshold = kthBest(acc, seen, limit, accept, tieBreak);
        if (left[walked]! < threshold && lookUpsCost(acc, seen, terms, walked, left[walked]!, threshold) < postingsLeft[walked]!) break;
      }
      const { list, weight } = terms[walked]!;
      const { labels, tfs, size } = list;
      postingsWalked += size;
      for (let p = 0; p < size; p++) {
        const label = labels[p]!;
        const before = acc[label]!;
        if (before === 0) touched[seen++] = label;
        const after = before + weight * tfPart(tfs[p]!, lengths[label]!, averageLength);
        acc[label] = after;
        if (after > highest) highest = after;
      }
    }
    // The terms not walked: an item looks them up while it can still reach the k-th best. One that cannot
    // keeps a partial score below that k-th best, so it is not among the k taken below either.
    for (let i = 0; walked < terms.length && i < seen; i++) {
      const label = touched[i]!;
      const counts = countsOf[label]!;
      for (let j = walked; j < terms.length && acc[label]! + left[j]! >= threshold; j++) {
        const tf = counts.get(terms[j]!.term);
        if (tf !== undefined) acc[label] = acc[label]! + terms[j]!.weight * tfPart(tf, lengths[label]!, averageLength);
      }
    }
    const top = bestSeen(acc, seen, limit, accept, tieBreak);
    for (let i = 0; i < seen; i++) acc[touched[i]!] = 0;
    return top.sorted();
  }

  /**
   * Pruning pays when the look-ups it needs cost less than walking the rest of the postings: short lists
   * are cheaper to walk (a posting is an array read; a look-up hashes the term, about LOOKUP_COST times more).
   */
  function lookUpsCost(acc: Float64Array, seen: number, terms: ScoringTerm[], from: number, rest: number, threshold: number): number {
    let candidates = 0;
    for (let i = 0; i < seen; i++) if (acc[touched[i]!]! + rest >= threshold) candidates++;
    return candidates * (terms.length - from) * LOOKUP_COST;
  }

  /** The best k accepted items among those seen so far, by their scores so far. */
  function bestSeen(acc: Float64Array, seen: number, k: number, accept: (label: number) => boolean, tieBreak: (a: number, b: number) => number): TopK {
    const top = createTopK(k, tieBreak);
    for (let i = 0; i < seen; i++) {
      const label = touched[i]!;
      if (top.admits(acc[label]!, label) && accept(label)) top.push(acc[label]!, label);
    }
    return top;
  }

  /** The k-th best accepted score among the items seen so far (−∞ while fewer than k). */
  function kthBest(acc: Float64Array, seen: number, k: number, accept: (label: number) => boolean, tieBreak: (a: number, b: number) => number): number {
    const top = bestSeen(acc, seen, k, accept, tieBreak);
    return top.full ? top.lowest : -Infinity;
  }

  /** RM3: the query's own terms (half the weight) and the feedback items' strongest terms (the other half). */
  function expand(query: Map<string, number>, feedback: { label: number; score: number }[]): Map<string, number> {
    if (feedback.length === 0) return query;
    const top = feedback[0]!.score;
    const model = new Map<string, number>();
    for (const { label, score: s } of feedback) {
      const weight = Math.exp(s - top) / (lengths[label] || 1);
      for (const [term, tf] of countsOf[label]!) if (idf(postings.get(term)!.size) >= MIN_IDF) model.set(term, (model.get(term) ?? 0) + weight * tf);
    }
    const terms = [...model].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, FEEDBACK_TERMS);
    const modelTotal = terms.reduce((sum, [, w]) => sum + w, 0) || 1;
    let queryTotal = 0;
    for (const count of query.values()) queryTotal += count;
    const expanded = new Map<string, number>();
    for (const [term, count] of query) expanded.set(term, (ORIGINAL_QUERY_WEIGHT * count) / queryTotal);
    for (const [term, w] of terms) expanded.set(term, (expanded.get(term) ?? 0) + ((1 - ORIGINAL_QUERY_WEIGHT) * w) / modelTotal);
    return expanded;
  }

  return {
    get size() {
      return items;
    },
    get postingsWalked() {
      return postingsWalked;
    },
    add(label, fields) {
      remove(label);
      const counts = termCounts(tokenize(fields.text));
      for (const term of tokenize(fields.title)) counts.set(term, (counts.get(term) ?? 0) + TITLE_WEIGHT);
      let length = 0;
      for (const count of counts.values()) length += count;
      for (const [term, count] of counts) {
        let list = postings.get(term);
        if (list === undefined) postings.set(term, (list = { labels: new Int32Array(4), tfs: new Float32Array(4), size: 0, maxTf: 0, minLength: Infinity }));
        list.labels = grown(list.labels, list.size + 1, (n) => new Int32Array(n));
        list.tfs = grown(list.tfs, list.size + 1, (n) => new Float32Array(n));
        list.labels[list.size] = label;
        list.tfs[list.size] = count;
        list.size++;
        list.maxTf = Math.max(list.maxTf, count);
        list.minLength = Math.min(list.minLength, length);
      }
      lengths = grown(lengths, label + 1, (n) => new Float64Array(n));
      lengths[label] = length;
      countsOf[label] = counts;
      totalLength += length;
      items++;
    },
    remove,
    search(query, limit, accept, tieBreak = (a, b) => a - b) {
      if (items === 0) return [];
      const original = termCounts(tokenize(query));
      const feedback = best(original, FEEDBACK_ITEMS, accept, tieBreak);
      return best(expand(original, feedback), limit, accept, tieBreak);
    },
  };
}
