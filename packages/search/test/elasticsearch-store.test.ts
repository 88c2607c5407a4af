import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { PermanentError, RetryableError, loadConfig, silentLogger } from '@onramp/core';
import { SearchIndexMismatch, createSearch, type IndexedItem } from '@onramp/search';
import { ElasticsearchBulkRejected, ElasticsearchBulkThrottled, createElasticsearchStore, type ElasticsearchStoreOptions } from '@onramp/search/elasticsearch';
import { DIM, assertFindsOnlyReadable, assertReindexIsTheWayOut, embedder, engDoc, hrDoc, person, search, vec } from './helpers/store-fixtures.js';
import { startFakeElasticsearch, type FakeElasticsearch, type FakeElasticsearchOptions } from './helpers/fake-elasticsearch.js';

const noWait = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

type Store = ReturnType<typeof createElasticsearchStore>;

async function setup(t: Test, options: Partial<ElasticsearchStoreOptions> = {}, fakeOptions: FakeElasticsearchOptions = {}): Promise<{ fake: FakeElasticsearch; store: Store; another: (o?: Partial<ElasticsearchStoreOptions>) => Store }> {
  const fake = await startFakeElasticsearch(fakeOptions);
  const stores: Store[] = [];
  const another = (o: Partial<ElasticsearchStoreOptions> = {}) => {
    const store = createElasticsearchStore({ url: fake.url, index: 'onramp', replicas: 0, retry: noWait, ...options, ...o });
    stores.push(store);
    return store;
  };
  const store = another();
  t.teardown(async () => {
    for (const s of stores) await s.close();
    await fake.close();
  });
  return { fake, store, another };
}

const bodies = (fake: FakeElasticsearch, operation: string) => fake.requests.filter((r) => r.operation === operation).map((r) => r.body as Record<string, unknown>);

t.test('creates the index from an index template behind an alias: dense_vector int8_hnsw, the embedder in _meta', async (t) => {
  const { fake, store } = await setup(t, { vector: { m: 24, efConstruction: 200 } });
  await store.open(embedder);
  const template = fake.cluster.templates.get('onramp') as { index_patterns: string[]; priority: number; template: { mappings: { properties: Record<string, Record<string, unknown>> } } };
  t.same(template.index_patterns, ['onramp-*']);
  t.match(template.template.mappings.properties.vector, {
    type: 'dense_vector', dims: DIM, index: true, similarity: 'dot_product', index_options: { type: 'int8_hnsw', m: 24, ef_construction: 200 },
  });
  t.match(template.template.mappings.properties, { acl: { type: 'keyword' }, public: { type: 'boolean' }, kind: { type: 'keyword' }, sourceId: { type: 'keyword' }, title: { type: 'text' }, fields: { enabled: false } });
  const index = fake.cluster.indices.get('onramp-1');
  t.ok(index, 'the first index is onramp-1');
  t.same([...index!.aliases], ['onramp'], 'created with its alias in one call');
  t.match(index!.mappings, { _meta: { embedder: 'test-embedder', dimension: DIM, mapping_version: 2 }, dynamic: 'strict' }, 'the index took its mapping from the template');
  t.equal(fake.requests[0]!.operation, 'info', 'the version is checked first');
  await store.open(embedder);
  t.equal(fake.cluster.indices.size, 1, 'opening again reuses the index');
  t.ok(fake.requests.every((r) => r.body === undefined || /compatible-with=8/.test(String(r.headers['content-type']))), 'the 8.x client sends versioned media types');
});

t.test('finds by vector, keyword and hybrid only what the caller may read', async (t) => {
  const { fake, store } = await setup(t);
  await store.open(embedder);
  await store.upsert([person, engDoc, hrDoc]);
  await assertFindsOnlyReadable(t, store);

  const knn = bodies(fake, 'search').map((b) => b.knn as { filter: unknown[]; query_vector: number[]; k: number; num_candidates: number } | undefined).find((k) => k !== undefined && k.filter.length > 0)!;
  t.ok(knn.filter.length > 0, 'access control is a pre-filter inside the knn search');
  t.ok(knn.num_candidates >= knn.k, 'num_candidates is never below k');
  t.ok(Math.abs(Math.hypot(...knn.query_vector) - 1) < 1e-6, 'the query vector is sent at unit length (dot_product)');
  t.notOk(bodies(fake, 'search').some((b) => 'retriever' in b), 'hybrid is fused on the client by default: no RRF retriever sent');
  const stored = fake.cluster.indices.get('onramp-1')!.docs.get(person.id)!.source;
  t.same(stored.acl, [], 'a profile has no acl');
  t.equal(stored.public, true, 'and is public to every employee');
});

