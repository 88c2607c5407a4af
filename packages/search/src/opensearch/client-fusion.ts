// Hybrid ranking for clusters without the neural-search plugin (no `hybrid` query, no normalization
// processor): onramp runs the BM25 and the k-NN halves as two searches and fuses them itself the way the
// pipeline it stands in for does — each list min-max normalized to [0, 1], then the weighted arithmetic mean
// (`hybridWeights`, keyword 0.3 by default) — so a cluster ranks hybrid alike with the plugin or without it.
// Not the embedded store's rank fusion: OpenSearch's BM25 half (no stemming in the index's analyzer) is
// weaker than the embedded store's, and rank fusion gives it an equal say (Cranfield: 0.390 against 0.417).
import type { SearchHit } from '../ports.js';

function normalized(list: SearchHit[]): Map<string, number> {
  const scores = list.map((hit) => hit.score);
  const min = Math.min(...scores);
  const span = Math.max(...scores) - min;
  return new Map(list.map((hit) => [hit.id, span > 0 ? (hit.score - min) / span : 1]));
}

export function fuseHits(keyword: SearchHit[], vector: SearchHit[], limit: number, keywordWeight: number): SearchHit[] {
  const hits = new Map<string, SearchHit>();
  const fused = new Map<string, number>();
  for (const [list, weight] of [[keyword, keywordWeight], [vector, 1 - keywordWeight]] as const) {
    for (const [id, score] of normalized(list)) fused.set(id, (fused.get(id) ?? 0) + weight * score);
    for (const hit of list) if (!hits.has(hit.id)) hits.set(hit.id, hit);
  }
  return [...fused]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([id, score]) => ({ ...hits.get(id)!, score }));
}
