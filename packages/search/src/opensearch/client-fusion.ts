// Hybrid ranking for clusters without the neural-search plugin (no `hybrid` query, no normalization
// processor): onramp runs the BM25 and the k-NN halves as two searches and fuses them itself, the way the
// pipeline would: each list min-max normalized, then the weighted arithmetic mean (the embedded store's fusion).
import { fuse, type Scored } from '../embedded/hybrid-fusion.js';
import type { SearchHit } from '../ports.js';

export function fuseHits(keyword: SearchHit[], vector: SearchHit[], limit: number, keywordWeight: number): SearchHit[] {
  const hits: SearchHit[] = [];
  const labels = new Map<string, number>();
  const scored = (list: SearchHit[]): Scored[] =>
    list.map((hit) => {
      let label = labels.get(hit.id);
      if (label === undefined) {
        label = hits.push(hit) - 1;
        labels.set(hit.id, label);
      }
      return { label, score: hit.score };
    });
  const fused = fuse(scored(keyword), scored(vector), limit, keywordWeight);
  return fused.map(({ label, score }) => ({ ...hits[label]!, score }));
}