t.test('hybrid fuses BM25 and kNN: a document found by both halves beats one found by either alone', async (t) => {
  const { store } = await setup(t);
  await store.open(embedder);
  const both: IndexedItem = { ...engDoc, id: 'doc:both#0', sourceId: 'doc:both', title: 'Rollout guide', text: 'rollout rollout of services', vector: vec('rollout') };
  const keywordOnly: IndexedItem = { ...engDoc, id: 'doc:kw#0', sourceId: 'doc:kw', title: 'Notes', text: 'a rollout, among many other words about deployments and services', vector: vec('unrelated') };
  const vectorOnly: IndexedItem = { ...engDoc, id: 'doc:vec#0', sourceId: 'doc:vec', title: 'Elsewhere', text: 'nothing in common', vector: vec('rollout') };
  await store.upsert([both, keywordOnly, vectorOnly]);
  const hits = await store.search({ query: 'rollout', vector: vec('rollout'), k: 3, mode: 'hybrid', filter: { groups: 'all' } });
  t.equal(hits[0]!.id, both.id);
  t.same(hits.map((h) => h.id).sort(), [both.id, keywordOnly.id, vectorOnly.id].sort(), 'the union of both halves');
  t.ok(hits.every((h, i) => i === 0 || hits[i - 1]!.score >= h.score), 'ordered by fused score');
  t.ok(hits[0]!.score <= 1 && hits[0]!.score > 0, 'scores are the normalized combination');
});

t.test('ELASTICSEARCH_HYBRID=rrf sends the RRF retriever where the licence allows, and falls back where it does not', async (t) => {
  const enterprise = await setup(t, { hybrid: 'rrf' }, { license: 'enterprise' });
  await enterprise.store.open(embedder);
  await enterprise.store.upsert([person, engDoc, hrDoc]);
  const hits = await enterprise.store.search(search('deploy services', 'hybrid', ['platform-readers']));
  t.ok(hits.some((h) => h.id === engDoc.id) && !hits.some((h) => h.id === hrDoc.id), 'RRF honours the access filter in both retrievers');
  const rrf = bodies(enterprise.fake, 'search').at(-1)!;
  t.match(rrf, { retriever: { rrf: { retrievers: [{ standard: { query: { bool: { must: [{ multi_match: {} }] } } } }, { knn: { field: 'vector', filter: [{ bool: {} }] } }], rank_constant: 60 } } });
  t.notOk('query' in rrf || 'knn' in rrf, 'a retriever request carries no top-level query or knn');

  const platinum = await setup(t, { hybrid: 'rrf' }, { license: 'platinum' });
  await platinum.store.open(embedder);
  await platinum.store.upsert([person, engDoc, hrDoc]);
  const fallback = await platinum.store.search(search('deploy services', 'hybrid', ['platform-readers']));
  t.ok(fallback.some((h) => h.id === engDoc.id), 'refused for the licence (403), the query is answered by client-side fusion');
  const searches = platinum.fake.requests.filter((r) => r.operation === 'search').length;
  await platinum.store.search(search('deploy services', 'hybrid', ['platform-readers']));
  t.equal(platinum.fake.requests.filter((r) => r.operation === 'search').length, searches + 2, 'and the store does not try RRF again');

  const old = await setup(t, { hybrid: 'rrf' }, { version: '8.15.1', license: 'enterprise' });
  await t.rejects(old.store.open(embedder), { code: 'search_backend_version', message: /ELASTICSEARCH_HYBRID=rrf needs Elasticsearch 8\.16\.0/ });
});

