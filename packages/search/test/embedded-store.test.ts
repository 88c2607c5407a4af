import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createEmbeddedStore, type IndexedItem, type SearchFilter } from '@onramp/search';

const DIM = 8;
const embedder = { name: 'test-embedder', dimension: DIM };

function unit(seed: number): Float32Array {
  const v = Float32Array.from({ length: DIM }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function doc(i: number, acl: string[] | null, extra: Partial<IndexedItem> = {}): IndexedItem {
  return { id: `doc:${i}#0`, sourceId: `doc:${i}`, kind: 'document', title: `Doc ${i}`, text: `text number ${i} about topic${i % 10}`, acl, vector: unit(i), ...extra };
}

const everyone: SearchFilter = { groups: 'all' };

t.test('filtered vector search returns k readable hits whenever k readable items exist', async (t) => {
  // One group for each route: few readable items (exact scan of them), a broad share (wide unfiltered
  // graph search), a narrow share above the exact threshold (hnswlib's filtered walk).
  const store = createEmbeddedStore({ hnsw: { m: 8, efConstruction: 64, efSearch: 16, exactBelow: 200 } });
  await store.open(embedder);
  const everyNth: Record<string, number> = { rare: 50, half: 2, narrow: 25 };
  const groupsOf = (i: number) => Object.keys(everyNth).filter((g) => i % everyNth[g]! === 0);
  await store.upsert(Array.from({ length: 6000 }, (_, i) => doc(i, ['other', ...groupsOf(i)])));
  for (const group of Object.keys(everyNth)) {
    for (let q = 0; q < 20; q++) {
      const hits = await store.search({ query: 'x', vector: unit(10_000 + q), k: 10, mode: 'vector', filter: { groups: [group] } });
      t.equal(hits.length, 10, `${group}: k hits`);
      if (!hits.every((h) => Number(h.sourceId.slice(4)) % everyNth[group]! === 0)) t.fail(`${group}: an unreadable hit came back`);
    }
  }
  const none = await store.search({ query: 'x', vector: unit(1), k: 10, mode: 'vector', filter: { groups: ['nobody'] } });
  t.same(none, [], 'no readable item, no hit');
  const few = await store.search({ query: 'text', k: 10, mode: 'hybrid', vector: unit(1), filter: { groups: ['rare'], kind: 'document' } });
  t.ok(few.length > 0 && few.every((h) => Number(h.sourceId.slice(4)) % 50 === 0), 'hybrid honours the acl too');
});

t.test('profiles (acl null) are visible to every caller; kind and department filter', async (t) => {
  const store = createEmbeddedStore();
  await store.open(embedder);
  await store.upsert([
    { id: 'person:1', sourceId: 'person:1', kind: 'person', title: 'Ada', text: 'Title: Engineer', department: 'Platform', acl: null, vector: unit(1) },
    doc(2, ['secret']),
  ]);
  const hits = await store.search({ query: 'engineer', k: 5, mode: 'keyword', filter: { groups: [] } });
  t.same(hits.map((h) => h.id), ['person:1']);
  const filtered = await store.search({ query: 'x', vector: unit(1), k: 5, mode: 'vector', filter: { groups: 'all', department: 'platform' } });
  t.same(filtered.map((h) => h.id), ['person:1'], 'department filter is case-insensitive');
  const docs = await store.search({ query: 'x', vector: unit(1), k: 5, mode: 'vector', filter: { groups: 'all', kind: 'document' } });
  t.same(docs.map((h) => h.id), ['doc:2#0']);
});

t.test('a change of who may read an item holds for the very next query of a filter already used', async (t) => {
  // Filters used before are answered from per-filter readable sets kept current on every write.
  const store = createEmbeddedStore({ hnsw: { exactBelow: 10 } });
  await store.open(embedder);
  await store.upsert(Array.from({ length: 300 }, (_, i) => doc(i, i % 3 === 0 ? ['finance'] : ['other'])));
  const finance: SearchFilter = { groups: ['finance'] };
  const ids = async (mode: 'keyword' | 'vector' | 'hybrid') => (await store.search({ query: 'topic3 topic4 topic6', vector: unit(3), k: 300, mode, filter: finance })).map((h) => h.id);
  for (const mode of ['keyword', 'vector', 'hybrid'] as const) t.ok((await ids(mode)).includes('doc:3#0'), `${mode}: readable at first`);
  await store.upsert([doc(3, ['other']), doc(4, ['finance'])]);
  await store.deleteBySource('doc:6');
  for (const mode of ['keyword', 'vector', 'hybrid'] as const) {
    const now = await ids(mode);
    t.notOk(now.includes('doc:3#0'), `${mode}: an item moved out of the group is gone`);
    t.notOk(now.includes('doc:6#0'), `${mode}: a deleted item is gone`);
    t.ok(now.includes('doc:4#0'), `${mode}: an item moved into the group is found`);
  }
});

t.test('upserts are idempotent and deleteBySource removes every chunk', async (t) => {
  const store = createEmbeddedStore();
  await store.open(embedder);
  const chunks = [0, 1, 2].map((c) => ({ ...doc(7, null), id: `doc:7#${c}`, text: `chunk ${c} zebra` }));
  await store.upsert(chunks);
  await store.upsert(chunks);
  t.equal(store.size, 3);
  t.equal((await store.search({ query: 'zebra', k: 10, mode: 'keyword', filter: everyone })).length, 3);
  await store.deleteBySource('doc:7');
  t.equal(store.size, 0);
  t.same(await store.search({ query: 'zebra', k: 10, mode: 'hybrid', vector: unit(7), filter: everyone }), []);
  await store.upsert([doc(8, null)]);
  t.equal((await store.search({ query: 'x', vector: unit(8), k: 1, mode: 'vector', filter: everyone }))[0]?.id, 'doc:8#0', 'a freed slot is reused');
});

t.test('the index persists on disk, and another embedder is refused with a clear message', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-store-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const first = createEmbeddedStore({ directory: dir });
  await first.open(embedder);
  await first.upsert(Array.from({ length: 50 }, (_, i) => doc(i, ['g'])));
  await first.deleteBySource('doc:3');
  await first.close();

  const second = createEmbeddedStore({ directory: dir });
  await second.open(embedder);
  t.equal(second.size, 49);
  const hits = await second.search({ query: 'x', vector: unit(5), k: 1, mode: 'vector', filter: { groups: ['g'] } });
  t.equal(hits[0]?.id, 'doc:5#0');
  await second.close();

  const other = createEmbeddedStore({ directory: dir });
  await t.rejects(other.open({ name: 'another-model', dimension: 768 }), { code: 'index_mismatch', message: /another-model.*768 dimensions.*onramp reindex/ });
  await other.close();
});

t.test('a rebuild swaps in without a failed query and keeps writes made meanwhile', async (t) => {
  const store = createEmbeddedStore();
  await store.open(embedder);
  await store.upsert(Array.from({ length: 200 }, (_, i) => doc(i, null)));
  await new Promise((resolve) => setTimeout(resolve, 5));
  let failures = 0;
  let queries = 0;
  let running = true;
  const load = (async () => {
    while (running) {
      try {
        const hits = await store.search({ query: 'topic3', vector: unit(3), k: 5, mode: 'hybrid', filter: everyone });
        if (hits.length === 0) failures++;
      } catch {
        failures++;
      }
      queries++;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const target = await store.beginRebuild();
  for (let i = 0; i < 200; i += 20) {
    await store.upsert(Array.from({ length: 20 }, (_, j) => doc(i + j, null, { title: `Rebuilt ${i + j}` })), target);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await store.upsert([doc(999, null)]); // the live indexer writes during the rebuild
  await store.finishRebuild(target);
  running = false;
  await load;
  t.equal(failures, 0, `no failed or empty query out of ${queries}`);
  t.equal(store.live?.name, target.indexName);
  t.equal(store.size, 201, 'the write made during the rebuild was carried over');
  const [hit] = await store.search({ query: 'x', vector: unit(4), k: 1, mode: 'vector', filter: everyone });
  t.equal(hit?.title, 'Rebuilt 4');
});

t.test('a swap made by another process is picked up, with this process’s recent writes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-swap-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const running = createEmbeddedStore({ directory: dir, watchIntervalMs: 50 });
  t.teardown(() => running.close());
  await running.open(embedder);
  await running.upsert([doc(1, null)]);
  await new Promise((resolve) => setTimeout(resolve, 5));

  const reindexer = createEmbeddedStore({ directory: dir });
  await reindexer.open(embedder);
  const target = await reindexer.beginRebuild();
  await reindexer.upsert([doc(1, null, { title: 'From the log' })], target);
  await running.upsert([doc(2, null)]); // arrives while the other process rebuilds
  await reindexer.finishRebuild(target);
  await reindexer.close();

  for (let i = 0; i < 100 && running.live?.name !== target.indexName; i++) await new Promise((r) => setTimeout(r, 20));
  t.equal(running.live?.name, target.indexName, 'the running store moved to the new index');
  await new Promise((r) => setTimeout(r, 50));
  const ids = (await running.search({ query: 'text', k: 10, mode: 'keyword', filter: everyone })).map((h) => h.id).sort();
  t.same(ids, ['doc:1#0', 'doc:2#0']);
  const [one] = await running.search({ query: 'x', vector: unit(1), k: 1, mode: 'vector', filter: everyone });
  t.equal(one?.title, 'From the log');
});
