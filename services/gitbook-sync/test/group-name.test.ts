import t from 'tap';
import { readersGroup, slug } from '@onramp/gitbook-sync';

t.test('the readers group of a department', async (t) => {
  t.equal(readersGroup('R&D / Search'), 'r-d-search-readers');
  t.equal(readersGroup('平台工程部'), '平台工程部-readers');
  t.equal(readersGroup('  Customer Success!! '), 'customer-success-readers');
  t.equal(readersGroup('Ärzte & Pflege'), 'ärzte-pflege-readers');
  t.equal(readersGroup('Sales 2'), 'sales-2-readers');
  t.equal(readersGroup(undefined), undefined, 'no department, no group');
  t.equal(readersGroup(' / & '), undefined, 'nothing left of it, no group');
  t.equal(slug('A--B__C'), 'a-b-c', 'a run of other characters is one dash');
});
