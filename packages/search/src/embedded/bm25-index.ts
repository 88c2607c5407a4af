// Okapi BM25 over the items' titles and texts, with pseudo-relevance feedback (RM3) for the query.
// Parameters are general defaults, not fitted per query (docs/search.md lists what was measured):
// - k1 = 1.2, b = 0.75, the textbook values;
// - a title term counts twice (the simplest BM25F: a field weight folded into the term frequency);
// - RM3 (Lavrenko & Croft; Abdul-Jaleel et al., TREC 2004): the best 10 readable items of a first pass
//   give a relevance model, P(t|D) weighted by exp(score); its 20 strongest terms join the query, which
//   keeps half the weight. Postings are per term, keyed by an item's numeric label, so a removal only
//   touches the removed item's own terms.
import { termCounts, tokenize } from '../tokenize.js';

export interface Bm25Fields {
  title: string;
  text: string;
}

export interface Bm25Index {
  add(label: number, fields: Bm25Fields): void;
  remove(label: number): void;
  /**
   * Scores every item that has a query term and passes `accept`; the best `limit`, best first, ties by
   * `tieBreak` (a stable order that does not depend on insertion order).
   */
  search(query: string, limit: number, accept: (label: number) => boolean, tieBreak?: (a: number, b: number) => number): { label: number; score: number }[];
  readonly size: number;
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

export function topK<T extends { score: number; label: number }>(items: T[], limit: number, tieBreak: (a: number, b: number) => number = (a, b) => a - b): T[] {
  return items.sort((a, b) => b.score - a.score || tieBreak(a.label, b.label)).slice(0, limit);
}

export function createBm25Index(): Bm25Index {
  const postings = new Map<string, Map<number, number>>();
  const lengths = new Map<number, number>();
  const countsOf = new Map<number, Map<string, number>>();
  let totalLength = 0;

  function remove(label: number): void {
    const counts = countsOf.get(label);
    if (counts === undefined) return;
    for (const term of counts.keys()) {
      const list = postings.get(term)!;
      list.delete(label);
      if (list.size === 0) postings.delete(term);
    }
    totalLength -= lengths.get(label)!;
    lengths.delete(label);
    countsOf.delete(label);
  }

  /** BM25's idf of a term found in `df` items. */
  function idf(df: number): number {
    return Math.log(1 + (lengths.size - df + 0.5) / (df + 0.5));
  }

  /** One BM25 pass with weighted query terms; every scored item that passes `accept`. */
  function score(query: Map<string, number>, accept: (label: number) => boolean): { label: number; score: number }[] {
    const averageLength = totalLength / lengths.size || 1;
    const scores = new Map<number, number>();
    for (const [term, weight] of query) {
      const list = postings.get(term);
      if (list === undefined) continue;
      const termIdf = idf(list.size);
      if (termIdf < MIN_IDF) continue;
      for (const [label, tf] of list) {
        const norm = tf + BM25_K1 * (1 - BM25_B + (BM25_B * lengths.get(label)!) / averageLength);
        scores.set(label, (scores.get(label) ?? 0) + weight * termIdf * ((tf * (BM25_K1 + 1)) / norm));
      }
    }
    const hits: { label: number; score: number }[] = [];
    for (const [label, s] of scores) if (accept(label)) hits.push({ label, score: s });
    return hits;
  }

  /** RM3: the query's own terms (half the weight) and the feedback items' strongest terms (the other half). */
  function expand(query: Map<string, number>, feedback: { label: number; score: number }[]): Map<string, number> {
    if (feedback.length === 0) return query;
    const best = feedback[0]!.score;
    const model = new Map<string, number>();
    for (const { label, score: s } of feedback) {
      const weight = Math.exp(s - best) / (lengths.get(label) || 1);
      for (const [term, tf] of countsOf.get(label)!) if (idf(postings.get(term)!.size) >= MIN_IDF) model.set(term, (model.get(term) ?? 0) + weight * tf);
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
      return lengths.size;
    },
    add(label, fields) {
      remove(label);
      const counts = termCounts(tokenize(fields.text));
      for (const term of tokenize(fields.title)) counts.set(term, (counts.get(term) ?? 0) + TITLE_WEIGHT);
      let length = 0;
      for (const [term, count] of counts) {
        let list = postings.get(term);
        if (list === undefined) postings.set(term, (list = new Map()));
        list.set(label, count);
        length += count;
      }
      lengths.set(label, length);
      countsOf.set(label, counts);
      totalLength += length;
    },
    remove,
    search(query, limit, accept, tieBreak) {
      if (lengths.size === 0) return [];
      const original = termCounts(tokenize(query));
      const feedback = topK(score(original, accept), FEEDBACK_ITEMS, tieBreak);
      return topK(score(expand(original, feedback), accept), limit, tieBreak);
    },
  };
}
