import t, { type Test } from 'tap';
import { PermanentError, RetryableError } from '@onramp/core';
import { EmbeddingDimensionMismatch, createOpenSearchClient, createOpenSearchMlEmbedder, createPaiEasEmbedder } from '@onramp/search';
import { startFakeEmbeddings, type FakeEmbeddingsService } from './helpers/fake-openai-embeddings.js';
import { fakeEmbedding, startFakeOpenSearch } from './helpers/fake-opensearch.js';

const TOKEN = 'ZmFrZS1lYXMtdG9rZW4tZm9yLXRlc3Rz';

async function eas(t: Test, dimension = 8): Promise<{ service: FakeEmbeddingsService; waits: number[]; sleep: (ms: number) => Promise<void> }> {
  const service = await startFakeEmbeddings({ token: TOKEN, dimension });
  t.teardown(() => service.close());
  const waits: number[] = [];
  return { service, waits, sleep: async (ms) => void waits.push(ms) };
}

t.test('pai-eas: batches inputs, sends the raw token, keeps order by index', async (t) => {
  const { service } = await eas(t);
  const embedder = createPaiEasEmbedder({ url: `${service.url}/`, token: TOKEN, model: 'bge-m3', dimension: 8, batchSize: 4 });
  t.equal(embedder.name, 'pai-eas:bge-m3');
  t.equal(embedder.dimension, 8);
  const texts = Array.from({ length: 10 }, (_, i) => `text ${i}`);
  const vectors = await embedder.embed(texts, 'passage');
  t.equal(vectors.length, 10);
  texts.forEach((text, i) => t.same(Array.from(vectors[i]!), Array.from(Float32Array.from(fakeEmbedding(text, 8))), `vector ${i} belongs to input ${i}`));
  t.same(service.requests.map((r) => r.body.input.length), [4, 4, 2], 'at most batchSize inputs per request');
  t.equal(service.requests[0]!.authorization, TOKEN, 'the EAS token is the Authorization header, without Bearer');
  t.equal(service.requests[0]!.body.model, 'bge-m3');
  t.same(await embedder.embed([], 'query'), [], 'nothing to embed, no request');
});

t.test('pai-eas: query and passage prefixes for asymmetric models', async (t) => {
  const { service } = await eas(t);
  const embedder = createPaiEasEmbedder({ url: service.url, token: TOKEN, dimension: 8, queryPrefix: 'query: ', passagePrefix: 'passage: ' });
  await embedder.embed(['who runs deploys'], 'query');
  await embedder.embed(['Ada runs deploys'], 'passage');
  t.same(service.requests.map((r) => r.body.input[0]), ['query: who runs deploys', 'passage: Ada runs deploys']);
});

t.test('pai-eas: waits as told on 429, backs off on 503, then succeeds', async (t) => {
  const { service, waits, sleep } = await eas(t);
  service.script.push({ status: 429, headers: { 'retry-after': '2' } }, { status: 503 });
  const embedder = createPaiEasEmbedder({ url: service.url, token: TOKEN, dimension: 8, sleep });
  const [vector] = await embedder.embed(['hello'], 'query');
  t.equal(vector!.length, 8);
  t.equal(service.requests.length, 3);
  t.equal(waits[0], 2000, 'Retry-After seconds are honoured');
  t.ok(waits[1]! >= 0 && waits[1]! <= 500, 'then an exponential backoff with jitter');
});

t.test('pai-eas: gives up with a retryable error once retries are spent', async (t) => {
  const { service, sleep } = await eas(t);
  service.script.push({ status: 502 }, { status: 502 }, { status: 502 });
  const embedder = createPaiEasEmbedder({ url: service.url, token: TOKEN, dimension: 8, maxRetries: 2, sleep });
  const error = await embedder.embed(['hello'], 'query').catch((e: unknown) => e);
  t.type(error, RetryableError);
  t.match((error as Error).message, /PAI-EAS embeddings: HTTP 502 \(gave up after 3 attempts\)/);
});

