import t from 'tap';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '@onramp/core';

t.test('OpenSearch k-NN and remote embedder settings have the documented defaults', async (t) => {
  const { search } = loadConfig({});
  t.same(search.knn, { engine: 'faiss', spaceType: 'cosinesimil', m: 16, efConstruction: 128, efSearch: 100 });
  t.equal(search.embeddingDimension, 768);
  t.equal(search.embeddingBatchSize, 32);
  t.equal(search.opensearchReplicas, 1);
  t.equal(search.opensearchHybridFusion, 'auto');
  for (const name of ['EMBEDDING_DIMENSION', 'OPENSEARCH_KNN_ENGINE', 'OPENSEARCH_HYBRID_FUSION', 'OPENSEARCH_KNN_M', 'OPENSEARCH_KNN_EF_CONSTRUCTION', 'OPENSEARCH_USERNAME', 'PAI_EAS_MODEL']) {
    t.ok((CONFIG_VARIABLES as readonly string[]).includes(name), `${name} is listed`);
  }
});

t.test('reads them, and names each malformed one', async (t) => {
  const { search } = loadConfig({ OPENSEARCH_KNN_ENGINE: 'lucene', OPENSEARCH_KNN_M: '32', EMBEDDING_DIMENSION: '1024', OPENSEARCH_USERNAME: 'u', OPENSEARCH_PASSWORD: 'p', OPENSEARCH_HYBRID_FUSION: 'client' });
  t.match(search, { knn: { engine: 'lucene', m: 32 }, embeddingDimension: 1024, opensearchUsername: 'u', opensearchPassword: 'p', opensearchHybridFusion: 'client' });
  const error = (() => {
    try {
      loadConfig({ OPENSEARCH_KNN_ENGINE: 'annoy', OPENSEARCH_KNN_M: '1', OPENSEARCH_HYBRID_FUSION: 'rrf', EMBEDDING_DIMENSION: 'big', OPENSEARCH_USERNAME: 'u' });
    } catch (e) {
      return e;
    }
  })();
  t.type(error, ConfigError);
  t.match((error as ConfigError).problems, [/OPENSEARCH_KNN_ENGINE must be one of faiss, lucene, nmslib/, /OPENSEARCH_KNN_M must be an integer from 2 to 512/, /OPENSEARCH_HYBRID_FUSION must be one of auto, pipeline, client/, /EMBEDDING_DIMENSION must be an integer/, /OPENSEARCH_PASSWORD is required when OPENSEARCH_USERNAME is set/]);
});

t.test('PAI-EAS behind a shared index needs PAI_EAS_MODEL: the index metadata names the model, so a changed model is seen', async (t) => {
  const shared = { EMBEDDING_PROVIDER: 'pai-eas', PAI_EAS_URL: 'https://eas.example/api/predict/e' };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };
  t.match(problems({ ...shared, SEARCH_BACKEND: 'opensearch', OPENSEARCH_URL: 'http://os:9200' }), [/PAI_EAS_MODEL is required when EMBEDDING_PROVIDER=pai-eas with SEARCH_BACKEND=opensearch/]);
  t.match(problems({ ...shared, SEARCH_BACKEND: 'elasticsearch', ELASTICSEARCH_URL: 'http://es:9200' }), [/PAI_EAS_MODEL is required when EMBEDDING_PROVIDER=pai-eas with SEARCH_BACKEND=elasticsearch/]);
  t.equal(loadConfig({ ...shared, SEARCH_BACKEND: 'opensearch', OPENSEARCH_URL: 'http://os:9200', PAI_EAS_MODEL: 'bge-m3' }).search.paiEasModel, 'bge-m3');
  t.equal(loadConfig(shared).search.backend, 'embedded', 'one host with the embedded store may leave it out');
});
