// The validator the fake OpenSearch uses must be able to fail; these bodies are wrong on purpose.
import t from 'tap';
import { loadOpenSearchSpec } from './helpers/opensearch-spec.js';

const spec = loadOpenSearchSpec('2.19');
const knn = (body: Record<string, unknown>) => ({ size: 3, query: { knn: { vector: { vector: [0.6, 0.8], k: 3, ...body } } } });

t.test('finds operations by method and path template, preferring literal segments', async (t) => {
  t.equal(spec.findOperation('PUT', '/onramp-1')?.group, 'indices.create');
  t.equal(spec.findOperation('PUT', '/_search/pipeline/onramp-hybrid')?.group, 'search_pipeline.put');
  t.equal(spec.findOperation('POST', '/_plugins/_knn/models/m1/_train')?.group, 'knn.train_model');
  t.equal(spec.findOperation('POST', '/_plugins/_ml/_predict/text_embedding/abc')?.group, 'ml.predict');
  t.equal(spec.findOperation('POST', '/_aliases')?.group, 'indices.update_aliases');
  t.equal(spec.findOperation('POST', '/_no_such_api/x/y/z'), undefined);
});

t.test('accepts well-formed requests', async (t) => {
  t.same(spec.validateRequest('POST', '/onramp/_search', knn({ filter: { term: { kind: 'person' } } })), []);
  t.same(spec.validateRequest('POST', '/_bulk', [{ index: { _index: 'onramp', _id: '1' } }, { title: 'x' }, { delete: { _index: 'onramp', _id: '2' } }]), []);
  t.same(spec.validateRequest('GET', '/_plugins/_knn/models/m1?filter_path=state,error', undefined), [], 'global parameters are allowed everywhere');
});

t.test('rejects a value of the wrong type', async (t) => {
  const violations = spec.validateRequest('POST', '/onramp/_search', knn({ k: 'three' }));
  t.match(violations, [{ operation: 'search', where: '/query/knn/vector/k', message: /must be integer/ }]);
});

t.test('rejects a property the specification does not define, at any depth', async (t) => {
  t.match(spec.validateRequest('POST', '/onramp/_search', { query: { knnn: {} } }), [{ where: '/query/knnn', message: /not defined/ }]);
  t.match(spec.validateRequest('POST', '/onramp/_search', knn({ filterr: { term: { kind: 'person' } } })), [{ where: '/query/knn/vector/filterr' }]);
  const mapping = { mappings: { properties: { title: { type: 'text', analyser: 'standard' } } } };
  t.match(spec.validateRequest('PUT', '/onramp-1', mapping), [{ operation: 'indices.create', where: '/mappings/properties/title/analyser' }]);
  t.match(spec.validateRequest('POST', '/_plugins/_knn/models/m1/_train', { training_index: 'i', training_field: 'v', dimension: 8, methd: {} }), [{ where: '/methd' }]);
});

t.test('rejects what is missing: required fields, the document line of a bulk action', async (t) => {
  t.match(spec.validateRequest('POST', '/_plugins/_knn/models/m1/_train', { training_index: 'i', training_field: 'v' }), [{ message: /must have required property 'dimension'/ }]);
  t.match(spec.validateRequest('POST', '/_bulk', [{ index: { _index: 'onramp', _id: '1' } }]), [{ where: '/1', message: /without a document line/ }]);
  t.match(spec.validateRequest('POST', '/_bulk', [{ indx: { _id: '1' } }, {}]), [{ where: '/0/indx' }]);
  t.match(spec.validateRequest('PUT', '/_search/pipeline/p', undefined), [{ message: /request body is required/ }]);
});

t.test('rejects unknown operations and query parameters', async (t) => {
  t.match(spec.validateRequest('POST', '/_no_such_api/x/y/z', {}), [{ message: /no such operation/ }]);
  t.match(spec.validateRequest('POST', '/onramp/_search?search_pipelin=x', { size: 1 }), [{ where: '?search_pipelin' }]);
});

t.test('rejects what the targeted OpenSearch version does not have yet', async (t) => {
  const hybridWithFilter = { query: { hybrid: { queries: [{ match_all: {} }], filter: { term: { kind: 'person' } } } } };
  t.match(spec.validateRequest('POST', '/onramp/_search', hybridWithFilter), [{ where: '/query/hybrid/filter', message: /added in OpenSearch 3\.0/ }]);
  t.same(loadOpenSearchSpec('3.0').validateRequest('POST', '/onramp/_search', hybridWithFilter), [], 'fine for a 3.0 cluster');
});

t.test('checks responses against the specification as well', async (t) => {
  t.same(spec.validateResponse('POST', '/_plugins/_knn/models/m1/_train', 200, { model_id: 'm1' }), []);
  t.match(spec.validateResponse('POST', '/_plugins/_knn/models/m1/_train', 200, { id: 'm1' }), [{ message: /required property 'model_id'/ }]);
  t.match(spec.validateResponse('POST', '/_bulk', 200, { took: 1, errors: 'no', items: [] }), [{ where: '/errors' }]);
});
