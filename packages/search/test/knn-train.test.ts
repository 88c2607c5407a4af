import t, { type Test } from 'tap';
import { KnnTrainingFailed, createOpenSearchClient, createOpenSearchStore, trainKnnModel, type TrainKnnModelOptions } from '@onramp/search';
import { fakeEmbedding, startFakeOpenSearch } from './helpers/fake-opensearch.js';

const DIM = 768;

async function setup(t: Test) {
  const fake = await startFakeOpenSearch();
  const client = createOpenSearchClient({ url: fake.url });
  const store = createOpenSearchStore({ client, index: 'onramp', replicas: 0 });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  await store.open({ name: 'pai-eas:bge', dimension: DIM });
  await store.upsert(
    Array.from({ length: 5 }, (_, i) => ({
      id: `doc:d${i}#0`, sourceId: `doc:d${i}`, kind: 'document' as const, title: `d${i}`, text: `text ${i}`, acl: ['all-readers'],
      vector: Float32Array.from(fakeEmbedding(`d${i}`, DIM)),
    })),
  );
  const polls: number[] = [];
  const base: TrainKnnModelOptions = { modelId: 'onramp-ivfpq', trainingIndex: 'onramp-1', trainingField: 'vector', pollIntervalMs: 1000, sleep: async (ms) => void polls.push(ms) };
  return { fake, client, base, polls };
}

t.test('starts training with a faiss IVF-PQ method and polls the model until it is created', async (t) => {
  const { fake, client, base, polls } = await setup(t);
  fake.trainingPolls = 3;
  const states: string[] = [];
  const model = await trainKnnModel(client, { ...base, onState: (s) => states.push(s) });
  t.match(model, { modelId: 'onramp-ivfpq', state: 'created' });
  const train = fake.requests.find((r) => r.operation === 'knn.train_model')!;
  t.equal(train.path, '/_plugins/_knn/models/onramp-ivfpq/_train');
  t.match(train.body, {
    training_index: 'onramp-1', training_field: 'vector', dimension: 768,
    method: { name: 'ivf', engine: 'faiss', space_type: 'innerproduct', parameters: { nlist: 1024, nprobes: 16, encoder: { name: 'pq', parameters: { m: 96, code_size: 8 } } } },
  });
  const gets = fake.requests.filter((r) => r.operation === 'knn.get_model');
  t.equal(gets.length, 4, 'three polls while training, the fourth sees created');
  t.match(gets[0]!.path, /filter_path=model_id%2Cstate%2Cerror%2Cdescription|filter_path=model_id,state,error,description/, 'never downloads the model blob');
  t.same(polls, [1000, 1000, 1000]);
  t.same(states, ['training', 'training', 'training', 'training']);
  t.same(fake.violations, [], 'train and get-model requests follow the specification');
});

t.test('a failed training is an error with the cluster’s reason', async (t) => {
  const { fake, client, base } = await setup(t);
  fake.trainingError = "Error in faiss: 'nx >= k' failed: Number of training points (5) should be at least as large as number of clusters (1024)";
  const error = await trainKnnModel(client, base).catch((e: unknown) => e);
  t.type(error, KnnTrainingFailed);
  t.match((error as Error).message, /onramp-ivfpq failed to train: .*Number of training points \(5\)/);
});

t.test('gives up polling after the timeout, saying training goes on', async (t) => {
  const { fake, client, base } = await setup(t);
  fake.trainingPolls = 1000;
  let clock = 0;
  const error = await trainKnnModel(client, { ...base, timeoutMs: 5000, now: () => clock, sleep: async (ms) => void (clock += ms) }).catch((e: unknown) => e);
  t.match(error, { code: 'knn_training_timeout', message: /still training after 5 s/ });
});

t.test('refuses what OpenSearch would refuse: an existing model, a PQ m that does not divide the dimension', async (t) => {
  const { client, base } = await setup(t);
  await trainKnnModel(client, base);
  await t.rejects(trainKnnModel(client, base), { code: 'search_backend_rejected', message: /Model with id "onramp-ivfpq" already exists/ });
  await t.rejects(trainKnnModel(client, { ...base, modelId: 'm2', pqM: 100 }), RangeError);
  await t.rejects(trainKnnModel(client, { ...base, modelId: 'm3', dimension: 384, pqM: 48 }), { message: /dimension 768, which is different from dimension specified in the training request: 384/ });
});
