import t from 'tap';
import { createRegistry, silentLogger } from '@onramp/core';
import { createEmbeddedStore, createLocalEmbedder, embedWithModel, hashModel, trainLocalModel, type Embedder, type LocalEmbedder, type SearchRequest } from '@onramp/search';
import { createQueryEmbeddingCache } from '@onramp/search';
import { buildSearchApp, createAuthenticator } from '@onramp/search-api';

const DIMENSION = 16;
const WORDS = 'wing flow boundary layer pressure shock nozzle heat transfer laminar turbulent mach supersonic drag lift panel buckling shell cylinder plate vortex wake jet cone blunt body slender delta'.split(' ');
/** Texts with enough distinct terms for the LSA model to train (else it falls back to hashing). */
const CORPUS = Array.from({ length: 80 }, (_, i) => Array.from({ length: 6 }, (_, j) => WORDS[(i * (j + 3) + j * 7) % WORDS.length]).join(' '));

/** The local embedder, with every call it is asked for counted. */
function counted(local: LocalEmbedder): { embedder: Embedder; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    embedder: {
      get name() {
        return local.name;
      },
      get dimension() {
        return local.dimension;
      },
      embed(texts, purpose) {
        calls.push(texts);
        return local.embed(texts, purpose);
      },
    },
  };
}

t.test('a repeated query is embedded once; a model swap embeds it again with the new model', async (t) => {
  const local = createLocalEmbedder(hashModel(DIMENSION));
  const { embedder, calls } = counted(local);
  const cache = createQueryEmbeddingCache(embedder);
  const first = await cache.embed('shock wave');
  t.same(await cache.embed('shock wave'), first);
  t.equal(calls.length, 1, 'the second ask is answered from the cache');

  const trained = trainLocalModel(CORPUS, { dimension: DIMENSION, minTexts: 8 });
  t.not(trained.name, local.name, 'a trained model, same dimension, another name');
  local.use(trained);
  const after = await cache.embed('shock wave');
  t.equal(calls.length, 2, 'after the swap the query is embedded again');
  t.same(after, embedWithModel(trained, 'shock wave'), "the new model's vector");
  t.notSame(after, first, 'not the old vector');
  t.equal(cache.size, 1, "the old model's entries are dropped");
});

t.test('bounded: the least recently used entry goes first', async (t) => {
  const { embedder, calls } = counted(createLocalEmbedder(hashModel(DIMENSION)));
  const cache = createQueryEmbeddingCache(embedder, 2);
  await cache.embed('a');
  await cache.embed('b');
  await cache.embed('a'); // a is now the most recent
  await cache.embed('c'); // evicts b
  t.equal(cache.size, 2);
  t.equal(calls.length, 3);
  await cache.embed('a');
  t.equal(calls.length, 3, 'a stayed');
  await cache.embed('b');
  t.equal(calls.length, 4, 'b was evicted and is embedded again');
});

t.test('a vector embedded while the model changed is not remembered', async (t) => {
  const local = createLocalEmbedder(hashModel(DIMENSION));
  const trained = trainLocalModel(CORPUS, { dimension: DIMENSION, minTexts: 8 });
  const { embedder, calls } = counted(local);
  const swapping: Embedder = {
    get name() {
      return embedder.name;
    },
    dimension: DIMENSION,
    async embed(texts, purpose) {
      const vectors = await embedder.embed(texts, purpose);
      if (calls.length === 1) local.use(trained); // the swap lands while the first query is being embedded
      return vectors;
    },
  };
  const cache = createQueryEmbeddingCache(swapping);
  await cache.embed('nozzle');
  t.same(await cache.embed('nozzle'), embedWithModel(trained, 'nozzle'), "the next ask gets the new model's vector");
  t.equal(calls.length, 2);
});

t.test('POST /search embeds a repeated query once, and again after a model swap', async (t) => {
  const local = createLocalEmbedder(hashModel(DIMENSION));
  const { embedder, calls } = counted(local);
  const store = createEmbeddedStore();
  await store.open({ name: embedder.name, dimension: DIMENSION });
  await store.upsert([{ id: 'doc:a#0', sourceId: 'doc:a', kind: 'document', title: 'Shock', text: 'shock wave nozzle', acl: null, vector: embedWithModel(local.model, 'shock wave nozzle') }]);
  const vectors: Float32Array[] = [];
  const search = store.search.bind(store);
  store.search = (request: SearchRequest) => {
    if (request.vector !== undefined) vectors.push(request.vector);
    return search(request);
  };
  const app = await buildSearchApp({ embedder, store, authenticate: createAuthenticator({ mode: 'disabled' }), logger: silentLogger, registry: createRegistry('query-cache'), checks: {} });
  t.teardown(async () => {
    await app.close();
    await store.close();
  });
  const ask = async () => {
    const response = await app.inject({ method: 'POST', url: '/search', payload: { query: 'shock wave', k: 5, mode: 'vector' } });
    t.equal(response.statusCode, 200, response.body);
    return response.json<{ hits: { id: string }[] }>();
  };
  t.same((await ask()).hits.map((h) => h.id), ['doc:a#0']);
  await ask();
  t.equal(calls.length, 1, 'the repeated query is not embedded again');
  const trained = trainLocalModel(CORPUS, { dimension: DIMENSION, minTexts: 8 });
  local.use(trained);
  await ask();
  t.equal(calls.length, 2, 'a new model embeds it again');
  t.same(vectors[2], embedWithModel(trained, 'shock wave'), "the store is asked with the new model's vector");
  t.notSame(vectors[2], vectors[0]);
});
