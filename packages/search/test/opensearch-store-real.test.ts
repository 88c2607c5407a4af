// The OpenSearch store against a real OpenSearch 2.19 node with the k-NN plugin (tools/opensearch-node): the lucene
// engine, real BM25, real aliases and templates, real errors. What the node cannot do (faiss, nmslib, `_train`,
// injected 429s, basic auth) stays in opensearch-store.test.ts and knn-train.test.ts against the fake.
import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import { RetryableError } from '@onramp/core';
import { BulkRejected, SearchIndexMismatch, createOpenSearchClient, createOpenSearchStore, INDEX_STOP_WORDS, tokenize, type OpenSearchStoreOptions } from '@onramp/search';
import { TEST_KNN_ENGINE, startOpenSearchNode } from './helpers/opensearch-node.js';
import { DIM, assertFindsOnlyReadable, assertReindexIsTheWayOut, embedder, engDoc, hrDoc, person, search, vec } from './helpers/store-fixtures.js';

t.setTimeout(600_000);

/** Every index of this run starts with it, so a cluster of your own (TEST_OPENSEARCH_URL) can run the file again. */
const RUN = `onramp-test-${randomBytes(3).toString('hex')}-`;

const node = await startOpenSearchNode();
t.comment(`OpenSearch test node at ${node.url}: started in ${node.startMs} ms${node.buildMs > 0 ? `, launcher built in ${node.buildMs} ms` : ''}`);
t.teardown(() => node.stop());
const raw = createOpenSearchClient({ url: node.url });
t.teardown(() => raw.close());

/** A store on its own alias: the tests share the node, never an index. The test node has no faiss: lucene. */
function store(t: Test, alias: string, options: Partial<OpenSearchStoreOptions> = {}) {
  const s = createOpenSearchStore({ url: node.url, index: alias, replicas: 0, ...options, knn: { engine: TEST_KNN_ENGINE, ...options.knn } });
  t.teardown(() => s.close());
  return s;
}

async function indicesOf(alias: string): Promise<string[]> {
  const response = await raw.indices.get({ index: `${alias}-*` });
  return Object.keys(response.body).sort();
}

t.test('the node is OpenSearch 2.19 with the k-NN plugin', async (t) => {
  const info = (await raw.info()).body;
  t.match(info.version.number, /^2\.19\./);
  const plugins = (await raw.cat.plugins({ format: 'json' })).body as unknown as { component: string }[];
  t.ok(plugins.some((p) => /knn/i.test(p.component)), 'k-NN is loaded');
});

t.test('creates the index from an index template behind an alias, with the embedder recorded', async (t) => {
  const s = store(t, `${RUN}create`, { knn: { m: 24, efConstruction: 256 } });
  await s.open(embedder);
  const template = (await raw.indices.getIndexTemplate({ name: `${RUN}create` })).body.index_templates[0]!.index_template;
  t.same(template.index_patterns, [`${RUN}create-*`]);
  const index = (await raw.indices.get({ index: `${RUN}create` })).body;
  t.same(Object.keys(index), [`${RUN}create-1`], 'the first index is create-1, behind the alias');
  const state = index[`${RUN}create-1`]!;
  t.same(Object.keys(state.aliases ?? {}), [`${RUN}create`]);
  t.match(state.mappings, {
    _meta: { embedder: 'test-embedder', dimension: DIM, mapping_version: 2 },
    dynamic: 'strict',
    properties: {
      vector: { type: 'knn_vector', dimension: DIM, method: { name: 'hnsw', engine: TEST_KNN_ENGINE, space_type: 'cosinesimil', parameters: { m: 24, ef_construction: 256 } } },
      acl: { type: 'keyword' }, title: { type: 'text', analyzer: 'onramp_text' }, fields: { type: 'object', enabled: false },
    },
  }, 'the index took its mapping from the template');
  t.equal(state.settings?.index?.knn, 'true');
  await s.open(embedder);
  t.same(await indicesOf(`${RUN}create`), [`${RUN}create-1`], 'opening again reuses the index');
});

