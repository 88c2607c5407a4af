// The SCIM endpoint driven the way real clients drive it: Microsoft Entra ID's request bodies (from
// "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID", plus the known
// `"active": "False"` string and manager-as-a-string of its compatibility notes), Okta's SCIM 2.0 request
// shapes (Okta's SCIM 2.0 protocol reference), and onramp's own SCIM client (packages/core/src/scim, the
// code gitbook-sync uses against GitBook) — none of them the server's code.
import t from 'tap';
import { createScimClient, LIFECYCLE, rebuildScimResources, SCIM_ENTERPRISE_USER } from '@onramp/core';
import { isScimError, PATCH_OP, scimEndpoint, SCIM_TOKEN } from './scim-harness.js';

t.test('Microsoft Entra ID: create, look up, update, disable with "False", re-enable, groups, delete', async (t) => {
  const scim = await scimEndpoint(t);
  const created = await scim.request('POST', '/Users', `{
    "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
    "active": true,
    "emails": [{
        "primary": true,
        "type": "work",
        "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"
    }],
    "meta": {
        "resourceType": "User"
    },
    "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
    },
    "roles": []
}`);
  t.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  t.match(created.body, { externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef', active: true, meta: { resourceType: 'User' } });
  t.not(created.body.meta.created, undefined, 'the client\'s meta is replaced by the server\'s');

  const found = await scim.request('GET', `/Users?filter=${encodeURIComponent('userName eq "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"')}`);
  t.match(found.body, { totalResults: 1, Resources: [{ id }] });
  const byExternalId = await scim.request('GET', `/Users?filter=${encodeURIComponent('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`);
  t.equal(byExternalId.body.totalResults, 1);
  const zero = await scim.request('GET', `/Users?filter=${encodeURIComponent('userName eq "non-existent user"')}`);
  t.match(zero.body, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 0 });

  // Update user [Multi-valued properties]: capitalised op, an email selected by a filter.
  const multi = await scim.request('PATCH', `/Users/${id}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
            {
            "op": "Replace",
            "path": "emails[type eq \\"work\\"].value",
            "value": "updatedEmail@microsoft.com"
            },
            {
            "op": "Replace",
            "path": "name.familyName",
            "value": "updatedFamilyName"
            }
    ]
}`);
  t.equal(multi.status, 200, multi.text);
  t.match(multi.body, { emails: [{ type: 'work', value: 'updatedEmail@microsoft.com', primary: true }], name: { familyName: 'updatedFamilyName', givenName: 'givenName' } });

  // Update user [Single-valued properties].
  const single = await scim.request('PATCH', `/Users/${id}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Replace",
        "path": "userName",
        "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
    }]
}`);
  t.equal(single.body.userName, '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');

  // The enterprise extension by URN path, a manager given as a plain id, and a work phone that is not there yet.
  const manager = (await scim.request('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'manager@testuser.com', emails: [{ value: 'manager@testuser.com' }] })).body;
  const extension = await scim.request('PATCH', `/Users/${id}`, `{"schemas":["${PATCH_OP}"],"Operations":[
    {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"R&D / Search"},
    {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"${manager.id}"},
    {"op":"Add","path":"phoneNumbers[type eq \\"work\\"].value","value":"+86 571 0000 0000"}]}`);
  t.equal(extension.status, 200, extension.text);
  t.match(extension.body, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', SCIM_ENTERPRISE_USER],
    [SCIM_ENTERPRISE_USER]: { department: 'R&D / Search', manager: { value: manager.id } },
    phoneNumbers: [{ type: 'work', value: '+86 571 0000 0000' }],
  });

  // Disable user, with the string "False" Entra ID has sent for booleans; then enable with "True".
  const disabled = await scim.request('PATCH', `/Users/${id}`, `{
    "Operations": [
        {
            "op": "Replace",
            "path": "active",
            "value": "False"
        }
    ],
    "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    ]
}`);
  t.equal(disabled.status, 200, disabled.text);
  t.equal(disabled.body.active, false, 'a boolean in the resource');
  let last = (await scim.events()).at(-1)!;
  t.match(last, { type: LIFECYCLE.userDeactivated, subject: `user/${id}`, data: { active: false, userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' } });
  const enabled = await scim.request('PATCH', `/Users/${id}`, `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"Replace","path":"active","value":"True"}]}`);
  t.equal(enabled.body.active, true);
  last = (await scim.events()).at(-1)!;
  t.match(last, { type: LIFECYCLE.userUpdated, data: { active: true } }, 'a re-enable is SCIM.UserUpdated with active true');
  const boolean = await scim.request('PATCH', `/Users/${id}`, `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"Replace","path":"active","value":false}]}`);
  t.equal(boolean.body.active, false);
  t.equal((await scim.events()).at(-1)!.type, LIFECYCLE.userDeactivated);
  // Updating a leaver's profile keeps them a leaver: SCIM.UserUpdated with active false, not a second deactivation.
  await scim.request('PATCH', `/Users/${id}`, `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"Replace","path":"displayName","value":"Gone"}]}`);
  t.match((await scim.events()).at(-1), { type: LIFECYCLE.userUpdated, data: { active: false } });

  // Groups.
  const group = await scim.request('POST', '/Groups', `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
    "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
    "displayName": "displayName",
    "meta": {
        "resourceType": "Group"
    }
}`);
  t.equal(group.status, 201, group.text);
  const groupId = group.body.id as string;
  t.match((await scim.events()).at(-1), { type: LIFECYCLE.groupCreated, subject: `group/${groupId}`, data: { displayName: 'displayName', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159' } });
  const byName = await scim.request('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "displayName"')}`);
  t.match(byName.body, { totalResults: 1, Resources: [{ id: groupId, displayName: 'displayName' }] });
  isScimError(t, await scim.request('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'DISPLAYNAME' }), 409, 'uniqueness');

  const add = await scim.request('PATCH', `/Groups/${groupId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Add",
        "path": "members",
        "value": [{
            "$ref": null,
            "value": "${id}"
        }]
    }]
}`);
  t.equal(add.status, 200, add.text);
  t.same(add.body.members, [{ value: id, type: 'User' }], 'the null $ref is dropped');
  const fetched = await scim.request('GET', `/Groups/${groupId}?excludedAttributes=members`);
  t.notOk('members' in fetched.body);
  const remove = await scim.request('PATCH', `/Groups/${groupId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Remove",
        "path": "members",
        "value": [{
            "$ref": null,
            "value": "${id}"
        }]
    }]
}`);
  t.notOk('members' in remove.body);
  t.match((await scim.events()).at(-1), { type: LIFECYCLE.groupUpdated, data: { membersRemoved: [{ value: id }] } });
  const renamed = await scim.request('PATCH', `/Groups/${groupId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Replace",
        "path": "displayName",
        "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"
    }]
}`);
  t.equal(renamed.body.displayName, '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');

  t.equal((await scim.request('DELETE', `/Users/${id}`)).status, 204);
  t.equal((await scim.request('DELETE', `/Groups/${groupId}`)).status, 204);
  t.match((await scim.events()).slice(-2).map((e) => e.type), [LIFECYCLE.userDeleted, LIFECYCLE.groupDeleted]);
});

t.test('Okta: create with a password (dropped), look up, PUT, deactivate by a value object, groups by filter path', async (t) => {
  const scim = await scimEndpoint(t);
  const created = await scim.request('POST', '/Users', `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "userName": "test.user@okta.local",
  "name": {
    "givenName": "Test",
    "familyName": "User"
  },
  "emails": [{
    "primary": true,
    "value": "test.user@okta.local",
    "type": "work"
  }],
  "displayName": "Test User",
  "locale": "en-US",
  "externalId": "00ujl29u0le5T6Aj10h7",
  "groups": [],
  "password": "1mz050nq",
  "active": true
}`);
  t.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  t.notOk('password' in created.body, 'no password in the answer');

  const lookup = await scim.request('GET', '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100');
  t.match(lookup.body, { totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id, userName: 'test.user@okta.local' }] });

  const put = await scim.request('PUT', `/Users/${id}`, `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "${id}",
  "userName": "test.user@okta.local",
  "name": {
    "givenName": "Another",
    "familyName": "User"
  },
  "emails": [{
    "primary": true,
    "value": "test.user@okta.local",
    "type": "work"
  }],
  "displayName": "Another User",
  "locale": "en-US",
  "groups": [],
  "password": "1mz050nq",
  "active": true,
  "meta": {
    "resourceType": "User",
    "created": "2010-01-23T04:56:22Z",
    "lastModified": "2011-05-13T04:42:34Z"
  }
}`);
  t.equal(put.status, 200, put.text);
  t.match(put.body, { name: { givenName: 'Another' }, displayName: 'Another User' });
  t.equal(put.body.meta.created, created.body.meta.created, 'meta is the server\'s, not the client\'s');

  const deactivated = await scim.request('PATCH', `/Users/${id}`, `{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{
    "op": "replace",
    "value": {
      "active": false
    }
  }]
}`);
  t.equal(deactivated.body.active, false);
  t.match((await scim.events()).at(-1), { type: LIFECYCLE.userDeactivated, subject: `user/${id}` });
  const stored = JSON.stringify(await scim.events()) + JSON.stringify(await scim.database.db.selectFrom('scim_resources').selectAll().execute());
  t.notOk(stored.includes('1mz050nq'), 'the password is in neither the log nor the resource table');

  const group = await scim.request('POST', '/Groups', `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  "displayName": "Test SCIMv2",
  "members": []
}`);
  t.equal(group.status, 201);
  const groupId = group.body.id as string;
  const rename = await scim.request('PATCH', `/Groups/${groupId}`, `{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{
    "op": "replace",
    "value": {
      "id": "${groupId}",
      "displayName": "Test SCIMv2 renamed"
    }
  }]
}`);
  t.equal(rename.status, 200, rename.text);
  t.equal(rename.body.displayName, 'Test SCIMv2 renamed');
  const add = await scim.request('PATCH', `/Groups/${groupId}`, `{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{
    "op": "add",
    "path": "members",
    "value": [{
      "value": "${id}",
      "display": "test.user@okta.local"
    }]
  }]
}`);
  t.match(add.body.members, [{ value: id, display: 'test.user@okta.local' }]);
  const remove = await scim.request('PATCH', `/Groups/${groupId}`, `{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{
    "op": "remove",
    "path": "members[value eq \\"${id}\\"]"
  }]
}`);
  t.equal(remove.status, 200);
  t.notOk('members' in remove.body);
  const putGroup = await scim.request('PUT', `/Groups/${groupId}`, `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  "id": "${groupId}",
  "displayName": "Test SCIMv2",
  "members": [{"value": "${id}", "display": "test.user@okta.local"}]
}`);
  t.match(putGroup.body, { displayName: 'Test SCIMv2', members: [{ value: id }] });
  const groups = await scim.request('GET', '/Groups?startIndex=1&count=100');
  t.equal(groups.body.totalResults, 1);
});

t.test('onramp\'s SCIM client against the endpoint: create, look up, adopt on 409, patch with If-Match, deactivate, groups', async (t) => {
  const scim = await scimEndpoint(t);
  const requests: string[] = [];
  const client = createScimClient({ baseUrl: scim.base, token: SCIM_TOKEN, onRequest: (method, path) => requests.push(`${method} ${path}`) });
  const support = await client.serviceProviderConfig();
  t.match(support, { patch: { supported: true }, etag: { supported: true }, filter: { supported: true, maxResults: 200 }, bulk: { supported: false } });

  const input = { userName: 'li.wei@example.com', active: true, name: { givenName: 'Wei', familyName: 'Li' }, emails: [{ value: 'li.wei@example.com', type: 'work', primary: true }] };
  const { user, adopted } = await client.createUser(input);
  t.equal(adopted, false);
  t.match(user, { id: String, userName: 'li.wei@example.com' });
  const again = await client.createUser({ ...input, userName: 'LI.WEI@example.com' });
  t.equal(again.adopted, true, 'the 409 uniqueness is adopted');
  t.equal(again.user.id, user.id);

  const found = await client.findUserByUserName('Li.Wei@Example.com');
  t.equal(found?.id, user.id, 'found whatever the case');
  t.equal(await client.findUserByUserName('nobody@example.com'), undefined);

  // A stale version: the client re-reads (the server answered 412) and applies its operations again.
  const stale = 'W/"1"';
  await scim.request('PATCH', `/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] });
  const patched = await client.patchUser(user.id, [{ op: 'replace', path: 'displayName', value: 'Wei Li' }], stale);
  t.match(patched, { displayName: 'Wei Li', title: 'Engineer' });
  t.ok(requests.filter((r) => r.startsWith('PATCH')).length >= 2, 'the first PATCH was refused 412 and retried');

  const deactivated = await client.patchUser(user.id, [{ op: 'replace', path: 'active', value: false }], (await client.getUser(user.id))?.meta?.version);
  t.equal(deactivated?.active, false);
  t.equal((await client.getUser(user.id))?.active, false);
  t.equal((await scim.events()).at(-1)?.type, LIFECYCLE.userDeactivated);

  const { group } = await client.createGroup('search-readers');
  t.equal((await client.createGroup('Search-Readers')).adopted, true);
  await client.addGroupMember(group.id, user.id);
  t.same((await client.findGroupByDisplayName('search-readers', true))?.members?.map((m) => m.value), [user.id]);
  await client.removeGroupMember(group.id, user.id);
  t.same((await client.findGroupByDisplayName('search-readers', true))?.members ?? [], []);

  for (let i = 0; i < 7; i++) await client.createUser({ ...input, userName: `page${i}@example.com`, emails: [{ value: `page${i}@example.com` }] });
  const all = await client.listAll('/Users', { count: 3 });
  t.equal(all.length, 8, 'listAll pages through startIndex / count');
  t.equal(new Set(all.map((u) => u.id)).size, 8);

  t.equal(await client.deleteUser(user.id), true);
  t.equal(await client.deleteUser(user.id), false, '404 the second time');

  const before = await scim.database.db.selectFrom('scim_resources').selectAll().orderBy('id').execute();
  await rebuildScimResources(scim.database.db);
  t.same(await scim.database.db.selectFrom('scim_resources').selectAll().orderBy('id').execute(), before, 'the projection refolds to the same rows');
});
