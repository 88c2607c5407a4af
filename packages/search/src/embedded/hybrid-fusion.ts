// Hybrid ranking by reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): an item scores
// Σ 1 / (60 + rank) over the lists it appears in. Ranks, not scores: BM25 (after query expansion) and
// cosine live on unrelated scales, and RRF needs no weight or normalization fitted to a corpus. k = 60 is
// the paper's constant, not a value fitted here; docs/search.md lists the alternatives measured.

export interface Scored {
  label: number;
  score: number;
}

export const RRF_K = 60;

export function fuse(keyword: Scored[], vector: Scored[], limit: number, tieBreak: (a: number, b: number) => number = (a, b) => a - b): Scored[] {
  const fused = new Map<number, number>();
  for (const list of [keyword, vector]) {
    list.forEach(({ label }, rank) => fused.set(label, (fused.get(label) ?? 0) + 1 / (RRF_K + rank + 1)));
  }
  return [...fused].map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score || tieBreak(a.label, b.label)).slice(0, limit);
}
