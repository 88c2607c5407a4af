// Two processes, one OpenSearch (the fake): a child answers vector queries in a loop, as search-api does,
// while this process trains a new local model, rebuilds the index with it and swaps the alias. Every answer
// must come from a (model, index) pair that belong together, and the child must switch model without a
// restart. The queries are texts of indexed items, so a matching model finds the item with cosine 1
// (score 1.0 under cosinesimil); a query embedded with the other model scores visibly less (checked below).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { loadConfig, silentLogger } from '@onramp/core';
import { createSearch, embedWithModel, searchableText, seededRandom, type IndexedItem, type LocalModel, type SearchRuntime } from '@onramp/search';
import { startFakeOpenSearch } from './helpers/fake-opensearch.js';

const CHILD = fileURLToPath(new URL('./helpers/query-loop.mjs', import.meta.url));

/** Deterministic documents over topic vocabularies, enough for the LSA trainer to learn a model. */
function corpus(count: number, seed: number, offset = 0): IndexedItem[] {
  const random = seededRandom(seed);
  const topics = Array.from({ length: 12 }, (_, topic) => Array.from({ length: 25 }, (_, w) => `t${topic}w${w}`));
  return Array.from({ length: count }, (_, i) => {
    const n = i + offset;
    const words = topics[n % topics.length]!;
    const other = topics[(n * 7 + 3) % topics.length]!;
    const text = Array.from({ length: 30 }, () => (random() < 0.8 ? words : other)[Math.floor(random() * 25)]).join(' ');
    return { id: `doc:d${n}#0`, sourceId: `doc:d${n}`, kind: 'document', title: `Document ${n}`, text, acl: null, vector: new Float32Array(0) };
  });
}

/** What `onramp reindex` does with the search runtime: train, fill a new index, swap it in, commit the model. */
async function rebuild(search: SearchRuntime, items: IndexedItem[]): Promise<{ index: string; model: string }> {
  const trained = await search.train!(items.map(searchableText));
  const { embedder } = trained;
  const target = await search.store.beginRebuild({ name: embedder.name, dimension: embedder.dimension });
  const vectors = await embedder.embed(items.map(searchableText), 'passage');
  await search.store.upsert(items.map((item, i) => ({ ...item, vector: vectors[i]! })), target);
  await search.store.finishRebuild(target);
  await trained.commit();
  return { index: target.indexName, model: embedder.name };
}

interface Answer {
  ready?: boolean;
  expected?: string;
  embedder?: string;
  index?: string;
  top?: string;
  score?: number;
  error?: string;
}