t.test('finds by vector, keyword and hybrid only what the caller may read', async (t) => {
  const s = store(t, `${RUN}find`);
  await s.open(embedder);
  await s.upsert([person, engDoc, hrDoc]);
  await raw.indices.refresh({ index: `${RUN}find` });
  await assertFindsOnlyReadable(t, s);
  const keyword = await s.search(search('terraform', 'keyword', 'all'));
  t.same(keyword.map((h) => h.id), [engDoc.id], 'BM25 matches words of the text');
  const hybrid = await s.search({ ...search('salary bands', 'hybrid', 'all'), vector: vec('salary') });
  t.equal(hybrid[0]!.id, hrDoc.id, 'hybrid puts the document both halves agree on first');
  t.ok(hybrid.every((h, i) => i === 0 || h.score <= hybrid[i - 1]!.score), 'hybrid hits come best first');
});

t.test('without the neural-search plugin, hybrid is fused by onramp, or refused when the pipeline is required', async (t) => {
  const plugins = (await raw.cat.plugins({ format: 'json' })).body as unknown as { component: string }[];
  const pipeline = store(t, `${RUN}pipeline`, { hybridFusion: 'pipeline' });
  if (plugins.some((p) => /neural-search/i.test(p.component))) {
    await pipeline.open(embedder);
    t.pass('a cluster with neural-search takes the pipeline');
  } else {
    await t.rejects(pipeline.open(embedder), { code: 'search_hybrid_unavailable', message: /neural-search plugin.*OPENSEARCH_HYBRID_FUSION=client/ });
  }
  const fused = store(t, `${RUN}fused`, { hybridFusion: 'client' });
  await fused.open(embedder);
  await fused.upsert([engDoc, hrDoc]);
  await raw.indices.refresh({ index: `${RUN}fused` });
  const hits = await fused.search({ ...search('deploy services', 'hybrid', 'all'), vector: vec('deploy') });
  t.equal(hits[0]!.id, engDoc.id);
  t.ok(hits[0]!.score <= 1 && hits.at(-1)!.score >= 0, 'fused scores are a weighted mean of min-max normalized scores');
});

t.test('an index built with another embedder or dimension is a clear error at open, and a rebuild is the way out', async (t) => {
  const s = store(t, `${RUN}mismatch`);
  await s.open(embedder);
  await s.upsert([engDoc]);
  const other = store(t, `${RUN}mismatch`);
  const bigger = { name: 'test-embedder', dimension: 16 };
  const error = await other.open(bigger).catch((e: unknown) => e);
  t.type(error, SearchIndexMismatch);
  t.match((error as Error).message, /test-embedder \(dimension 8\).*test-embedder \(dimension 16\).*onramp reindex/);
  await t.rejects(other.search(search('deploy', 'keyword', 'all')), SearchIndexMismatch, 'no garbage results from a mismatched index');
  await t.rejects(other.upsert([engDoc]), SearchIndexMismatch, 'no writes into a mismatched index');
  const target = await other.beginRebuild();
  await other.upsert([{ ...engDoc, vector: vec('deploy', 16) }], target);
  await other.finishRebuild(target);
  const hits = await other.search({ ...search('deploy', 'vector', 'all'), vector: vec('deploy', 16) });
  t.same(hits.map((h) => h.id), [engDoc.id], 'after the rebuild the new embedder’s index serves');
  const live = (await raw.indices.get({ index: `${RUN}mismatch` })).body;
  t.match(Object.values(live)[0]!.mappings, { _meta: { dimension: 16 }, properties: { vector: { dimension: 16 } } });
});

