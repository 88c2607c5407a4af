// Adding members by PATCH (one per joiner, on groups of thousands) behaves as SCIM says without
// SCIMMY's whole-list patch: a member once, only users, a new version each time.
import t from 'tap';
import { startScimServer } from '@onramp/provider-servers';

t.test('PATCH add members: each user a member once, a non-user refused, the version moves on', async (t) => {
  const token = 'scim-test-token-0123456789';
  const server = await startScimServer({ token });
  t.teardown(() => server.close());
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  const post = async (path: string, body: unknown) => (await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })).json() as Promise<{ id: string }>;
  const group = await post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'r-d-readers' });
  const user = await post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'new.hire@example.com' });
  const add = (value: string, ifMatch?: string) =>
    fetch(`${server.url}/Groups/${group.id}`, {
      method: 'PATCH',
      headers: { ...headers, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value }] }] }),
    });
  const first = await add(user.id);
  t.equal(first.status, 200);
  const body = (await first.json()) as { members: { value: string; display: string }[]; meta: { version: string } };
  t.match(body.members, [{ value: user.id, display: 'new.hire@example.com' }]);
  t.equal((await add(user.id)).status, 200, 'adding again is fine');
  t.equal((server.groups()[0]!.members as unknown[]).length, 1, 'and leaves one membership');
  t.equal((await add(body.meta.version)).status, 400, 'a value that is no user is refused');
  t.equal((await add(user.id, body.meta.version)).status, 412, 'the version moved on with the second add');
  const user2 = await post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'second@example.com' });
  const listed = (await (await fetch(`${server.url}/Users?filter=${encodeURIComponent('userName eq "second@example.com"')}`, { headers })).json()) as { Resources: { id: string; groups: unknown[] }[] };
  t.same(listed.Resources.map((r) => [r.id, r.groups.length]), [[user2.id, 0]], 'a filtered look-up finds only that user, with its groups');
});
