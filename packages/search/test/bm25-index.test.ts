// The BM25 index's cost guard: a term in (nearly) every item — a title word every document shares — is
// skipped when scoring and when RM3 picks expansion terms, so it neither changes a ranking nor makes every
// query walk every posting.
import t from 'tap';
import { BM25_B, BM25_K1, createBm25Index, FEEDBACK_ITEMS, FEEDBACK_TERMS, MIN_IDF, ORIGINAL_QUERY_WEIGHT, TITLE_WEIGHT } from '../src/embedded/bm25-index.js';
import { seededRandom } from '../src/embedders/linear-algebra.js';
import { termCounts, tokenize } from '../src/tokenize.js';

t.test('a term every item has changes no ranking, and is not scored', async (t) => {
  const index = createBm25Index();
  const topics = ['wing flutter', 'boundary layer', 'shock wave', 'heat transfer'];
  for (let i = 0; i < 400; i++) index.add(i, { title: `Document ${i}`, text: `${topics[i % 4]} ${topics[(i * 7) % 4]} measured case ${i % 13}` });
  const all = () => true;
  const plain = index.search('boundary layer', 10, all);
  const withShared = index.search('document boundary layer', 10, all);
  t.same(withShared.map((h) => h.label), plain.map((h) => h.label), 'the same items in the same order');
  t.same(index.search('document', 10, all), [], 'a query of only that term scores no item');
  t.ok(Math.log(1 + 0.5 / 400.5) < MIN_IDF, 'its idf is below the guard');
});

/**
 * The plain algorithm MaxScore must agree with: every posting of every term scored, every item sorted.
 * Written from the formulas (BM25 with k1, b; title terms counted twice; RM3), not from the index's code.
 */
function reference(docs: Map<number, { title: string; text: string }>, query: string, limit: number, accept: (label: number) => boolean) {
  const counts = new Map<number, Map<string, number>>();
  for (const [label, { title, text }] of docs) {
    const c = termCounts(tokenize(text));
    for (const term of tokenize(title)) c.set(term, (c.get(term) ?? 0) + TITLE_WEIGHT);
    counts.set(label, c);
  }
  const lengths = new Map([...counts].map(([label, c]) => [label, [...c.values()].reduce((a, b) => a + b, 0)]));
  const length = (label: number) => lengths.get(label)!;
  const average = [...lengths.values()].reduce((a, b) => a + b, 0) / docs.size;
  const dfs = new Map<string, number>();
  for (const c of counts.values()) for (const term of c.keys()) dfs.set(term, (dfs.get(term) ?? 0) + 1);
  const idf = (term: string) => Math.log(1 + (docs.size - dfs.get(term)! + 0.5) / (dfs.get(term)! + 0.5));
  const pass = (weights: Map<string, number>, k: number) => {
    const scored: { label: number; score: number }[] = [];
    for (const [label, c] of counts) {
      if (!accept(label)) continue;
      let score = 0;
      let matched = false;
      for (const [term, weight] of weights) {
        const tf = c.get(term);
        if (tf === undefined || idf(term) < MIN_IDF) continue;
        matched = true;
        score += weight * idf(term) * ((tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * length(label)) / average)));
      }
      if (matched) scored.push({ label, score });
    }
    return scored.sort((a, b) => b.score - a.score || a.label - b.label).slice(0, k);
  };
  const original = termCounts(tokenize(query));
  const feedback = pass(original, FEEDBACK_ITEMS);
  if (feedback.length === 0) return [];
  const model = new Map<string, number>();
  for (const { label, score } of feedback) {
    for (const [term, tf] of counts.get(label)!) {
      if (idf(term) >= MIN_IDF) model.set(term, (model.get(term) ?? 0) + (Math.exp(score - feedback[0]!.score) / length(label)) * tf);
    }
  }
  const strongest = [...model].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, FEEDBACK_TERMS);
  const modelTotal = strongest.reduce((sum, [, w]) => sum + w, 0);
  const queryTotal = [...original.values()].reduce((a, b) => a + b, 0);
  const expanded = new Map<string, number>();
  for (const [term, count] of original) expanded.set(term, (ORIGINAL_QUERY_WEIGHT * count) / queryTotal);
  for (const [term, w] of strongest) expanded.set(term, (expanded.get(term) ?? 0) + ((1 - ORIGINAL_QUERY_WEIGHT) * w) / modelTotal);
  return pass(expanded, limit);
}

t.test('MaxScore gives exactly the ranking of scoring every posting', async (t) => {
  const random = seededRandom(11);
  // Zipf-like words: a few in most items (long postings, low idf), many rare ones.
  const word = () => `w${Math.floor(400 ** random())}`;
  const text = (n: number) => Array.from({ length: n }, word).join(' ');
  const docs = new Map<number, { title: string; text: string }>();
  const index = createBm25Index();
  const put = (label: number, fields: { title: string; text: string }) => {
    docs.set(label, fields);
    index.add(label, fields);
  };
  for (let label = 0; label < 3000; label++) put(label, { title: text(3), text: text(5 + Math.floor(random() * 40)) });
  // Removals, replaced items and reused labels, as the store makes them.
  for (let label = 0; label < 3000; label += 7) {
    docs.delete(label);
    index.remove(label);
  }
  for (let label = 0; label < 3000; label += 21) put(label, { title: text(2), text: text(20) });
  for (let label = 5; label < 3000; label += 50) put(label, { title: text(3), text: text(10) });
  const readable = (label: number) => label % 3 !== 0;
  const byLabel = (a: number, b: number) => a - b;
  let compared = 0;
  for (let q = 0; q < 60; q++) {
    const query = text(1 + (q % 4));
    for (const limit of [10, 100]) {
      const expected = reference(docs, query, limit, readable);
      const got = index.search(query, limit, readable, byLabel);
      t.same(got.map((h) => h.label), expected.map((h) => h.label), `"${query}", top ${limit}: the same items in the same order`);
      t.ok(got.every((h, i) => Math.abs(h.score - expected[i]!.score) < 1e-9), 'with the same scores');
      compared += got.length;
    }
  }
  t.ok(compared > 3000, 'the queries found items to compare');
});

t.test('a query term in most items is not read through to find the best few', async (t) => {
  const index = createBm25Index();
  // "report" is in 90% of the 10,000 items (idf about 0.1); "flutter" in 20 of them.
  for (let label = 0; label < 10_000; label++) {
    index.add(label, { title: `Item ${label}`, text: `${label % 10 === 0 ? 'summary' : 'report'} ${label % 500 === 0 ? 'flutter' : 'steady'} case${label % 1000}` });
  }
  const before = index.postingsWalked;
  const hits = index.search('flutter report', 10, () => true);
  t.equal(hits.length, 10, 'the best ten are found');
  t.ok(hits.every((h) => h.label % 500 === 0), 'all of them items with the rare term');
  t.ok(index.postingsWalked - before < 1000, `read ${index.postingsWalked - before} postings, not the 9,000 of "report"`);
});
