import t from 'tap';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '@onramp/core';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

t.test('SEARCH_BACKEND=elasticsearch reads its own variables, with the documented defaults', async (t) => {
  const { search } = loadConfig({ SEARCH_BACKEND: 'elasticsearch', ELASTICSEARCH_URL: 'https://es.internal:9200' });
  t.equal(search.backend, 'elasticsearch');
  t.same(search.elasticsearch, {
    url: 'https://es.internal:9200', username: undefined, password: undefined, index: 'onramp', replicas: 1,
    hybrid: 'client', indexType: 'int8_hnsw', m: 16, efConstruction: 100, numCandidates: 100,
  });
  const tuned = loadConfig({
    SEARCH_BACKEND: 'elasticsearch', ELASTICSEARCH_URL: 'http://127.0.0.1:9200', ELASTICSEARCH_USERNAME: 'elastic', ELASTICSEARCH_PASSWORD: 'pw',
    ELASTICSEARCH_HYBRID: 'rrf', ELASTICSEARCH_KNN_INDEX_TYPE: 'hnsw', ELASTICSEARCH_KNN_M: '32', ELASTICSEARCH_REPLICAS: '0',
  }).search.elasticsearch;
  t.match(tuned, { username: 'elastic', password: 'pw', hybrid: 'rrf', indexType: 'hnsw', m: 32, replicas: 0 });
  for (const name of ['ELASTICSEARCH_URL', 'ELASTICSEARCH_PASSWORD', 'ELASTICSEARCH_HYBRID', 'ELASTICSEARCH_KNN_INDEX_TYPE']) {
    t.ok((CONFIG_VARIABLES as readonly string[]).includes(name), `${name} is listed`);
  }
});

t.test('refuses at start what cannot work, naming each variable', async (t) => {
  t.match(problems({ SEARCH_BACKEND: 'elasticsearch' }), [/ELASTICSEARCH_URL is required when SEARCH_BACKEND=elasticsearch/]);
  t.match(problems({ SEARCH_BACKEND: 'elastic' }), [/SEARCH_BACKEND must be one of embedded, opensearch, elasticsearch/]);
  t.match(
    problems({
      SEARCH_BACKEND: 'elasticsearch', ELASTICSEARCH_URL: 'es.internal:9200', ELASTICSEARCH_USERNAME: 'elastic', ELASTICSEARCH_HYBRID: 'linear',
      ELASTICSEARCH_KNN_INDEX_TYPE: 'bbq_hnsw', ELASTICSEARCH_KNN_M: '200', ELASTICSEARCH_KNN_NUM_CANDIDATES: '50',
    }),
    [
      /ELASTICSEARCH_URL must be a URL/, /ELASTICSEARCH_HYBRID must be one of client, rrf/, /ELASTICSEARCH_KNN_INDEX_TYPE must be one of int8_hnsw, hnsw/,
      /ELASTICSEARCH_KNN_M must be an integer from 2 to 100/, /ELASTICSEARCH_KNN_NUM_CANDIDATES must be an integer from 100 to 10000/,
      /ELASTICSEARCH_URL is required when SEARCH_BACKEND=elasticsearch/, /ELASTICSEARCH_PASSWORD is required when ELASTICSEARCH_USERNAME is set/,
    ],
  );
  t.same(problems({ SEARCH_BACKEND: 'opensearch', OPENSEARCH_URL: 'http://127.0.0.1:9200' }), [], 'the OpenSearch backend does not need the Elasticsearch variables');
});
