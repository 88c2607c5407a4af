import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t, { type Test } from 'tap';
import { appendEvents, createConsumerWorker, listDeadLetters, silentLogger, type DocsRoots, type StoredEvent } from '@onramp/core';
import { freshDatabase, freshPrefix, startTestDelivery, TEST_REDIS, waitFor } from '@onramp/core/testing';
import { createEmbeddedStore, createLocalEmbedder } from '@onramp/search';
import { indexerConsumer } from '@onramp/indexer';

let seq = 0;
const published = (data: Record<string, unknown>): StoredEvent => ({
  seq: ++seq,
  recordedAt: new Date(),
  specversion: '1.0',
  id: `e${seq}`,
  source: 'onramp/docs',
  type: 'Document.Published',
  data,
  extensions: {},
});

const context = { attempt: 1, maxAttempts: 8, redelivery: undefined, forced: false, logger: silentLogger, recordWith: () => undefined };

/** A documents root of the test's own, and a folder beside it that is not a root. */
async function folders(t: Test) {
  const base = await mkdtemp(join(tmpdir(), 'onramp-doc-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  const docsRoots: DocsRoots = { paths: [root], buckets: ['kb-bucket'] };
  return { root, outside, docsRoots };
}

async function indexer(t: Test) {
  const { root, outside, docsRoots } = await folders(t);
  const store = createEmbeddedStore();
  const embedder = createLocalEmbedder();
  await store.open(embedder);
  return { root, outside, docsRoots, store, embedder, handle: indexerConsumer({ store, embedder, docsRoots }).handle };
}

t.test('a re-published document replaces its old chunks; HTML and file locations are read', async (t) => {
  const { root, store, embedder, handle } = await indexer(t);
  const long = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} about the zeppelin hangar and its doors.`.repeat(5)).join('\n\n');
  const [outcome] = await handle(published({ uri: 'kb://hangar', title: 'Hangar', text: long, acl: ['g'] }), context);
  t.match(outcome, { type: 'onramp.index.DocumentIndexed', data: { uri: 'kb://hangar', embedder: embedder.name } });
  const chunks = (outcome!.data as { chunks: number }).chunks;
  t.ok(chunks > 1, `a long document is chunked (${chunks})`);
  t.equal(store.size, chunks);

  await handle(published({ uri: 'kb://hangar', title: 'Hangar', text: 'The hangar moved to a new airfield.', acl: ['g'] }), context);
  t.equal(store.size, 1, 'old chunks are gone');
  const hits = await store.search({ query: 'zeppelin', k: 10, mode: 'keyword', filter: { groups: 'all' } });
  t.same(hits, [], 'no stale chunk answers');

  const page = join(root, 'page.html');
  await writeFile(page, '<html><head><style>.x{color:red}</style></head><body><h1>Runbook</h1><p>Restart the ingest&nbsp;service &amp; check queues.</p><script>alert(1)</script></body></html>');
  await handle(published({ uri: 'kb://runbook', title: 'Runbook', location: pathToFileURL(page).href, acl: ['ops'] }), context);
  const [runbook] = await store.search({ query: 'restart ingest', k: 1, mode: 'keyword', filter: { groups: ['ops'] } });
  t.equal(runbook?.title, 'Runbook');
  t.notMatch(runbook?.snippet ?? '', /<|alert|color/, 'tags, scripts and styles are dropped');
  t.match(runbook?.snippet ?? '', /ingest service & check queues/);

  await t.rejects(handle(published({ uri: 'kb://remote', title: 'Remote', location: 'https://example.com/x', acl: [] }), context), {
    code: 'location_unsupported',
  }, 'a location the indexer cannot read is a permanent failure');
});

t.test('the indexer reads no location outside the documents roots, whatever the event says', async (t) => {
  const { root, outside, store, handle } = await indexer(t);
  const secret = join(outside, 'secret.md');
  await writeFile(secret, 'ADMIN_TOKEN=do-not-index-me');
  await symlink(secret, join(root, 'link.md'));
  await mkdir(join(root, '.git'));
  await writeFile(join(root, '.git', 'config'), 'hidden files are not documents');
  const refused = {
    'file:///proc/self/environ': 'location_forbidden',
    'file:///etc/passwd': 'location_forbidden',
    [pathToFileURL(secret).href]: 'location_forbidden',
    [pathToFileURL(join(root, 'link.md')).href]: 'location_forbidden',
    [pathToFileURL(join(root, '..', 'outside', 'secret.md')).href]: 'location_forbidden',
    [pathToFileURL(join(root, '.git', 'config')).href]: 'location_forbidden',
    [pathToFileURL(join(root, 'missing.md')).href]: 'location_unreadable',
    'oss://other-bucket/secret.md': 'location_forbidden',
    'oss://kb-bucket/guide.md': 'location_unsupported',
  };
  for (const [location, code] of Object.entries(refused)) {
    await t.rejects(handle(published({ uri: location, title: 'x', location, acl: ['x'] }), context), { code }, location);
  }
  t.equal(store.size, 0, 'nothing was indexed');
});

t.test('a Document.Published already in the log naming a file outside the roots is dead-lettered, not read', async (t) => {
  const { outside, docsRoots, store, embedder } = await indexer(t);
  const { db, drop } = await freshDatabase('indexerroots');
  const prefix = freshPrefix('indexerroots');
  const worker = createConsumerWorker(indexerConsumer({ store, embedder, docsRoots }), { db, redisUrl: TEST_REDIS, prefix, logger: silentLogger });
  const delivery = await startTestDelivery(db, TEST_REDIS, prefix, silentLogger);
  t.teardown(async () => {
    await worker.close();
    await delivery.close();
    await drop();
  });
  await worker.start();
  const secret = join(outside, 'tokens.md');
  await writeFile(secret, 'INGEST_TOKEN=never-searchable');
  // As an older onramp would have let a door append it.
  const old = published({ uri: 'kb://environ', title: 'env', location: pathToFileURL(secret).href, acl: ['x'] });
  await appendEvents(db, [{ ...old, source: 'com.aliyun.idaas' }]);
  const [letter] = await waitFor(async () => {
    const letters = await listDeadLetters(db, 'indexer');
    return letters.length > 0 ? letters : undefined;
  }, 15_000, 'the dead letter');
  t.match(letter, { consumer: 'indexer', code: 'location_forbidden', attempts: 1 });
  t.equal(store.size, 0, 'nothing from the file reached the index');
});
