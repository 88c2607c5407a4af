import t from 'tap';
import { loadConfig } from '@onramp/core';
import { createOpenSearchStore } from '@onramp/search';
import { main } from '../src/main.js';
import { trainCommand } from '../src/train-command.js';
import { fakeEmbedding, startFakeOpenSearch } from '../../search/test/helpers/fake-opensearch.js';

t.test('onramp train trains from the index behind the alias and reports progress', async (t) => {
  const fake = await startFakeOpenSearch();
  t.teardown(() => fake.close());
  const store = createOpenSearchStore({ url: fake.url, index: 'onramp', replicas: 0 });
  await store.open({ name: 'pai-eas:bge', dimension: 768 });
  await store.upsert([{ id: 'person:1', sourceId: 'person:1', kind: 'person', title: 'Ada', text: 'Ada', acl: null, vector: Float32Array.from(fakeEmbedding('a', 768)) }]);
  await store.close();
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`), isTty: false };
  const config = loadConfig({ SEARCH_BACKEND: 'opensearch', OPENSEARCH_URL: fake.url });
  await trainCommand(config, io, { modelId: 'big-corpus', nlist: 256 }, { pollIntervalMs: 1, sleep: async () => {} });
  t.match(lines[0], /training k-NN model big-corpus from onramp-1\.vector \(768 dimensions, faiss IVF-PQ\)/);
  t.match(lines.at(-1), /model big-corpus created in \d+ s/);
  t.match(fake.requests.find((r) => r.operation === 'knn.train_model')!.body, { training_index: 'onramp-1', method: { parameters: { nlist: 256 } } });
  t.same(fake.violations, []);
});

t.test('onramp train without OpenSearch configured says what is missing', async (t) => {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), isTty: false };
  const saved = process.env.OPENSEARCH_URL;
  delete process.env.OPENSEARCH_URL;
  t.teardown(() => {
    if (saved !== undefined) process.env.OPENSEARCH_URL = saved;
  });
  t.equal(await main(['train', '--model-id', 'x'], io), 78);
  t.match(lines.join('\n'), /OPENSEARCH_URL is required for onramp train/);
  t.equal(await main(['train', '--nlist', 'many'], io), 2, 'a malformed flag is a usage error');
});