t.test('refuses a cluster older than 8.12 or not Elasticsearch at all, at open', async (t) => {
  const old = await setup(t, {}, { version: '8.9.1' });
  await t.rejects(old.store.open(embedder), { code: 'search_backend_version', message: /8\.9\.1 is too old: onramp needs 8\.12\.0/ });
  const seven = await setup(t, {}, { version: '7.10.0' });
  await t.rejects(seven.store.open(embedder), { code: 'search_backend_version', message: /needs 8\.x/ });
  const impostor = await setup(t, {}, { omitProductHeader: true });
  await t.rejects(impostor.store.open(embedder), { code: 'search_backend_not_elasticsearch', message: /did not identify as Elasticsearch/ });
  t.equal(impostor.fake.cluster.indices.size, 0, 'nothing was created on it');
});

t.test('the fake holds Elasticsearch’s own rules: int8_hnsw needs 8.12, the knn vector must match dims', async (t) => {
  const { fake } = await setup(t, {}, { version: '8.11.0' });
  t.throws(() => fake.cluster.createIndex('x', { mappings: { properties: { v: { type: 'dense_vector', dims: 4, index_options: { type: 'int8_hnsw' } } } } }), { status: 400, type: 'mapper_parsing_exception', message: /Unknown vector index options type \[int8_hnsw\]/ });
  fake.cluster.createIndex('y', { mappings: { properties: { v: { type: 'dense_vector', dims: 4, similarity: 'dot_product', index_options: { type: 'hnsw' } } } } });
  t.throws(() => fake.cluster.indexDocument('y', '1', { v: [1, 1, 0, 0] }), { type: 'document_parsing_exception', message: /unit-length/ });
  t.throws(() => fake.cluster.search('y', { knn: { field: 'v', query_vector: [1, 0], k: 1, num_candidates: 10 } }), { status: 400, message: /different number of dimensions/ });
  t.throws(() => fake.cluster.search('y', { query: { match: { v: 'x' } } }), { type: 'parsing_exception', message: /unknown query \[match\]/ });
  t.throws(() => fake.cluster.search('y', { hybrid: {} }), { type: 'parsing_exception', message: /Unknown key for a START_OBJECT in \[hybrid\]/ }, 'an OpenSearch-only clause is refused');
  t.throws(() => fake.cluster.search('y', { retriever: { standard: {} } }), { type: 'parsing_exception', message: /retriever/ }, 'no retrievers before 8.14');
  fake.cluster.indexDocument('y', '2', { v: [1, 0, 0, 0], s: 'a' });
  fake.cluster.conflicting.add('2');
  const [status, body] = fake.cluster.deleteByQuery('y', { term: { s: 'a' } }, false);
  t.equal(status, 409, 'a version conflict without conflicts=proceed is a 409');
  t.match(body, { deleted: 0, version_conflicts: 1, failures: [{ status: 409, cause: { type: 'version_conflict_engine_exception' } }] });
  t.throws(() => fake.cluster.getIndices('missing'), { status: 404, type: 'index_not_found_exception', message: /no such index \[missing\]/ });
});

t.test('an index built with another embedder or dimension is a clear error at open, and a rebuild is the way out', async (t) => {
  const { fake, store, another } = await setup(t);
  await store.open(embedder);
  await store.upsert([engDoc]);
  const other = another();
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
  t.match(fake.cluster.resolve('onramp')[0]!.mappings, { _meta: { dimension: 16 } });
});

t.test('an index made with an older mapping version asks for `onramp reindex`, and a rebuild is the way out', async (t) => {
  const { fake, store, another } = await setup(t);
  await store.open(embedder);
  await store.upsert([hrDoc]);
  // What an index made by an onramp before mapping version 2 (no stemming) says of itself.
  (fake.cluster.indices.get('onramp-1')!.mappings as { _meta: Record<string, unknown> })._meta.mapping_version = 1;
  await assertReindexIsTheWayOut(t, another());
  t.match(fake.cluster.resolve('onramp')[0]!.mappings, { _meta: { mapping_version: 2 } });
  await another().open(embedder);
});

