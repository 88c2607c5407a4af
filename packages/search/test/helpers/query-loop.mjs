// The query-serving process of the two-process model test (model-sync.test.ts): a search runtime built
// from the environment, as search-api builds it, answering the queries given as JSON in argv[2] in a
// loop until killed. Each answer is one JSON line: the model that embedded the query, the index searched,
// and the top hit with its score.
import { loadConfig, silentLogger } from '@onramp/core';
import { createSearch } from '@onramp/search';

const queries = JSON.parse(process.argv[2]);
const search = await createSearch(loadConfig(process.env), silentLogger);
await search.store.open({ name: search.embedder.name, dimension: search.embedder.dimension });
process.stdout.write(`${JSON.stringify({ ready: true, embedder: search.embedder.name })}\n`);
for (let round = 0; ; round++) {
  for (const q of queries) {
    try {
      const answer = await search.query({ query: q.text, k: 3, mode: 'vector', filter: { groups: 'all' } });
      const top = answer.hits[0];
      process.stdout.write(`${JSON.stringify({ round, expected: q.id, embedder: answer.embedder, index: answer.index, top: top?.id, score: top?.score })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ round, expected: q.id, error: `${error.code ?? ''} ${error.message}` })}\n`);
    }
  }
}
