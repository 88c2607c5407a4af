// Ranking quality against graded judgements: nDCG@10 (linear gains, log2 discount, the ideal ranking
// built from every judged document of the query) and recall@100. One copy, used by `onramp search eval`
// and by bench/cranfield.ts, so that a user's figures and the project's compare.

/** Graded relevance of judged documents, by document id: 0 (or less) not relevant, higher is better. */
export type Judgements = Map<string, number>;

export interface RankingScore {
  ndcgAt10: number;
  recallAt100: number;
}

/** nDCG@10 and recall@100 of `ranked` (document ids, best first); undefined when nothing is relevant. */
export function scoreRanking(ranked: readonly string[], judged: Judgements): RankingScore | undefined {
  const gain = (doc: string) => Math.max(judged.get(doc) ?? 0, 0);
  const ideal = [...judged.keys()].map(gain).sort((a, b) => b - a).slice(0, 10);
  const idcg = ideal.reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  const relevant = [...judged].filter(([, grade]) => grade > 0).map(([doc]) => doc);
  if (idcg === 0 || relevant.length === 0) return undefined;
  const dcg = ranked.slice(0, 10).reduce((sum, doc, i) => sum + gain(doc) / Math.log2(i + 2), 0);
  const top = new Set(ranked.slice(0, 100));
  return { ndcgAt10: dcg / idcg, recallAt100: relevant.filter((d) => top.has(d)).length / relevant.length };
}

/** The mean over the queries that have a relevant document; `queries` says how many counted. */
export function meanScore(scores: (RankingScore | undefined)[]): RankingScore & { queries: number } {
  const counted = scores.filter((s): s is RankingScore => s !== undefined);
  const mean = (pick: (s: RankingScore) => number) => (counted.length === 0 ? 0 : counted.reduce((sum, s) => sum + pick(s), 0) / counted.length);
  return { ndcgAt10: mean((s) => s.ndcgAt10), recallAt100: mean((s) => s.recallAt100), queries: counted.length };
}

/** Cleverdon's codes in the Cranfield qrels (1 best … 4 least, -1 none) as graded relevance (4 … 1, 0). */
export function cranfieldGrade(code: number): number {
  return code >= 1 && code <= 4 ? 5 - code : 0;
}
