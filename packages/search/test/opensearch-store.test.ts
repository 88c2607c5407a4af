import t, { type Test } from 'tap';
import { PermanentError, RetryableError } from '@onramp/core';
import { BulkRejected, BulkThrottled, SearchIndexMismatch, createOpenSearchStore, type OpenSearchStoreOptions } from '@onramp/search';
import { startFakeOpenSearch, type FakeOpenSearch } from './helpers/fake-opensearch.js';
import { DIM, assertFindsOnlyReadable, embedder, engDoc, hrDoc, person, search, vec } from './helpers/store-fixtures.js';

async function setup(t: Test, options: Partial<OpenSearchStoreOptions> = {}, version?: string): Promise<{ fake: FakeOpenSearch; store: ReturnType<typeof createOpenSearchStore> }> {
  const fake = await startFakeOpenSearch(version === undefined ? {} : { version });
  const store = createOpenSearchStore({ url: fake.url, index: 'onramp', replicas: 0, ...options });
  t.teardown(async () => {
    await store.close();
    await fake.close();
  });
  return { fake, store };
}

function assertFollowsSpec(t: Test, fake: FakeOpenSearch): void {
  t.same(fake.violations, [], 'every request (and every fake answer) follows the OpenSearch API specification');
}

t.test('creates the index from an index template behind an alias, with the embedder recorded', async (t) => {
  const { fake, store } = await setup(t, { knn: { m: 24, efConstruction: 256 } });
  await store.open(embedder);
  const template = fake.cluster.templates.get('onramp') as { index_patterns: string[]; template: { settings: { index: Record<string, unknown> }; mappings: { properties: Record<string, Record<string, unknown>> } } };
  t.same(template.index_patterns, ['onramp-*']);
  t.equal(template.template.settings.index.knn, true);
  t.match(template.template.mappings.properties.vector, {
    type: 'knn_vector', dimension: DIM, method: { name: 'hnsw', engine: 'faiss', space_type: 'cosinesimil', parameters: { m: 24, ef_construction: 256 } },
  });
  t.match(template.template.mappings.properties, { acl: { type: 'keyword' }, kind: { type: 'keyword' }, department: { type: 'keyword' }, sourceId: { type: 'keyword' }, title: { type: 'text' }, text: { type: 'text' } });
  const index = fake.cluster.indices.get('onramp-1');
  t.ok(index, 'the first index is onramp-1');
  t.same([...index!.aliases], ['onramp']);
  t.match(index!.mappings, { _meta: { embedder: 'test-embedder', dimension: DIM }, dynamic: 'strict' }, 'the index took its mapping from the template');
  t.match(fake.cluster.pipelines.get('onramp-hybrid'), {
    phase_results_processors: [{ 'normalization-processor': { normalization: { technique: 'min_max' }, combination: { technique: 'arithmetic_mean', parameters: { weights: [0.3, 0.7] } } } }],
  });
  await store.open(embedder);
  t.equal(fake.cluster.indices.size, 1, 'opening again reuses the index');
  assertFollowsSpec(t, fake);
});

t.test('finds by vector, keyword and hybrid only what the caller may read', async (t) => {
  const { fake, store } = await setup(t);
  await store.open(embedder);
  await store.upsert([person, engDoc, hrDoc]);
  await assertFindsOnlyReadable(t, store);

  const knnRequest = fake.requests.filter((r) => r.operation === 'search').map((r) => r.body as { query: { knn?: { vector: { filter?: unknown; vector: number[] } } } }).find((b) => b.query.knn !== undefined)!;
  t.ok(knnRequest.query.knn!.vector.filter, 'access control is an efficient filter inside the knn clause');
  const norm = Math.sqrt(knnRequest.query.knn!.vector.vector.reduce((s, x) => s + x * x, 0));
  t.ok(Math.abs(norm - 1) < 1e-6, 'the query vector is sent at unit length');
  const hybrid = fake.requests.find((r) => r.operation === 'search' && r.path.includes('search_pipeline=onramp-hybrid'));
  t.ok(hybrid, 'hybrid search goes through the normalization pipeline');
  t.match(hybrid!.body, { query: { hybrid: { queries: [{ bool: { must: [{ multi_match: {} }] } }, { knn: { vector: { filter: {} } } }] } } });
  assertFollowsSpec(t, fake);
});

