// Hybrid ranking: each list's scores are min-max normalized to [0, 1] and the two are added with equal
// weight; an item missing from a list gets 0 from it. BM25 and cosine scores live on unrelated scales,
// so raw scores cannot be added; normalized convex combination is the standard remedy and, unlike
// reciprocal rank fusion, keeps how far apart the scores are (Bruch, Gai & Ingber, ACM TOIS 2023).
// Equal weights are a principled default, not a value fitted to any benchmark.

export interface Scored {
  label: number;
  score: number;
}

export const KEYWORD_WEIGHT = 0.5;

function normalized(list: Scored[]): Map<number, number> {
  const out = new Map<number, number>();
  if (list.length === 0) return out;
  let max = -Infinity;
  let min = Infinity;
  for (const { score } of list) {
    if (score > max) max = score;
    if (score < min) min = score;
  }
  const span = max - min;
  for (const { label, score } of list) out.set(label, span > 0 ? (score - min) / span : 1);
  return out;
}

export function fuse(keyword: Scored[], vector: Scored[], limit: number, keywordWeight = KEYWORD_WEIGHT): Scored[] {
  const fused = new Map<number, number>();
  for (const [label, score] of normalized(keyword)) fused.set(label, keywordWeight * score);
  for (const [label, score] of normalized(vector)) fused.set(label, (fused.get(label) ?? 0) + (1 - keywordWeight) * score);
  return [...fused].map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score || a.label - b.label).slice(0, limit);
}
