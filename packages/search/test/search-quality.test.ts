// Search quality on the vendored Cranfield collection (fixtures/cranfield), through the real embedded
// store and local embedder: hybrid reaches the floor and is at least as good as each of its halves, and
// training twice on the same corpus — its texts in another order, the store filled in another order —
// gives the same model and the same rankings. bench/cranfield.ts measures the same through the whole
// pipeline (docs add → log → indexer → reindex → POST /search).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import {
  createEmbeddedStore,
  createLocalEmbedder,
  meanScore,
  parseQrels,
  parseQueries,
  scoreRanking,
  searchableText,
  trainLocalModel,
  type IndexedItem,
  type SearchMode,
} from '@onramp/search';

const DIR = new URL('fixtures/cranfield/', import.meta.url).pathname;
const MODES: SearchMode[] = ['keyword', 'vector', 'hybrid'];

async function collection() {
  const raw = await readFile(join(DIR, 'cran.all.1400'), 'utf8');
  const docs = raw.split(/^\.I\s+/m).slice(1).map((block) => {
    const id = block.split('\n', 1)[0]!.trim();
    const field = (name: string) => new RegExp(`^\\.${name}\\n([\\s\\S]*?)(?=^\\.[TABW]\\n|$(?![\\s\\S]))`, 'm').exec(block)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
    return { id, title: field('T') || `Cranfield ${id}`, text: field('W') || field('T') };
  });
  const queries = parseQueries(await readFile(join(DIR, 'queries.jsonl'), 'utf8'));
  const qrels = parseQrels(await readFile(join(DIR, 'qrels.tsv'), 'utf8'), 'cranfield');
  return { docs, queries: queries.filter((q) => qrels.has(q.id)), qrels };
}

/** Trains on the texts in the given order, fills a store in that order, and ranks every query in every mode. */
async function run(docs: Awaited<ReturnType<typeof collection>>['docs'], queries: { id: string; text: string }[]) {
  const drafts = docs.map((d) => ({ id: `doc:${d.id}#0`, sourceId: `doc:${d.id}`, kind: 'document' as const, title: d.title, text: d.text, acl: ['aero'], fields: { uri: d.id } }));
  const model = trainLocalModel(drafts.map(searchableText));
  const embedder = createLocalEmbedder(model);
  const store = createEmbeddedStore();
  await store.open(embedder);
  const vectors = await embedder.embed(drafts.map(searchableText), 'passage');
  await store.upsert(drafts.map((d, i): IndexedItem => ({ ...d, vector: vectors[i]! })));
  const queryVectors = await embedder.embed(queries.map((q) => q.text), 'query');
  const rankings = new Map<SearchMode, string[][]>();
  for (const mode of MODES) {
    const ranked: string[][] = [];
    for (const [i, q] of queries.entries()) {
      const hits = await store.search({ query: q.text, vector: queryVectors[i]!, k: 100, mode, filter: { groups: ['aero'] } });
      ranked.push(hits.map((h) => String(h.fields?.uri)));
    }
    rankings.set(mode, ranked);
  }
  await store.close();
  return { model: model.name, rankings };
}

t.test('Cranfield: hybrid ≥ 0.42 nDCG@10 and ≥ each half; the same corpus gives the same model and rankings', async (t) => {
  const { docs, queries, qrels } = await collection();
  t.equal(queries.length, 113, 'the 113 judged queries');
  const first = await run(docs, queries);
  const ndcg = new Map<SearchMode, number>();
  for (const mode of MODES) {
    const mean = meanScore(first.rankings.get(mode)!.map((ranked, i) => scoreRanking(ranked, qrels.get(queries[i]!.id)!)));
    ndcg.set(mode, mean.ndcgAt10);
    t.comment(`${mode}: nDCG@10 ${mean.ndcgAt10.toFixed(4)}, recall@100 ${mean.recallAt100.toFixed(4)} over ${mean.queries} queries`);
  }
  t.ok(ndcg.get('hybrid')! >= 0.42, `hybrid nDCG@10 ${ndcg.get('hybrid')!.toFixed(4)} ≥ 0.42`);
  t.ok(ndcg.get('hybrid')! >= ndcg.get('keyword')!, 'hybrid at least as good as keyword');
  t.ok(ndcg.get('hybrid')! >= ndcg.get('vector')!, 'hybrid at least as good as vector');

  const second = await run([...docs].reverse(), queries);
  t.equal(second.model, first.model, 'the same model name, whatever order the texts came in');
  for (const mode of MODES) t.same(second.rankings.get(mode), first.rankings.get(mode), `the same ${mode} rankings`);
});
