import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createLocalEmbedder, embedWithModel, hashModel, loadLocalModel, saveLocalModel, trainLocalModel } from '@onramp/search';

const cos = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

// Two topics; each text pairs one of two synonyms with random words of its topic, and the synonyms
// never meet in one text: only their shared contexts can relate them.
function corpus(): string[] {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const topics = [
    { synonyms: ['car', 'automobile'], words: 'engine wheels driver fuel garage road brake tyre motor highway parking license'.split(' ') },
    { synonyms: ['bread', 'pastry'], words: 'recipe oven flour kitchen bake dough butter sugar yeast loaf crust knead'.split(' ') },
  ];
  const texts: string[] = [];
  for (let i = 0; i < 120; i++) {
    const topic = topics[i % 2]!;
    const words = Array.from({ length: 5 }, () => topic.words[Math.floor(random() * topic.words.length)]);
    texts.push(`${topic.synonyms[Math.floor(i / 2) % 2]} ${words.join(' ')}`);
  }
  return texts;
}

t.test('LSA finds texts by a word they do not contain, through the contexts they share', async (t) => {
  const texts = corpus();
  const model = trainLocalModel(texts, { dimension: 8, minTexts: 20 });
  t.equal(model.kind, 'lsa');
  const query = embedWithModel(model, 'automobile');
  const score = (text: string) => cos(query, embedWithModel(model, text));
  const carOnly = texts.filter((text) => text.startsWith('car ')).map(score);
  const baking = texts.filter((text) => /^(bread|pastry) /.test(text)).map(score);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  t.ok(mean(carOnly) > mean(baking) + 0.1, `"car" texts (mean ${mean(carOnly).toFixed(3)}) outrank baking texts (mean ${mean(baking).toFixed(3)})`);
  const hashed = hashModel(8);
  const lexical = texts.filter((text) => text.startsWith('car ')).map((text) => cos(embedWithModel(hashed, 'automobile'), embedWithModel(hashed, text)));
  t.ok(mean(carOnly) > mean(lexical) + 0.1, `which word hashing alone cannot do (mean ${mean(lexical).toFixed(3)})`);
});

t.test('training is deterministic: same corpus, same model name and vectors', async (t) => {
  const a = trainLocalModel(corpus(), { dimension: 8, minTexts: 20 });
  const b = trainLocalModel(corpus(), { dimension: 8, minTexts: 20 });
  t.equal(a.name, b.name);
  t.same([...embedWithModel(a, 'fuel for the engine')], [...embedWithModel(b, 'fuel for the engine')]);
  const c = trainLocalModel([...corpus(), 'a new text about engines and fuel'], { dimension: 8, minTexts: 20 });
  t.not(c.name, a.name, 'a changed corpus is a new model, which forces a reindex');
});

t.test('too small a corpus falls back to the hashing model, which still matches word forms', async (t) => {
  const model = trainLocalModel(['just one text'], { dimension: 64 });
  t.equal(model.name, 'local-hash-64-v1');
  const embedder = createLocalEmbedder(hashModel(64));
  const [a, b, c] = await embedder.embed(['deploying services', 'deployment of a service', 'holiday leave'], 'passage');
  t.ok(cos(a!, b!) > cos(a!, c!) + 0.3, 'stems and character trigrams overlap');
  t.equal(a!.length, 64);
});

t.test('a saved model loads back identical, and an unknown one is a clear error', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-model-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const model = trainLocalModel(corpus(), { dimension: 8, minTexts: 20 });
  await saveLocalModel(dir, model);
  const loaded = await loadLocalModel(dir, model.name);
  t.same([...embedWithModel(loaded, 'bake bread')], [...embedWithModel(model, 'bake bread')]);
  await t.rejects(loadLocalModel(dir, 'local-lsa-16-000000000000'), { code: 'model_missing' });
});

t.test('a hashed vector depends on its text and dimension only, not on what was embedded before', async (t) => {
  const text = 'Boundary layer flow over a flat plate at supersonic speeds';
  const [small, large] = [embedWithModel(hashModel(64), text), embedWithModel(hashModel(256), text)];
  // Enough distinct words, in both dimensions, that the term feature cache is emptied meanwhile.
  for (let i = 0; i < 120_000; i += 2000) {
    const words = Array.from({ length: 2000 }, (_, j) => `w${i + j}x`).join(' ');
    embedWithModel(hashModel(64), words);
    embedWithModel(hashModel(256), words);
  }
  t.same([...embedWithModel(hashModel(64), text)], [...small]);
  t.same([...embedWithModel(hashModel(256), text)], [...large]);
  t.not(small.length, large.length);
});