t.test('an index built with another embedder or dimension is a clear error at open, and a rebuild is the way out', async (t) => {
  const { fake, store } = await setup(t);
  await store.open(embedder);
  await store.upsert([engDoc]);
  const other = createOpenSearchStore({ url: fake.url, index: 'onramp', replicas: 0 });
  t.teardown(() => other.close());
  const bigger = { name: 'test-embedder', dimension: 16 };
  const error = await other.open(bigger).catch((e: unknown) => e);
  t.type(error, SearchIndexMismatch);
  t.match((error as Error).message, /test-embedder \(dimension 8\).*test-embedder \(dimension 16\).*onramp reindex/);
  await t.rejects(other.open({ name: 'pai-eas:bge', dimension: DIM }), { code: 'index_mismatch', message: /pai-eas:bge/ });
  await t.rejects(other.search(search('deploy', 'keyword', 'all')), SearchIndexMismatch, 'no garbage results from a mismatched index');
  await t.rejects(other.upsert([engDoc]), SearchIndexMismatch, 'no writes into a mismatched index');

  await t.rejects(other.open(bigger), SearchIndexMismatch);
  const target = await other.beginRebuild();
  await other.upsert([{ ...engDoc, vector: vec('deploy', 16) }], target);
  await other.finishRebuild(target);
  const hits = await other.search({ ...search('deploy', 'vector', 'all'), vector: vec('deploy', 16) });
  t.same(hits.map((h) => h.id), [engDoc.id], 'after the rebuild the new embedder’s index serves');
  t.equal(fake.cluster.resolve('onramp')[0]!.mappings.properties && (fake.cluster.resolve('onramp')[0]!.mappings as { _meta: { dimension: number } })._meta.dimension, 16);
  assertFollowsSpec(t, fake);
});

t.test('a cluster without neural-search gets hybrid fused by onramp, with the pipeline’s weights', async (t) => {
  const { fake, store } = await setup(t);
  fake.fail('search_pipeline.put', 400, 'illegal_argument_exception', 'Invalid processor type normalization-processor');
  await store.open(embedder);
  await store.upsert([person, engDoc, hrDoc]);
  const hits = await store.search({ ...search('deploy services', 'hybrid', ['platform-readers']), vector: vec('deploy') });
  t.equal(hits[0]!.id, engDoc.id, 'the document both halves rank first comes first');
  t.notOk(hits.some((h) => h.id === hrDoc.id), 'the access filter holds in both halves');
  t.equal(hits[0]!.score, 1, 'best in both normalized lists: 0.3 × 1 + 0.7 × 1');
  const searches = fake.requests.filter((r) => r.operation === 'search');
  t.equal(searches.length, 2, 'one keyword and one knn search');
  t.notOk(searches.some((r) => r.path.includes('search_pipeline') || JSON.stringify(r.body).includes('"hybrid"')), 'no hybrid query, no pipeline');

  const strict = createOpenSearchStore({ url: fake.url, index: 'strict', replicas: 0, hybridFusion: 'pipeline' });
  t.teardown(() => strict.close());
  fake.fail('search_pipeline.put', 400, 'illegal_argument_exception', 'Invalid processor type normalization-processor');
  await t.rejects(strict.open(embedder), { code: 'search_hybrid_unavailable' }, 'required pipeline: a clear error at open');
  const denied = createOpenSearchStore({ url: fake.url, index: 'other', replicas: 0 });
  t.teardown(() => denied.close());
  fake.fail('search_pipeline.put', 403, 'security_exception', 'no permissions for [cluster:admin/search/pipeline/put]');
  await t.rejects(denied.open(embedder), { code: 'search_backend_rejected', message: /403: security_exception/ }, 'any other refusal is not taken for a missing plugin');
  assertFollowsSpec(t, fake);
});