t.test('a rebuild for a newly trained embedder takes its dimension, and the store then writes with it', async (t) => {
  const { fake, store } = await setup(t);
  await store.open(embedder);
  await store.upsert([person]);
  const next = { name: 'local-lsa-256-abc', dimension: 16 };
  const target = await store.beginRebuild(next);
  await store.upsert([{ ...engDoc, vector: vec('deploy', 16) }], target);
  await store.upsert([hrDoc]);
  t.notOk(fake.cluster.indices.get(target.indexName)!.docs.has(hrDoc.id), 'a live write with the old model is not put into the new model’s index');
  await store.finishRebuild(target);
  t.match(fake.cluster.resolve('onramp')[0]!.mappings, { _meta: { embedder: 'local-lsa-256-abc', dimension: 16 } });
  await store.upsert([{ ...hrDoc, vector: vec('salary', 16) }]);
  await t.rejects(store.upsert([person]), { code: 'search_vector_dimension' }, 'old-model vectors are refused before they are sent');
});

t.test('two processes opening at once create one index', async (t) => {
  const { fake, store, another } = await setup(t);
  await Promise.all([store.open(embedder), another().open(embedder)]);
  t.same([...fake.cluster.indices.keys()], ['onramp-1']);
  // The losing side, deterministically: it saw no index twice, then is told the index exists.
  const third = another();
  fake.fail('indices.get', 404, 'index_not_found_exception', 'no such index [onramp]', 2);
  const creates = fake.operations().filter((o) => o === 'indices.create').length;
  await third.open(embedder);
  t.equal(fake.operations().filter((o) => o === 'indices.create').length, creates + 1, 'it tried to create the index and got resource_already_exists_exception');
  t.same([...fake.cluster.indices.keys()], ['onramp-1'], 'and adopted the one that exists');
  await t.rejects(third.open({ name: 'other', dimension: DIM }), SearchIndexMismatch);
});

t.test('429 is retried with backoff (Retry-After honoured); what stays throttled is retryable, a rejected document is not', async (t) => {
  const sleeps: number[] = [];
  const { fake, store } = await setup(t, { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5_000, sleep: async (ms) => void sleeps.push(ms) } });
  await store.open(embedder);
  await store.upsert([person, engDoc, hrDoc]);
  fake.fail('search', 429, 'es_rejected_execution_exception', 'rejected execution of TimedRunnable on search pool', 2, 1);
  const hits = await store.search(search('deploy', 'keyword', 'all'));
  t.ok(hits.length > 0, 'the search succeeds after two 429s');
  t.same(sleeps, [1000, 1000], 'waited as Retry-After said');
  fake.fail('search', 429, 'es_rejected_execution_exception', 'search pool is full', 3);
  await t.rejects(store.search(search('deploy', 'keyword', 'all')), RetryableError, 'still throttled after the attempts: retryable');

  const bulksBefore = fake.operations().filter((o) => o === 'bulk').length;
  fake.failItems([engDoc.id], 429, 'es_rejected_execution_exception', 'rejected execution of coordinating operation', 1);
  await store.upsert([person, engDoc]);
  const resent = bodies(fake, 'bulk').slice(bulksBefore);
  t.equal(resent.length, 2, 'a second bulk request');
  t.equal((resent[1] as unknown as unknown[]).length, 2, 'carrying only the throttled document');
  fake.failItems([engDoc.id], 429, 'es_rejected_execution_exception', 'rejected execution of coordinating operation');
  const throttled = await store.upsert([engDoc]).catch((e: unknown) => e);
  t.type(throttled, ElasticsearchBulkThrottled);
  t.type(throttled, RetryableError);

  fake.failItems([hrDoc.id], 400, 'document_parsing_exception', 'failed to parse field [department] of type [keyword]');
  const rejected = await store.upsert([hrDoc]).catch((e: unknown) => e);
  t.type(rejected, ElasticsearchBulkRejected);
  t.type(rejected, PermanentError);
  t.match((rejected as Error).message, /doc:oss:\/\/hr\/salaries\.md#0 → 400 document_parsing_exception/);
  await t.rejects(store.upsert([{ ...person, vector: vec('x', 4) }]), { code: 'search_vector_dimension' }, 'a wrong vector never reaches Elasticsearch');
});