t.test('a model change never answers a query with a mismatched model, and the serving process follows the swap', async (t) => {
  const fake = await startFakeOpenSearch();
  t.teardown(() => fake.close());
  const reindexHome = await mkdtemp(join(tmpdir(), 'onramp-reindexer-'));
  const servingHome = await mkdtemp(join(tmpdir(), 'onramp-serving-'));
  t.teardown(() => Promise.all([rm(reindexHome, { recursive: true, force: true }), rm(servingHome, { recursive: true, force: true })]));
  const env = { SEARCH_BACKEND: 'opensearch', OPENSEARCH_URL: fake.url, OPENSEARCH_REPLICAS: '0', OPENSEARCH_HYBRID_FUSION: 'client' };

  // The first reindex, on this host, trains model A and builds index 1.
  const reindexer = await createSearch(loadConfig({ ...env, ONRAMP_HOME: reindexHome }), silentLogger);
  t.teardown(() => reindexer.close());
  await reindexer.store.open({ name: reindexer.embedder.name, dimension: reindexer.embedder.dimension });
  const first = corpus(120, 1);
  const a = await rebuild(reindexer, first);
  t.match(a.model, /^local-lsa-256-/, 'model A is a trained LSA model');

  // The serving host has its own, empty disk: it can only get model A from the engine.
  const queries = first.slice(0, 8).map((item) => ({ id: item.id, text: searchableText(item) }));
  const child = spawn(process.execPath, [CHILD, JSON.stringify(queries)], {
    env: { ...process.env, ...env, ONRAMP_HOME: servingHome, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const answers: Answer[] = [];
  let stderr = '';
  let buffered = '';
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) answers.push(JSON.parse(line) as Answer);
    waiters.splice(0).forEach((wake) => wake());
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  t.teardown(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  const until = async (what: string, done: () => boolean, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (child.exitCode !== null) throw new Error(`the serving process exited (${child.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last answers: ${JSON.stringify(answers.slice(-3))} ${stderr}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  const answered = () => answers.filter((x) => x.ready !== true);

  await until('answers with model A', () => answered().length >= 20);
  t.same(answers[0], { ready: true, embedder: a.model }, 'the serving process starts with the model the live index names');

  // The second reindex, with more documents, trains model B (same dimension) and swaps the alias while the
  // child keeps querying; the old index is deleted by the swap.
  const b = await rebuild(reindexer, [...first, ...corpus(60, 2, 500)]);
  t.not(b.model, a.model, 'the reindex trained another model');
  t.equal(b.model.split('-')[2], a.model.split('-')[2], 'of the same dimension: a mix-up would not fail loudly');
  const swappedAt = answered().length;
  await until('answers with model B', () => answered().slice(swappedAt).filter((x) => x.index === b.index).length >= 40);
  child.kill('SIGTERM');
  await exited;

  const all = answered();
  t.same(all.filter((x) => x.error !== undefined), [], 'no query failed across the swap');
  const pairs = new Set(all.map((x) => `${x.embedder} @ ${x.index}`));
  t.same([...pairs].sort(), [`${a.model} @ ${a.index}`, `${b.model} @ ${b.index}`].sort(), 'every answer names a model and the index built with it');
  const wrong = all.filter((x) => x.top !== x.expected || Math.abs(x.score! - 1) > 1e-4);
  t.same(wrong, [], `each of ${all.length} answers found the queried document with cosine 1: embedded with the index's own model`);
  const lastA = all.findLastIndex((x) => x.index === a.index);
  const firstB = all.findIndex((x) => x.index === b.index);
  t.ok(lastA < firstB, 'once it answered from the new index it never went back to the old one');
  t.same(fake.violations, [], 'no request or answer broke the OpenSearch API specification');
  t.ok(existsSync(join(servingHome, 'search', 'models', `${b.model}.json`)), 'the serving host cached model B by name, from the engine');

  // The check has teeth: embedding a query with the other model moves it visibly away.
  const [modelA, modelB] = await Promise.all([a.model, b.model].map((name) => loadFromReindexer(reindexHome, name)));
  for (const q of queries) {
    const va = embedWithModel(modelA!, q.text);
    const vb = embedWithModel(modelB!, q.text);
    const cos = va.reduce((sum, x, i) => sum + x * vb[i]!, 0);
    t.ok((2 - (1 - cos)) / 2 < 1 - 1e-3, `a mismatched model would score ${q.id} below 1 (cosine ${cos.toFixed(3)})`);
  }
});

async function loadFromReindexer(home: string, name: string): Promise<LocalModel> {
  const { loadLocalModel } = await import('@onramp/search');
  return loadLocalModel(join(home, 'search', 'models'), name);
}

t.test('configurations that cannot be consistent with the live index are refused at start, naming the variables', async (t) => {
  const fake = await startFakeOpenSearch();
  t.teardown(() => fake.close());
  const home = await mkdtemp(join(tmpdir(), 'onramp-refuse-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const env = { SEARCH_BACKEND: 'opensearch', OPENSEARCH_URL: fake.url, OPENSEARCH_REPLICAS: '0', OPENSEARCH_HYBRID_FUSION: 'client', ONRAMP_HOME: home };
  const local = await createSearch(loadConfig(env), silentLogger);
  t.teardown(() => local.close());
  await local.store.open(local.embedder);
  const built = await rebuild(local, corpus(120, 3));

  // A remote embedder whose declared model or dimension is not the live index's.
  const remote = await createSearch(loadConfig({ ...env, EMBEDDING_PROVIDER: 'pai-eas', PAI_EAS_URL: 'http://127.0.0.1:9/api/predict/e', PAI_EAS_MODEL: 'bge-m3', EMBEDDING_DIMENSION: '1024' }), silentLogger);
  t.teardown(() => remote.close());
  await t.rejects(remote.store.open(remote.embedder), {
    code: 'index_mismatch',
    message: new RegExp(`built with embedder ${built.model} \\(dimension 256\\).*EMBEDDING_PROVIDER=pai-eas, PAI_EAS_MODEL=bge-m3, EMBEDDING_DIMENSION=1024`),
  });

  // A local model the engine does not hold (an index built before models were shared): no silent fallback.
  fake.cluster.indices.get('onramp.models')!.docs.clear();
  const stranger = await mkdtemp(join(tmpdir(), 'onramp-stranger-'));
  t.teardown(() => rm(stranger, { recursive: true, force: true }));
  const lost = await createSearch(loadConfig({ ...env, ONRAMP_HOME: stranger }), silentLogger);
  t.teardown(() => lost.close());
  await t.rejects(lost.query!({ query: 'anything', k: 3, mode: 'vector', filter: { groups: 'all' } }), { code: 'model_missing', message: /not in the onramp\.models index; run `onramp reindex`/ });
  await t.rejects(lost.store.open(lost.embedder), { code: 'index_mismatch' }, 'and search-api or the indexer would not start on it');

  // The index rebuilt by the remote embedder, and a host still configured for the local model.
  const target = await local.store.beginRebuild({ name: 'pai-eas:bge-m3', dimension: 256 });
  await local.store.finishRebuild(target);
  const behind = await createSearch(loadConfig(env), silentLogger);
  t.teardown(() => behind.close());
  await t.rejects(behind.query!({ query: 'anything', k: 3, mode: 'vector', filter: { groups: 'all' } }), { code: 'index_mismatch', message: /built with embedder pai-eas:bge-m3, but EMBEDDING_PROVIDER=local: set EMBEDDING_PROVIDER/ });
});
