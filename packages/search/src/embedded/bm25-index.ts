// Okapi BM25 over the items' titles and texts, with the textbook parameters (k1 = 1.2, b = 0.75):
// general defaults, not fitted to any judged query set. Postings are per term, keyed by an item's
// numeric label, so a removal only touches the removed item's own terms.
import { termCounts, tokenize } from '../tokenize.js';

export interface Bm25Index {
  add(label: number, text: string): void;
  remove(label: number): void;
  /** Scores every item that has a query term and passes `accept`; the best `limit`, best first. */
  search(query: string, limit: number, accept: (label: number) => boolean): { label: number; score: number }[];
  readonly size: number;
}

const K1 = 1.2;
const B = 0.75;

export function topK<T extends { score: number }>(items: T[], limit: number): T[] {
  return items.sort((a, b) => b.score - a.score).slice(0, limit);
}

export function createBm25Index(): Bm25Index {
  const postings = new Map<string, Map<number, number>>();
  const lengths = new Map<number, number>();
  const termsOf = new Map<number, string[]>();
  let totalLength = 0;

  function remove(label: number): void {
    const terms = termsOf.get(label);
    if (terms === undefined) return;
    for (const term of terms) {
      const list = postings.get(term)!;
      list.delete(label);
      if (list.size === 0) postings.delete(term);
    }
    totalLength -= lengths.get(label)!;
    lengths.delete(label);
    termsOf.delete(label);
  }

  return {
    get size() {
      return lengths.size;
    },
    add(label, text) {
      remove(label);
      const tokens = tokenize(text);
      const counts = termCounts(tokens);
      for (const [term, count] of counts) {
        let list = postings.get(term);
        if (list === undefined) postings.set(term, (list = new Map()));
        list.set(label, count);
      }
      lengths.set(label, tokens.length);
      termsOf.set(label, [...counts.keys()]);
      totalLength += tokens.length;
    },
    remove,
    search(query, limit, accept) {
      const n = lengths.size;
      if (n === 0) return [];
      const averageLength = totalLength / n || 1;
      const scores = new Map<number, number>();
      for (const [term, queryCount] of termCounts(tokenize(query))) {
        const list = postings.get(term);
        if (list === undefined) continue;
        const idf = Math.log(1 + (n - list.size + 0.5) / (list.size + 0.5));
        for (const [label, tf] of list) {
          const norm = tf + K1 * (1 - B + (B * lengths.get(label)!) / averageLength);
          scores.set(label, (scores.get(label) ?? 0) + queryCount * idf * ((tf * (K1 + 1)) / norm));
        }
      }
      const hits: { label: number; score: number }[] = [];
      for (const [label, score] of scores) if (accept(label)) hits.push({ label, score });
      return topK(hits, limit);
    },
  };
}