t.test('Elasticsearch itself rejects a document that breaks the strict mapping or the vector rules', async (t) => {
  const { fake, store } = await setup(t);
  await store.open(embedder);
  const properties = fake.cluster.indices.get('onramp-1')!.mappings.properties as Record<string, Record<string, unknown>>;
  properties.vector = { ...properties.vector, dims: 4 };
  const error = await store.upsert([engDoc]).catch((e: unknown) => e);
  t.type(error, ElasticsearchBulkRejected);
  t.match((error as ElasticsearchBulkRejected).failures, [{ status: 400, type: 'document_parsing_exception', reason: /different number of dimensions \[8\] than defined in the mapping \[4\]/ }]);
  delete properties.public;
  const strict = await store.upsert([{ ...engDoc, vector: vec('x', 8) }]).catch((e: unknown) => e);
  t.match((strict as ElasticsearchBulkRejected).failures, [{ type: 'strict_dynamic_mapping_exception' }]);
});

t.test('deleteBySource removes every chunk of a document, even ones written a moment ago; conflicts do not fail it', async (t) => {
  const { fake, store } = await setup(t);
  fake.cluster.autoRefresh = false;
  await store.open(embedder);
  const chunks = [0, 1, 2].map((i) => ({ ...engDoc, id: `${engDoc.sourceId}#${i}`, text: `chunk ${i} about deploying` }));
  await store.upsert([...chunks, hrDoc]);
  await store.deleteBySource(engDoc.sourceId);
  t.same([...fake.cluster.indices.get('onramp-1')!.docs.keys()], [hrDoc.id], 'all three chunks are gone, the other document stays');
  const ops = fake.operations();
  t.ok(ops.lastIndexOf('indices.refresh') < ops.lastIndexOf('delete_by_query'), 'refreshes before delete_by_query, which only sees refreshed documents');
  t.match(fake.requests.find((r) => r.operation === 'delete_by_query')!.path, /conflicts=proceed/);

  fake.cluster.conflicting.add(hrDoc.id);
  await store.deleteBySource(hrDoc.sourceId);
  t.ok(fake.cluster.indices.get('onramp-1')!.docs.has(hrDoc.id), 'a document changed meanwhile (409) is left to the newer write');
  fake.fail('delete_by_query', 404, 'index_not_found_exception', 'no such index [onramp]');
  await t.rejects(store.deleteBySource(hrDoc.sourceId), { code: 'search_backend_rejected', message: /404: index_not_found_exception/ });
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
  const live = (await store.search(search('ada deploy salary', 'keyword', 'all'))).map((h) => h.id).sort();
  t.same(live, [hrDoc.id, person.id].sort(), 'until the swap, searches see the old index');
  await store.finishRebuild(target);
  t.same([...fake.cluster.indices.keys()], ['onramp-1700000000000'], 'the old index is deleted');
  const after = (await store.search(search('ada deploy salary', 'keyword', 'all'))).map((h) => h.id).sort();
  t.same(after, [engDoc.id, hrDoc.id].sort(), 'after the swap: the rebuilt content plus the write made during the rebuild');
  t.same(bodies(fake, 'indices.update_aliases')[0], { actions: [{ remove: { index: 'onramp-1', alias: 'onramp' } }, { add: { index: 'onramp-1700000000000', alias: 'onramp' } }] }, 'remove and add in one atomic call');

  fake.fail('indices.delete', 403, 'cluster_block_exception', 'index [onramp-1700000000000] blocked by: [FORBIDDEN/8/index write (api)]');
  const next = await store.beginRebuild();
  await store.upsert([person], next);
  await store.finishRebuild(next);
  t.same([...fake.cluster.indices.get(next.indexName)!.aliases], ['onramp'], 'a replaced index that cannot be deleted does not undo the swap');
  t.same([...fake.cluster.indices.get('onramp-1700000000000')!.aliases], [], 'it is left behind, out of the alias');
});