t.test('two processes opening at once create one index', async (t) => {
  const { fake, store } = await setup(t);
  const second = createOpenSearchStore({ url: fake.url, index: 'onramp', replicas: 0 });
  t.teardown(() => second.close());
  await Promise.all([store.open(embedder), second.open(embedder)]);
  t.same([...fake.cluster.indices.keys()], ['onramp-1']);
  // The losing side, deterministically: it saw no index twice, so it tries to create one and is told it exists.
  const third = createOpenSearchStore({ url: fake.url, index: 'onramp', replicas: 0 });
  t.teardown(() => third.close());
  fake.fail('indices.get', 404, 'index_not_found_exception', 'no such index [onramp]', 2);
  const creates = fake.operations().filter((o) => o === 'indices.create').length;
  await third.open(embedder);
  t.equal(fake.operations().filter((o) => o === 'indices.create').length, creates + 1, 'it tried to create the index');
  t.same([...fake.cluster.indices.keys()], ['onramp-1'], 'and adopted the one that exists');
  await t.rejects(third.open({ name: 'other', dimension: DIM }), SearchIndexMismatch);
  assertFollowsSpec(t, fake);
});

t.test('surfaces per-item bulk failures: back-pressure is retryable, a rejected document is not', async (t) => {
  const { fake, store } = await setup(t);
  await store.open(embedder);
  fake.failItems([engDoc.id], 429, 'es_rejected_execution_exception', 'rejected execution of coordinating operation');
  const throttled = await store.upsert([person, engDoc]).catch((e: unknown) => e);
  t.type(throttled, BulkThrottled);
  t.type(throttled, RetryableError);
  t.match((throttled as BulkThrottled).failures, [{ id: engDoc.id, status: 429, type: 'es_rejected_execution_exception' }]);
  t.ok(fake.cluster.indices.get('onramp-1')!.docs.has(person.id), 'the other documents of the request were written');

  fake.failItems([hrDoc.id], 400, 'mapper_parsing_exception', 'failed to parse field [department] of type [keyword]');
  const rejected = await store.upsert([hrDoc]).catch((e: unknown) => e);
  t.type(rejected, BulkRejected);
  t.type(rejected, PermanentError);
  t.match((rejected as Error).message, /doc:oss:\/\/hr\/salaries\.md#0 → 400 mapper_parsing_exception/);

  await t.rejects(store.upsert([{ ...person, vector: vec('x', 4) }]), { code: 'search_vector_dimension' }, 'a wrong vector never reaches OpenSearch');
  assertFollowsSpec(t, fake);
});

t.test('OpenSearch itself rejects a document that breaks the strict mapping', async (t) => {
  const { fake, store } = await setup(t);
  await store.open(embedder);
  const index = fake.cluster.indices.get('onramp-1')!;
  (index.mappings.properties as Record<string, unknown>).vector = { type: 'knn_vector', dimension: 4 };
  const error = await store.upsert([engDoc]).catch((e: unknown) => e);
  t.type(error, BulkRejected);
  t.match((error as BulkRejected).failures, [{ status: 400, type: 'mapper_parsing_exception' }]);
  assertFollowsSpec(t, fake);
});

t.test('deleteBySource removes every chunk of a document, even ones written a moment ago', async (t) => {
  const { fake, store } = await setup(t);
  fake.cluster.autoRefresh = false;
  await store.open(embedder);
  const chunks = [0, 1, 2].map((i) => ({ ...engDoc, id: `${engDoc.sourceId}#${i}`, text: `chunk ${i} about deploying` }));
  await store.upsert([...chunks, hrDoc]);
  await store.deleteBySource(engDoc.sourceId);
  const left = [...fake.cluster.indices.get('onramp-1')!.docs.keys()];
  t.same(left, [hrDoc.id], 'all three chunks are gone, the other document stays');
  const refreshBeforeDelete = fake.operations().indexOf('indices.refresh') < fake.operations().indexOf('delete_by_query');
  t.ok(refreshBeforeDelete, 'refreshes before delete_by_query, which only sees refreshed documents');
  assertFollowsSpec(t, fake);
});

t.test('a rebuild fills a new index, keeps live writes, and swaps the alias in one call', async (t) => {
  let clock = 1_700_000_000_000;
  const { fake, store } = await setup(t, { now: () => clock++ });
  await store.open(embedder);
  await store.upsert([person]);
  const target = await store.beginRebuild();
  t.equal(target.indexName, 'onramp-1700000000000');
  await store.upsert([engDoc], target);
  await store.upsert([hrDoc]);
  const before = await store.search(search('x', 'keyword', 'all'));
  t.same(before, [], 'keyword search for nothing matches nothing');
  const live = (await store.search({ ...search('ada deploy salary', 'keyword', 'all') })).map((h) => h.id).sort();
  t.same(live, [hrDoc.id, person.id].sort(), 'until the swap, searches see the old index');
  await store.finishRebuild(target);
  t.same([...fake.cluster.indices.keys()], ['onramp-1700000000000'], 'the old index is deleted');
  const after = (await store.search(search('ada deploy salary', 'keyword', 'all'))).map((h) => h.id).sort();
  t.same(after, [engDoc.id, hrDoc.id].sort(), 'after the swap: the rebuilt content plus the write made during the rebuild');
  const swap = fake.requests.find((r) => r.operation === 'indices.update_aliases');
  t.same(swap!.body, { actions: [{ remove: { index: 'onramp-1', alias: 'onramp' } }, { add: { index: 'onramp-1700000000000', alias: 'onramp' } }] }, 'remove and add in one atomic call');
  assertFollowsSpec(t, fake);
});

t.test('with nmslib the filter is applied outside the knn clause, which that engine cannot filter', async (t) => {
  const { fake, store } = await setup(t, { knn: { engine: 'nmslib' } });
  await store.open(embedder);
  await store.upsert([person, engDoc, hrDoc]);
  const hits = await store.search(search('deploy', 'vector', ['platform-readers']));
  t.notOk(hits.some((h) => h.id === hrDoc.id));
  t.ok(hits.some((h) => h.id === engDoc.id));
  const body = fake.requests.filter((r) => r.operation === 'search').at(-1)!.body as { query: { bool: { must: [{ knn: { vector: Record<string, unknown> } }] } } };
  t.notOk('filter' in body.query.bool.must[0].knn.vector);
  assertFollowsSpec(t, fake);
});

t.test('faiss with cosinesimil needs OpenSearch 2.19; innerproduct serves older clusters', async (t) => {
  const { fake, store } = await setup(t, {}, '2.17.0');
  await t.rejects(store.open(embedder), { code: 'search_backend_rejected', message: /faiss engine does not support space type \[cosinesimil\]/ });
  const older = createOpenSearchStore({ url: fake.url, index: 'onramp', replicas: 0, knn: { spaceType: 'innerproduct' } });
  t.teardown(() => older.close());
  await older.open(embedder);
  await older.upsert([engDoc, hrDoc]);
  const hits = await older.search(search('deploy', 'vector', 'all'));
  t.equal(hits[0]!.id, engDoc.id);
  assertFollowsSpec(t, fake);
});

t.test('sends basic-auth credentials and maps outages to retryable errors', async (t) => {
  const { fake, store } = await setup(t, { username: 'onramp', password: 's3cret' });
  await store.open(embedder);
  t.equal(fake.requests[0]!.headers.authorization, `Basic ${Buffer.from('onramp:s3cret').toString('base64')}`);
  fake.fail('search', 429, 'rejected_execution_exception', 'search thread pool is full');
  await t.rejects(store.search(search('deploy', 'keyword', 'all')), RetryableError);
  fake.fail('search', 400, 'parsing_exception', 'bad query');
  await t.rejects(store.search(search('deploy', 'keyword', 'all')), { code: 'search_backend_rejected', message: /400: parsing_exception: bad query/ });
  t.throws(() => createOpenSearchStore({ url: fake.url, index: 'onramp', hybridWeights: { keyword: 0.5, vector: 0.6 } }), RangeError);
  assertFollowsSpec(t, fake);
});
