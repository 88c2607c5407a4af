// The BM25 index's cost guard: a term in (nearly) every item — a title word every document shares — is
// skipped when scoring and when RM3 picks expansion terms, so it neither changes a ranking nor makes every
// query walk every posting.
import t from 'tap';
import { createBm25Index, MIN_IDF } from '../src/embedded/bm25-index.js';

t.test('a term every item has changes no ranking, and is not scored', async (t) => {
  const index = createBm25Index();
  const topics = ['wing flutter', 'boundary layer', 'shock wave', 'heat transfer'];
  for (let i = 0; i < 400; i++) index.add(i, { title: `Document ${i}`, text: `${topics[i % 4]} ${topics[(i * 7) % 4]} measured case ${i % 13}` });
  const all = () => true;
  const plain = index.search('boundary layer', 10, all);
  const withShared = index.search('document boundary layer', 10, all);
  t.same(withShared.map((h) => h.label), plain.map((h) => h.label), 'the same items in the same order');
  t.same(index.search('document', 10, all), [], 'a query of only that term scores no item');
  t.ok(Math.log(1 + 0.5 / 400.5) < MIN_IDF, 'its idf is below the guard');
});
