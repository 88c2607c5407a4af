// The items and requests the OpenSearch store tests share, against the fake and against the real node.
import type { Test } from 'tap';
import { SearchIndexMismatch, type IndexedItem, type SearchRequest, type VectorStore } from '@onramp/search';
import { fakeEmbedding } from './fake-opensearch.js';

export const DIM = 8;
export const embedder = { name: 'test-embedder', dimension: DIM };
export const vec = (text: string, dimension = DIM) => Float32Array.from(fakeEmbedding(text, dimension));

export const person: IndexedItem = {
  id: 'person:u1', sourceId: 'person:u1', kind: 'person', title: 'Ada Lovelace', text: 'Ada Lovelace, platform engineering, Hangzhou',
  department: 'Platform', acl: null, vector: vec('ada'), fields: { location: 'Hangzhou' },
};
export const engDoc: IndexedItem = {
  id: 'doc:oss://docs/deploy.md#0', sourceId: 'doc:oss://docs/deploy.md', kind: 'document', title: 'Deploying services', text: 'How to deploy services on ECS with Terraform',
  department: 'Platform', acl: ['platform-readers'], vector: vec('deploy'),
};
export const hrDoc: IndexedItem = {
  id: 'doc:oss://hr/salaries.md#0', sourceId: 'doc:oss://hr/salaries.md', kind: 'document', title: 'Salary bands', text: 'Salary bands and how to deploy a raise',
  department: 'HR', acl: ['hr-readers'], vector: vec('salary'),
};

/** A request of k = 5 whose vector is the query's fake embedding. */
export const search = (query: string, mode: SearchRequest['mode'], groups: string[] | 'all', extra: Partial<SearchRequest['filter']> = {}): SearchRequest => ({
  query, vector: vec(query), k: 5, mode, filter: { groups, ...extra },
});

/** With person, engDoc and hrDoc indexed: every mode returns what the caller's groups may read, and only that. */
export async function assertFindsOnlyReadable(t: Test, store: VectorStore): Promise<void> {
  for (const mode of ['vector', 'keyword', 'hybrid'] as const) {
    const query = mode === 'vector' ? 'deploy' : 'deploy services';
    const hits = await store.search(search(query, mode, ['platform-readers']));
    const ids = hits.map((h) => h.id);
    t.ok(ids.includes(engDoc.id), `${mode}: finds the document the caller's group may read`);
    t.notOk(ids.includes(hrDoc.id), `${mode}: never returns a document of another group`);
    const all = await store.search(search(query, mode, 'all'));
    t.ok(all.map((h) => h.id).includes(hrDoc.id), `${mode}: with authentication disabled, everything is searchable`);
  }
  const vectorHits = await store.search(search('deploy', 'vector', ['platform-readers']));
  t.equal(vectorHits[0]!.id, engDoc.id, 'the nearest neighbour comes first');
  t.match(vectorHits[0], { sourceId: engDoc.sourceId, kind: 'document', title: 'Deploying services', department: 'Platform', snippet: engDoc.text });
  const profiles = await store.search(search('ada', 'vector', []));
  t.same(profiles.map((h) => h.id), [person.id], 'a caller with no groups sees profiles only');
  t.same(profiles[0]!.fields, { location: 'Hangzhou' });
  const hr = await store.search(search('deploy', 'keyword', ['hr-readers'], { kind: 'document', department: 'HR' }));
  t.same(hr.map((h) => h.id), [hrDoc.id], 'kind and department filter too');
}

/** An index that `open(embedder)` cannot use is refused, for searches and writes too, until a rebuild with hrDoc swaps in a good one. */
export async function assertReindexIsTheWayOut(t: Test, store: VectorStore): Promise<void> {
  const error = await store.open(embedder).catch((e: unknown) => e);
  t.type(error, SearchIndexMismatch);
  t.match((error as Error).message, /onramp reindex/);
  await t.rejects(store.search(search('salaries', 'keyword', 'all')), SearchIndexMismatch, 'no answers from an index built another way');
  await t.rejects(store.upsert([hrDoc]), SearchIndexMismatch, 'no writes into it either');
  const target = await store.beginRebuild();
  await store.upsert([hrDoc], target);
  await store.finishRebuild(target);
  t.same((await store.search(search('salaries', 'keyword', 'all'))).map((h) => h.id), [hrDoc.id], 'the rebuilt index serves, stemming "salaries" as "salary"');
}