t.test('pai-eas: a hung service times out and is retried', async (t) => {
  const { service, sleep } = await eas(t);
  service.script.push('hang');
  // Long enough that the answering attempt never times out on a loaded CI machine.
  const embedder = createPaiEasEmbedder({ url: service.url, token: TOKEN, dimension: 8, timeoutMs: 1500, sleep });
  const started = Date.now();
  const [vector] = await embedder.embed(['hello'], 'query');
  t.equal(vector!.length, 8);
  t.equal(service.requests.length, 2, 'the second attempt answered');
  t.ok(Date.now() - started < 10_000);
  service.script.push('hang', 'hang');
  const once = createPaiEasEmbedder({ url: service.url, token: TOKEN, dimension: 8, timeoutMs: 100, maxRetries: 1, sleep });
  await t.rejects(once.embed(['x'], 'query'), { message: /no answer within 100 ms/ });
});

t.test('pai-eas: a wrong dimension is a clear, permanent error', async (t) => {
  const { service } = await eas(t);
  service.script.push({ dimension: 1024 });
  const embedder = createPaiEasEmbedder({ url: service.url, token: TOKEN, model: 'bge-m3' });
  const error = await embedder.embed(['hello'], 'passage').catch((e: unknown) => e);
  t.type(error, EmbeddingDimensionMismatch);
  t.type(error, PermanentError);
  t.match((error as Error).message, /returned 1024-dimensional embeddings, but EMBEDDING_DIMENSION is 768/);
});

t.test('pai-eas: a rejected token or request is permanent, not retried', async (t) => {
  const { service, sleep } = await eas(t);
  const wrong = createPaiEasEmbedder({ url: service.url, token: 'not-the-token', dimension: 8, sleep });
  await t.rejects(wrong.embed(['x'], 'query'), { code: 'embedding_rejected', message: /HTTP 401: Authorization Failed/ });
  service.script.push({ status: 400, body: { error: { message: 'input too long', type: 'invalid_request_error' } } });
  const embedder = createPaiEasEmbedder({ url: service.url, token: TOKEN, dimension: 8, sleep });
  await t.rejects(embedder.embed(['x'], 'query'), { code: 'embedding_rejected', message: /input too long/ });
  t.equal(service.requests.length, 1, 'no retry of a 400');
});

t.test('opensearch-ml: predicts through ML Commons in batches, every request per the specification', async (t) => {
  const fake = await startFakeOpenSearch();
  const client = createOpenSearchClient({ url: fake.url });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  fake.mlModels.set('bQH9RIkBE2nKwoN3wZAB', 8);
  const waits: number[] = [];
  const embedder = createOpenSearchMlEmbedder({ client, modelId: 'bQH9RIkBE2nKwoN3wZAB', dimension: 8, batchSize: 2, sleep: async (ms) => void waits.push(ms) });
  t.equal(embedder.name, 'opensearch-ml:bQH9RIkBE2nKwoN3wZAB');
  fake.fail('ml.predict', 429, 'rejected_execution_exception', 'too many requests');
  const vectors = await embedder.embed(['a', 'b', 'c'], 'passage');
  t.same(vectors.map((v) => Array.from(v)), ['a', 'b', 'c'].map((x) => Array.from(Float32Array.from(fakeEmbedding(x, 8)))));
  const predicts = fake.requests.filter((r) => r.operation === 'ml.predict');
  t.equal(predicts.length, 3, 'one 429 retried, then two batches');
  t.equal(predicts[0]!.path, '/_plugins/_ml/_predict/text_embedding/bQH9RIkBE2nKwoN3wZAB');
  t.same(predicts[1]!.body, { text_docs: ['a', 'b'], return_number: true, target_response: ['sentence_embedding'] });
  t.equal(waits.length, 1);

  const wrongDim = createOpenSearchMlEmbedder({ client, modelId: 'bQH9RIkBE2nKwoN3wZAB' });
  await t.rejects(wrongDim.embed(['a'], 'query'), EmbeddingDimensionMismatch);
  const missing = createOpenSearchMlEmbedder({ client, modelId: 'nope', dimension: 8 });
  await t.rejects(missing.embed(['a'], 'query'), { code: 'embedding_rejected', message: /HTTP 404/ });
  t.same(fake.violations, []);
});
