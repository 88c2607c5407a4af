import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { silentLogger, type StoredEvent } from '@onramp/core';
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

const context = { attempt: 1, maxAttempts: 8, redelivery: undefined, forced: false, logger: silentLogger };

t.test('a re-published document replaces its old chunks; HTML and file locations are read', async (t) => {
  const store = createEmbeddedStore();
  const embedder = createLocalEmbedder();
  await store.open(embedder);
  const { handle } = indexerConsumer({ store, embedder });
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

  const dir = await mkdtemp(join(tmpdir(), 'onramp-doc-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const page = join(dir, 'page.html');
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