t.test('sends basic-auth credentials and maps failures to retryable or permanent errors', async (t) => {
  const { fake, store } = await setup(t, { username: 'elastic', password: 's3cret' });
  await store.open(embedder);
  t.equal(fake.requests[0]!.headers.authorization, `Basic ${Buffer.from('elastic:s3cret').toString('base64')}`);
  fake.fail('search', 503, 'search_phase_execution_exception', 'all shards failed', 3);
  await t.rejects(store.search(search('deploy', 'keyword', 'all')), RetryableError);
  fake.fail('search', 400, 'parsing_exception', 'bad query');
  await t.rejects(store.search(search('deploy', 'keyword', 'all')), { code: 'search_backend_rejected', message: /400: parsing_exception: bad query/ });
  await fake.close();
  await t.rejects(store.search(search('deploy', 'keyword', 'all')), RetryableError, 'connection refused is retryable');
});

t.test('SEARCH_BACKEND=elasticsearch wires this store from the configuration', async (t) => {
  const fake = await startFakeElasticsearch();
  const home = await mkdtemp(join(tmpdir(), 'onramp-es-'));
  const runtime = await createSearch(loadConfig({ SEARCH_BACKEND: 'elasticsearch', ELASTICSEARCH_URL: fake.url, ELASTICSEARCH_REPLICAS: '0', ELASTICSEARCH_KNN_INDEX_TYPE: 'hnsw', ONRAMP_HOME: home }), silentLogger);
  t.teardown(async () => {
    await runtime.close();
    await fake.close();
    await rm(home, { recursive: true, force: true });
  });
  await runtime.store.open(runtime.embedder);
  const index = fake.cluster.indices.get('onramp-1')!;
  t.match(index.mappings, { _meta: { embedder: runtime.embedder.name, dimension: runtime.embedder.dimension }, properties: { vector: { index_options: { type: 'hnsw' } } } });
  t.match(index.settings, { number_of_replicas: 0 });
});

t.test('a trained local model is stored in <alias>.models, and a host with an empty disk embeds with it, pinned to its index', async (t) => {
  const fake = await startFakeElasticsearch();
  const homes = await Promise.all([mkdtemp(join(tmpdir(), 'onramp-es-a-')), mkdtemp(join(tmpdir(), 'onramp-es-b-'))]);
  const config = (home: string) => loadConfig({ SEARCH_BACKEND: 'elasticsearch', ELASTICSEARCH_URL: fake.url, ELASTICSEARCH_REPLICAS: '0', ELASTICSEARCH_KNN_INDEX_TYPE: 'hnsw', ONRAMP_HOME: home });
  const reindexer = await createSearch(config(homes[0]), silentLogger);
  t.teardown(async () => {
    await reindexer.close();
    await fake.close();
    await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
  });
  await reindexer.store.open(reindexer.embedder);
  const texts = Array.from({ length: 100 }, (_, i) => `topic${i % 10} ${Array.from({ length: 20 }, (_, w) => `w${(i * 7 + w * 3) % 90}`).join(' ')}`);
  const trained = await reindexer.train!(texts);
  t.match(trained.embedder.name, /^local-lsa-256-/);
  t.ok(fake.cluster.indices.get('onramp.models')?.docs.has(trained.embedder.name), 'stored in the engine before any index names it');
  const target = await reindexer.store.beginRebuild(trained.embedder);
  const vectors = await trained.embedder.embed(texts, 'passage');
  await reindexer.store.upsert(texts.map((text, i) => ({ id: `doc:${i}#0`, sourceId: `doc:${i}`, kind: 'document', title: '', text, acl: null, vector: vectors[i]! })), target);
  await reindexer.store.finishRebuild(target);
  await trained.commit();

  const host = await createSearch(config(homes[1]), silentLogger);
  t.teardown(() => host.close());
  t.equal(host.embedder.name, trained.embedder.name, 'the other host starts with the model the live index names');
  await host.store.open(host.embedder);
  const answer = await host.query!({ query: `\n${texts[3]!}`, k: 1, mode: 'vector', filter: { groups: 'all' } });
  t.same({ embedder: answer.embedder, index: answer.index, top: answer.hits[0]?.id }, { embedder: trained.embedder.name, index: target.indexName, top: 'doc:3#0' });
  const searched = fake.requests.filter((r) => r.operation === 'search').at(-1)!;
  t.match(searched.path, new RegExp(`^/${target.indexName}/_search`), 'searched the concrete index, not the alias');
});