t.test('title and text are analyzed into the embedded tokenizer\'s terms, so BM25 matches other forms of a word', async (t) => {
  const s = store(t, `${RUN}analysis`);
  await s.open(embedder);
  const text = "The wing's 1.5 Mach-number flows WERE measured, e.g. at Ｆｕｌｌ scale in 東京の風洞";
  for (const field of ['title', 'text']) {
    const { body } = await raw.indices.analyze({ index: `${RUN}analysis`, body: { field, text } });
    t.same(body.tokens!.map((token) => token.token), tokenize(text), `${field}: the same terms as the embedded BM25`);
  }
  t.same(tokenize(INDEX_STOP_WORDS.join(' ')), [], 'the index drops no word the embedded tokenizer keeps');
  await s.upsert([engDoc, hrDoc]);
  await raw.indices.refresh({ index: `${RUN}analysis` });
  t.same((await s.search(search('salaries', 'keyword', 'all'))).map((h) => h.id), [hrDoc.id], '"salaries" finds "Salary bands"');
  t.same((await s.search(search('how to', 'keyword', 'all'))).map((h) => h.id), [], 'stop words alone match nothing');
});

t.test('an index made with an older mapping version asks for `onramp reindex`, and the rebuild brings the current analysis', async (t) => {
  const alias = `${RUN}version`;
  const s = store(t, alias);
  await s.open(embedder);
  await s.upsert([hrDoc]);
  // What an index made by an onramp before mapping version 2 (no stemming) says of itself.
  await raw.indices.putMapping({ index: alias, body: { _meta: { embedder: embedder.name, dimension: DIM, mapping_version: 1 } } });
  await assertReindexIsTheWayOut(t, store(t, alias));
  const live = (await raw.indices.get({ index: alias })).body;
  t.match(Object.values(live)[0]!.mappings, { _meta: { mapping_version: 2 } });
  await store(t, alias).open(embedder);
});

t.test('two processes opening at once create one index; an unaliased index of that name is refused', async (t) => {
  await Promise.all([store(t, `${RUN}race`).open(embedder), store(t, `${RUN}race`).open(embedder)]);
  t.same(await indicesOf(`${RUN}race`), [`${RUN}race-1`]);
  await raw.indices.create({ index: `${RUN}stray-1` });
  await t.rejects(store(t, `${RUN}stray`).open(embedder), { code: 'search_index_not_aliased', message: `index "${RUN}stray-1" exists but the alias "${RUN}stray" does not point at it; add the alias or delete the index` }, 'OpenSearch answered resource_already_exists_exception');
});

t.test('OpenSearch itself rejects a document that breaks the mapping, and says which and why', async (t) => {
  const s = store(t, `${RUN}strict`);
  await s.open(embedder);
  // An index an operator changed by hand: department became a number, so a department name cannot be indexed.
  await raw.indices.delete({ index: `${RUN}strict-1` });
  const { body: template } = await raw.indices.getIndexTemplate({ name: `${RUN}strict` });
  const mappings = template.index_templates[0]!.index_template.template!.mappings!;
  await raw.indices.create({ index: `${RUN}strict-2`, body: { aliases: { [`${RUN}strict`]: {} }, mappings: { ...mappings, properties: { ...mappings.properties, department: { type: 'long' } } } } });
  const error = await s.upsert([person, engDoc]).catch((e: unknown) => e);
  t.type(error, BulkRejected);
  t.match((error as BulkRejected).failures, [
    { id: person.id, index: `${RUN}strict-2`, status: 400, type: 'mapper_parsing_exception', reason: /department/ },
    { id: engDoc.id, status: 400, type: 'mapper_parsing_exception' },
  ]);
  await t.rejects(s.upsert([{ ...person, vector: vec('x', 4) }]), { code: 'search_vector_dimension' }, 'a wrong vector never reaches OpenSearch');
});

t.test('deleteBySource removes every chunk of a document, even ones written a moment ago', async (t) => {
  const s = store(t, `${RUN}delete`);
  await s.open(embedder);
  const chunks = [0, 1, 2].map((i) => ({ ...engDoc, id: `${engDoc.sourceId}#${i}`, text: `chunk ${i} about deploying` }));
  await s.upsert([...chunks, hrDoc]);
  // No refresh in between: the store refreshes before delete_by_query, which only sees refreshed documents.
  await s.deleteBySource(engDoc.sourceId);
  const left = (await raw.search({ index: `${RUN}delete`, body: { query: { match_all: {} } } })).body.hits.hits.map((h) => h._id);
  t.same(left, [hrDoc.id], 'all three chunks are gone, the other document stays');
});

