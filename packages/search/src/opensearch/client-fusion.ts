// Hybrid ranking for clusters without the neural-search plugin (no `hybrid` query, no normalization
// processor): onramp runs the BM25 and the k-NN halves as two searches and fuses them itself, by reciprocal
// rank fusion as the embedded store does (ties by item id, so the same index gives the same order).
import { fuse, type Scored } from '../embedded/hybrid-fusion.js';
import type { SearchHit } from '../ports.js';

export function fuseHits(keyword: SearchHit[], vector: SearchHit[], limit: number): SearchHit[] {
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
  const fused = fuse(scored(keyword), scored(vector), limit, (a, b) => (hits[a]!.id < hits[b]!.id ? -1 : hits[a]!.id > hits[b]!.id ? 1 : 0));
  return fused.map(({ label, score }) => ({ ...hits[label]!, score }));
}