t.test('a rebuild fills a new index, keeps live writes, and swaps the alias in one call', async (t) => {
  let clock = 1_700_000_000_000;
  const s = store(t, `${RUN}rebuild`, { now: () => clock++ });
  await s.open(embedder);
  await s.upsert([person]);
  const target = await s.beginRebuild();
  t.equal(target.indexName, `${RUN}rebuild-1700000000000`);
  await s.upsert([engDoc], target);
  await s.upsert([hrDoc]);
  await raw.indices.refresh({ index: `${RUN}rebuild` });
  const live = (await s.search(search('ada deploy salary', 'keyword', 'all'))).map((h) => h.id).sort();
  t.same(live, [hrDoc.id, person.id].sort(), 'until the swap, searches see the old index');
  await s.finishRebuild(target);
  t.same(await indicesOf(`${RUN}rebuild`), [`${RUN}rebuild-1700000000000`], 'the old index is deleted');
  const after = (await s.search(search('ada deploy salary', 'keyword', 'all'))).map((h) => h.id).sort();
  t.same(after, [engDoc.id, hrDoc.id].sort(), 'after the swap: the rebuilt content plus the write made during the rebuild');
  const aliases = (await raw.indices.getAlias({ name: `${RUN}rebuild` })).body;
  t.same(Object.keys(aliases), [`${RUN}rebuild-1700000000000`]);
});

t.test('a cluster that does not answer is a retryable error', async (t) => {
  const s = createOpenSearchStore({ url: 'http://127.0.0.1:1', index: 'gone', replicas: 0, requestTimeoutMs: 2000 });
  t.teardown(() => s.close());
  await t.rejects(s.open(embedder), RetryableError);
});

t.test('shared models and pinned searches: the models index keeps a model whole, the alias names the live index, a search pinned to a swapped-out index says so', async (t) => {
  const alias = `${RUN}shared`;
  const s = store(t, alias);
  await s.open(embedder);
  const shared = s.shared!;
  t.same(await shared.live(), { index: `${alias}-1`, embedder: embedder.name, dimension: DIM });
  t.equal(await shared.models.get('local-lsa-8-0123456789ab'), undefined, 'no models index yet: nothing stored');
  const basis = Buffer.alloc(2 * DIM * 4);
  for (let i = 0; i < 2 * DIM; i++) basis.writeFloatLE(i / 7, i * 4);
  const model = { name: 'local-lsa-8-0123456789ab', dimension: DIM, terms: ['deploy', 'salari'], idf: [1.5, 2.25], basis: basis.toString('base64') };
  await shared.models.put(model);
  await shared.models.put(model);
  t.same(await shared.models.get(model.name), model, 'read back whole, written twice without harm');
  t.equal(await shared.models.get('local-lsa-8-ffffffffffff'), undefined);
  const mapping = (await raw.indices.get({ index: `${alias}.models` })).body[`${alias}.models`]!.mappings;
  t.match(mapping, { dynamic: 'false' }, 'the models index indexes none of the model');
  t.same(await indicesOf(alias), [`${alias}-1`], 'outside the search indices\' template pattern');

  await s.upsert([engDoc]);
  const target = await s.beginRebuild({ name: 'local-lsa-8-0123456789ab', dimension: DIM });
  await s.upsert([engDoc], target);
  await s.finishRebuild(target);
  t.same(await shared.live(), { index: target.indexName, embedder: 'local-lsa-8-0123456789ab', dimension: DIM }, 'the new index names the model it was built with');
  const hits = await s.search({ ...search('deploy', 'vector', 'all'), index: target.indexName });
  t.equal(hits[0]?.id, engDoc.id, 'a search pinned to the live index');
  await t.rejects(s.search({ ...search('deploy', 'vector', 'all'), index: `${alias}-1` }), { code: 'index_gone' }, 'the old index was deleted by the swap');
  await raw.indices.delete({ index: `${alias}.models` });
});
