// The SCIM endpoint against RFC 7644's own request and response examples (§3.3 create, §3.4.1 get,
// §3.4.2 list and filter, §3.5.1 PUT, §3.5.2 PATCH, §3.6 DELETE, §3.12 errors, §3.14 versions), sent as
// raw HTTP bodies. Where an example uses ids the server could not have made, the id it did make is put
// in its place; where the RFC's User has no email address (which onramp's log requires), the answer is
// the 400 invalidValue onramp documents, and the example is then sent again with one.
import t from 'tap';
import { rebuildScimResources, type Db } from '@onramp/core';
import { isScimError, PATCH_OP, scimEndpoint, SCIM_TOKEN } from './scim-harness.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

// RFC 7644 §3.3, verbatim.
const RFC_CREATE_USER = `{
     "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
     "userName":"bjensen",
     "externalId":"bjensen",
     "name":{
       "formatted":"Ms. Barbara J Jensen III",
       "familyName":"Jensen",
       "givenName":"Barbara"
     }
   }`;

// The same, with the work address onramp needs (RFC 7643 §8.2's full representation has it).
const RFC_CREATE_USER_WITH_EMAIL = RFC_CREATE_USER.replace(/\}\s*$/, ',\n     "emails":[{"value":"bjensen@example.com","type":"work","primary":true}]\n   }');

async function rows(db: Db) {
  return (await db.selectFrom('scim_resources').selectAll().orderBy('resource_type').orderBy('id').execute()).map((r) => ({ ...r, seq: Number(r.seq), created_seq: Number(r.created_seq) }));
}

t.test('§3.3 create: the RFC User without an email is refused (400 invalidValue), nothing written; with one, 201 as the RFC answers', async (t) => {
  const scim = await scimEndpoint(t);
  const refused = await scim.request('POST', '/Users', RFC_CREATE_USER);
  isScimError(t, refused, 400, 'invalidValue');
  t.match(refused.body.detail, /emails/, 'the detail names what is missing');
  t.equal((await scim.events()).length, 0, 'nothing appended');
  t.equal((await rows(scim.database.db)).length, 0, 'no resource row');

  const created = await scim.request('POST', '/Users', RFC_CREATE_USER_WITH_EMAIL);
  t.equal(created.status, 201);
  t.match(created.headers.get('content-type'), /^application\/scim\+json/);
  const { body } = created;
  t.match(body, {
    schemas: [USER],
    id: String,
    externalId: 'bjensen',
    userName: 'bjensen',
    name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
    meta: { resourceType: 'User', created: String, lastModified: String, location: `${scim.base}/Users/${body.id}`, version: /^W\/"\d+"$/ },
  });
  t.equal(created.headers.get('location'), body.meta.location, 'Location header');
  t.equal(created.headers.get('etag'), body.meta.version, 'ETag header = meta.version');
  t.equal(body.meta.created, body.meta.lastModified);

  const [event] = await scim.events();
  t.match(event, { source: 'scim/v2', type: 'SCIM.UserCreated', subject: `user/${body.id}`, data: { id: body.id, userName: 'bjensen', active: true } });
  t.equal(body.meta.version, `W/"${event!.seq}"`, 'the version is the seq of the event that wrote it');
  t.equal(scim.appended(), 1, 'the dispatcher is woken');

  // §3.4.1: GET the known resource.
  const got = await scim.request('GET', `/Users/${body.id}`);
  t.equal(got.status, 200);
  t.same(got.body, body);
  t.equal(got.headers.get('etag'), body.meta.version);
  // RFC 7644 §3.14 / RFC 7232: a conditional GET with the current version is 304.
  const unchanged = await scim.request('GET', `/Users/${body.id}`, undefined, { 'if-none-match': body.meta.version });
  t.equal(unchanged.status, 304);

  // §3.3: the same request again is a conflict (409 uniqueness), also in another case: userName ignores case.
  const again = await scim.request('POST', '/Users', RFC_CREATE_USER_WITH_EMAIL);
  isScimError(t, again, 409, 'uniqueness');
  const otherCase = await scim.request('POST', '/Users', RFC_CREATE_USER_WITH_EMAIL.replace('"userName":"bjensen"', '"userName":"BJensen"'));
  isScimError(t, otherCase, 409, 'uniqueness');
  t.equal((await scim.events()).length, 1, 'the replays appended nothing');
});

t.test('§3.4.2 filters: every operator, and/or/not, grouping, valuePath, userName in any case; pagination', async (t) => {
  const scim = await scimEndpoint(t);
  const people = [
    { userName: 'bjensen', title: 'Tour Guide', userType: 'Employee', emails: [{ value: 'bjensen@example.com', type: 'work' }], name: { familyName: 'Jensen' } },
    { userName: 'jsmith', userType: 'Intern', emails: [{ value: 'jsmith@example.org', type: 'work' }], name: { familyName: "O'Malley" } },
    { userName: 'Jdoe', title: 'Engineer', userType: 'Employee', emails: [{ value: 'jdoe@other.net', type: 'home' }, { value: 'jdoe@example.com', type: 'work' }], name: { familyName: 'Doe' } },
  ];
  const ids: Record<string, string> = {};
  for (const person of people) {
    const created = await scim.request('POST', '/Users', { schemas: [USER], ...person });
    t.equal(created.status, 201, created.text);
    ids[person.userName] = created.body.id;
  }
  const names = async (filter: string, extra = '') => {
    const answer = await scim.request('GET', `/Users?filter=${encodeURIComponent(filter)}${extra}`);
    t.equal(answer.status, 200, `${filter}: ${answer.text.slice(0, 200)}`);
    t.same(answer.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    return (answer.body.Resources as { userName: string }[]).map((r) => r.userName).sort();
  };
  // The RFC's example filters (§3.4.2.2), verbatim.
  t.same(await names('userName eq "bjensen"'), ['bjensen']);
  t.same(await names('userName eq "BJENSEN"'), ['bjensen'], 'userName is caseExact false');
  t.same(await names('name.familyName co "O\'Malley"'), ['jsmith']);
  t.same(await names('userName sw "J"'), ['Jdoe', 'jsmith']);
  t.same(await names('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"'), ['Jdoe', 'jsmith']);
  t.same(await names('title pr'), ['Jdoe', 'bjensen']);
  t.same(await names('meta.lastModified gt "2011-05-13T04:42:34Z"'), ['Jdoe', 'bjensen', 'jsmith']);
  t.same(await names('meta.lastModified ge "2011-05-13T04:42:34Z"'), ['Jdoe', 'bjensen', 'jsmith']);
  t.same(await names('meta.lastModified lt "2011-05-13T04:42:34Z"'), []);
  t.same(await names('meta.lastModified le "2011-05-13T04:42:34Z"'), []);
  t.same(await names('title pr and userType eq "Employee"'), ['Jdoe', 'bjensen']);
  t.same(await names('title pr or userType eq "Intern"'), ['Jdoe', 'bjensen', 'jsmith']);
  t.same(await names('schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"'), []);
  t.same(await names('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")'), ['Jdoe', 'bjensen']);
  t.same(await names('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")'), []);
  t.same(await names('userType eq "Employee" and (emails.type eq "work")'), ['Jdoe', 'bjensen']);
  t.same(await names('userType eq "Employee" and emails[type eq "work" and value co "@example.com"]'), ['Jdoe', 'bjensen']);
  t.same(await names('emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]'), ['Jdoe', 'bjensen']);
  // The rest of the operators.
  t.same(await names('userName ew "SMITH"'), ['jsmith']);
  t.same(await names('userName ne "bjensen"'), ['Jdoe', 'jsmith']);
  t.same(await names('not (userName eq "bjensen")'), ['Jdoe', 'jsmith']);
  t.same(await names(`id eq "${ids.jsmith}"`), ['jsmith']);
  t.same(await names('active eq true and userName gt "b" and userName lt "js"'), ['Jdoe', 'bjensen']);
  t.same(await names('(userName eq "bjensen" or userName eq "jsmith") and not (userType eq "Intern")'), ['bjensen']);

  // Pagination (§3.4.2.4): 1-based startIndex, count, totalResults over every match.
  const page = await scim.request('GET', '/Users?startIndex=2&count=1');
  t.match(page.body, { totalResults: 3, startIndex: 2, itemsPerPage: 1 });
  t.equal(page.body.Resources[0].userName, 'jsmith', 'in creation order');
  const beyond = await scim.request('GET', '/Users?startIndex=10&count=5');
  t.match(beyond.body, { totalResults: 3, startIndex: 10, itemsPerPage: 0, Resources: [] });
  const countOnly = await scim.request('GET', '/Users?count=0');
  t.match(countOnly.body, { totalResults: 3, itemsPerPage: 0 });
  const nobody = await scim.request('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody"')}`);
  t.match(nobody.body, { totalResults: 0, Resources: [] });

  // §3.9: attributes and excludedAttributes.
  const few = await scim.request('GET', `/Users?attributes=userName&filter=${encodeURIComponent('userName eq "bjensen"')}`);
  t.same(Object.keys(few.body.Resources[0]).sort(), ['id', 'meta', 'schemas', 'userName']);
  const without = await scim.request('GET', `/Users/${ids.bjensen}?excludedAttributes=emails,name`);
  t.notOk('emails' in without.body || 'name' in without.body);

  // Invalid filters: 400 invalidFilter with a detail that says what is wrong, nothing written.
  const before = (await scim.events()).length;
  for (const [filter, said] of [
    ['userName eq', /ends where a value/],
    ['userName xx "a"', /not an operator/],
    ['(userName eq "a"', /expected "\)"|ends where/],
    ['userName eq "a" and', /ends where/],
    ['emails[type eq "work"', /expected "\]"|ends where/],
    ['not userName eq "a"', /"not" must be followed by "\("/],
    ['userName eq "unterminated', /unterminated string/],
    ['userName eq bjensen', /not a value/],
    ['active gt true', /does not apply to a boolean/],
  ] as const) {
    const answer = await scim.request('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    isScimError(t, answer, 400, 'invalidFilter');
    t.match(answer.body.detail, said, filter);
  }
  isScimError(t, await scim.request('GET', '/Users?startIndex=abc'), 400, 'invalidValue');
  t.equal((await scim.events()).length, before);
});

t.test('§3.5.1 PUT and §3.14 If-Match: a stale version is 412, the current one replaces the resource', async (t) => {
  const scim = await scimEndpoint(t);
  const created = (await scim.request('POST', '/Users', RFC_CREATE_USER_WITH_EMAIL)).body;
  // RFC 7644 §3.5.1's PUT, with the address onramp needs.
  const put = `{
     "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
     "id":"${created.id}",
     "userName":"bjensen",
     "externalId":"bjensen",
     "name":{
       "formatted":"Ms. Barbara J Jensen III",
       "familyName":"Jensen",
       "givenName":"Barbara",
       "middleName":"Jane"
     },
     "roles":[],
     "emails":[
       {
           "value":"bjensen@example.com"
       },
       {
           "value":"babs@jensen.org"
       }
     ]
   }`;
  const stale = await scim.request('PUT', `/Users/${created.id}`, put, { 'if-match': 'W/"0"' });
  isScimError(t, stale, 412);
  t.equal((await scim.events()).length, 1, 'a stale PUT writes nothing');
  const replaced = await scim.request('PUT', `/Users/${created.id}`, put, { 'if-match': created.meta.version });
  t.equal(replaced.status, 200, replaced.text);
  t.match(replaced.body, { id: created.id, name: { middleName: 'Jane' }, emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }] });
  t.not(replaced.body.meta.version, created.meta.version, 'a new version');
  t.equal(replaced.body.meta.created, created.meta.created, 'created stays');
  t.equal(replaced.headers.get('etag'), replaced.body.meta.version);
  const [, event] = await scim.events();
  t.match(event, { type: 'SCIM.UserUpdated', subject: `user/${created.id}`, data: { name: { middleName: 'Jane' } } });
  // The old version again: 412.
  isScimError(t, await scim.request('PUT', `/Users/${created.id}`, put, { 'if-match': created.meta.version }), 412);
  isScimError(t, await scim.request('PUT', '/Users/no-such-id', put), 404);
  // A PUT that takes another user's userName: 409.
  await scim.request('POST', '/Users', { schemas: [USER], userName: 'other', emails: [{ value: 'other@example.com' }] });
  isScimError(t, await scim.request('PUT', `/Users/${created.id}`, put.replace('"userName":"bjensen"', '"userName":"OTHER"')), 409, 'uniqueness');
});

t.test('§3.5.2 PATCH: the RFC examples on a User and a Group, each one event', async (t) => {
  const scim = await scimEndpoint(t);
  const babs = (await scim.request('POST', '/Users', RFC_CREATE_USER_WITH_EMAIL)).body;
  const james = (await scim.request('POST', '/Users', { schemas: [USER], userName: 'jsmith', displayName: 'James Smith', emails: [{ value: 'jsmith@example.com' }] })).body;
  const group = await scim.request('POST', '/Groups', `{"schemas":["${GROUP}"],"displayName":"Tour Guides","members":[]}`);
  t.equal(group.status, 201, group.text);
  const groupId = group.body.id as string;
  const patch = async (path: string, operations: string, ifMatch?: string) => {
    const answer = await scim.request('PATCH', path, `{"schemas":["${PATCH_OP}"],"Operations":${operations}}`, ifMatch === undefined ? {} : { 'if-match': ifMatch });
    t.equal(answer.status, 200, answer.text.slice(0, 300));
    return answer.body;
  };

  // §3.5.2.1 add a member (the RFC's body, with the ids the server made).
  let g = await patch(`/Groups/${groupId}`, `[
       {
        "op":"add",
        "path":"members",
        "value":[
         {
           "display": "Babs Jensen",
           "$ref":
   "https://example.com/v2/Users/${babs.id}",
           "value": "${babs.id}"
         }
        ]
       }
     ]`, group.body.meta.version);
  t.same(g.members.map((m: { value: string }) => m.value), [babs.id]);
  const added = (await scim.events()).at(-1);
  t.match(added, { type: 'SCIM.GroupUpdated', subject: `group/${groupId}`, data: { id: groupId, displayName: 'Tour Guides', membersAdded: [{ value: babs.id, type: 'User' }] } });

  // §3.5.2.1 add without a path.
  let u = await patch(`/Users/${babs.id}`, `[
       {
        "op":"add",
        "value":{
          "emails":[
            {
              "value":"babs@jensen.org",
              "type":"home"
            }
          ],
          "nickname":"Babs"
       }
     }
   ]`);
  t.same(u.emails.map((e: { value: string }) => e.value), ['bjensen@example.com', 'babs@jensen.org']);
  t.equal(u.nickName, 'Babs', 'attribute names ignore case');

  // §3.5.2.2 remove one member by a filter, then all members, then a value of a multi-valued attribute.
  g = await patch(`/Groups/${groupId}`, `[{"op":"add","path":"members","value":[{"display":"James Smith","value":"${james.id}"}]}]`);
  t.equal(g.members.length, 2);
  g = await patch(`/Groups/${groupId}`, `[{
       "op":"remove",
       "path":"members[value eq \\"${babs.id}\\"]"
     }]`);
  t.same(g.members.map((m: { value: string }) => m.value), [james.id]);
  t.match((await scim.events()).at(-1), { data: { membersRemoved: [{ value: babs.id }] } });
  g = await patch(`/Groups/${groupId}`, `[{"op":"remove","path":"members"}]`);
  t.notOk('members' in g, 'no members left');
  u = await patch(`/Users/${babs.id}`, `[{"op":"remove","path":"emails[type eq \\"home\\" and value ew \\"jensen.org\\"]"}]`);
  t.same(u.emails.map((e: { value: string }) => e.value), ['bjensen@example.com']);

  // §3.5.2.2 replace all members: remove then add, in one request.
  g = await patch(`/Groups/${groupId}`, `[
       {
         "op":"remove",
         "path":"members"
       },
       {
         "op":"add",
         "path":"members",
         "value":[
          {
           "display": "Babs Jensen",
           "$ref": "https://example.com/v2/Users/${babs.id}",
           "value": "${babs.id}"
          },
          {
           "display": "James Smith",
           "$ref": "https://example.com/v2/Users/${james.id}",
           "value": "${james.id}"
          }
         ]
       }
     ]`);
  t.equal(g.members.length, 2);

  // §3.5.2.3 replace: members; a complex value selected by a filter; its sub-attribute; several attributes.
  g = await patch(`/Groups/${groupId}`, `[{"op":"replace","path":"members","value":[{"display":"Babs Jensen","value":"${babs.id}"}]}]`);
  t.same(g.members.map((m: { value: string }) => m.value), [babs.id]);
  await patch(`/Users/${babs.id}`, `[{"op":"add","path":"addresses","value":[{"type":"work","streetAddress":"100 Universal City Plaza"}]}]`);
  u = await patch(`/Users/${babs.id}`, `[{
       "op":"replace",
       "path":"addresses[type eq \\"work\\"]",
       "value":
       {
         "type":"work",
         "streetAddress":"911 Universal City Plaza",
         "locality":"Hollywood",
         "region":"CA",
         "postalCode":"91608",
         "country":"US",
         "formatted":"911 Universal City Plaza\\nHollywood, CA 91608 US",
         "primary":true
       }
     }]`);
  t.match(u.addresses, [{ streetAddress: '911 Universal City Plaza', locality: 'Hollywood', primary: true }]);
  u = await patch(`/Users/${babs.id}`, `[{"op":"replace","path":"addresses[type eq \\"work\\"].streetAddress","value":"1010 Broadway Ave"}]`);
  t.equal(u.addresses[0].streetAddress, '1010 Broadway Ave');
  u = await patch(`/Users/${babs.id}`, `[{
       "op":"replace",
       "value":{
         "emails":[
           {
             "value":"bjensen@example.com",
             "type":"work",
             "primary":true
           },
           {
             "value":"babs@jensen.org",
             "type":"home"
           }
         ],
         "nickname":"Babs"
       }
     }]`);
  t.equal(u.emails.length, 2);

  // Errors: a remove without a path (noTarget), an unknown op (invalidSyntax), a bad path (invalidPath / invalidFilter),
  // a replace whose filter matches nothing (noTarget), a member that is not here (invalidValue); none writes.
  const before = (await scim.events()).length;
  const bad = (operations: string) => scim.request('PATCH', `/Users/${babs.id}`, `{"schemas":["${PATCH_OP}"],"Operations":${operations}}`);
  isScimError(t, await bad('[{"op":"remove"}]'), 400, 'noTarget');
  isScimError(t, await bad('[{"op":"move","path":"title","value":"x"}]'), 400, 'invalidSyntax');
  isScimError(t, await bad('[{"op":"replace","path":"emails[type eq ]","value":"x"}]'), 400, 'invalidFilter');
  isScimError(t, await bad('[{"op":"replace","path":"9title","value":"x"}]'), 400, 'invalidPath');
  isScimError(t, await bad('[{"op":"replace","path":"addresses[type eq \\"home\\" or type eq \\"other\\"]","value":{"locality":"x"}}]'), 400, 'noTarget');
  isScimError(t, await bad('[{"op":"remove","path":"emails"}]'), 400, 'invalidValue');
  isScimError(t, await scim.request('PATCH', `/Users/${babs.id}`, '{"Operations":[{"op":"add","path":"title","value":"x"}]}'), 400, 'invalidSyntax');
  isScimError(t, await scim.request('PATCH', `/Groups/${groupId}`, `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"members","value":[{"value":"not-a-user"}]}]}`), 400, 'invalidValue');
  t.equal((await scim.events()).length, before, 'refused PATCHes write nothing');

  // A PATCH that changes nothing is not a write.
  const same = await scim.request('PATCH', `/Users/${babs.id}`, `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","path":"nickName","value":"Babs"}]}`);
  t.equal(same.status, 200);
  t.equal((await scim.events()).length, before, 'no event for no change');

  // The projection is rebuilt from the log alone: the same rows.
  const built = await rows(scim.database.db);
  t.equal(await rebuildScimResources(scim.database.db), built.length);
  t.same(await rows(scim.database.db), built, 'refolding from seq 0 gives the same rows');
});

t.test('§3.6 DELETE: 204, then 404; the event is SCIM.UserDeleted / SCIM.GroupDeleted; If-Match guards it', async (t) => {
  const scim = await scimEndpoint(t);
  const babs = (await scim.request('POST', '/Users', RFC_CREATE_USER_WITH_EMAIL)).body;
  const group = (await scim.request('POST', '/Groups', { schemas: [GROUP], displayName: 'Readers', members: [{ value: babs.id }] })).body;
  t.match(group.members, [{ value: babs.id, type: 'User' }]);
  isScimError(t, await scim.request('DELETE', `/Users/${babs.id}`, undefined, { 'if-match': 'W/"999"' }), 412);
  const deleted = await scim.request('DELETE', `/Users/${babs.id}`, undefined, { 'if-match': babs.meta.version });
  t.equal(deleted.status, 204);
  t.equal(deleted.text, '');
  isScimError(t, await scim.request('GET', `/Users/${babs.id}`), 404);
  isScimError(t, await scim.request('DELETE', `/Users/${babs.id}`), 404);
  t.equal((await scim.request('DELETE', `/Groups/${group.id}`)).status, 204);
  const types = (await scim.events()).map((e) => [e.type, e.subject]);
  t.same(types, [
    ['SCIM.UserCreated', `user/${babs.id}`],
    ['SCIM.GroupCreated', `group/${group.id}`],
    ['SCIM.UserDeleted', `user/${babs.id}`],
    ['SCIM.GroupDeleted', `group/${group.id}`],
  ]);
  t.match((await scim.events())[2]!.data, { id: babs.id, userName: 'bjensen' });
  // The userName is free again: a rehire is a new User.
  t.equal((await scim.request('POST', '/Users', RFC_CREATE_USER_WITH_EMAIL)).status, 201);
  const built = await rows(scim.database.db);
  await rebuildScimResources(scim.database.db);
  t.same(await rows(scim.database.db), built, 'deletes refold too');
});

t.test('§3.12 errors and §4 discovery: 401, malformed JSON, too large, unsupported media type, /ServiceProviderConfig, /ResourceTypes, /Schemas, /Me and /Bulk', async (t) => {
  const scim = await scimEndpoint(t, { maxBodyBytes: 4096 });
  const missing = await fetch(`${scim.base}/Users`);
  t.equal(missing.status, 401);
  t.equal(missing.headers.get('www-authenticate'), 'Bearer realm="scim"');
  t.match(await missing.json(), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
  isScimError(t, await scim.request('GET', '/Users', undefined, { authorization: `Bearer ${SCIM_TOKEN}x` }), 401);
  isScimError(t, await scim.request('GET', '/ServiceProviderConfig', undefined, { authorization: 'Bearer ingest-token-0123456789' }), 401);
  isScimError(t, await scim.request('POST', '/Users', '{"schemas": [', {}), 400, 'invalidSyntax');
  isScimError(t, await scim.request('POST', '/Users', '[1, 2]'), 400, 'invalidSyntax');
  isScimError(t, await scim.request('POST', '/Users', { userName: 'noschemas', emails: [{ value: 'a@example.com' }] }), 400, 'invalidSyntax');
  isScimError(t, await scim.request('POST', '/Users', { schemas: [USER], userName: 'x', emails: [{ value: 'x@example.com' }], title: 'y'.repeat(5000) }), 413);
  isScimError(t, await scim.request('POST', '/Users', 'userName=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
  // application/json bodies are accepted as well as application/scim+json.
  const json = await scim.request('POST', '/Users', { schemas: [USER], userName: 'plainjson', emails: [{ value: 'plainjson@example.com' }] }, { 'content-type': 'application/json' });
  t.equal(json.status, 201);
  t.equal((await scim.events()).length, 1, 'only the valid request wrote');

  const spc = await scim.request('GET', '/ServiceProviderConfig');
  t.match(spc.body, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true }, bulk: { supported: false }, filter: { supported: true, maxResults: 200 },
    changePassword: { supported: false }, sort: { supported: false }, etag: { supported: true },
    authenticationSchemes: [{ type: 'oauthbearertoken' }],
  });
  const types = await scim.request('GET', '/ResourceTypes');
  t.match(types.body, { totalResults: 2, Resources: [{ id: 'User', endpoint: '/Users', schema: USER, schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' }] }, { id: 'Group', endpoint: '/Groups' }] });
  t.equal((await scim.request('GET', '/ResourceTypes/User')).body.schema, USER);
  const schemas = await scim.request('GET', '/Schemas');
  t.same(schemas.body.Resources.map((s: { id: string }) => s.id), [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', GROUP]);
  const user = (await scim.request('GET', `/Schemas/${USER}`)).body;
  t.match(user.attributes.find((a: { name: string }) => a.name === 'userName'), { type: 'string', required: true, caseExact: false, uniqueness: 'server' });
  t.match(user.attributes.find((a: { name: string }) => a.name === 'password'), { mutability: 'writeOnly', returned: 'never' });
  isScimError(t, await scim.request('GET', '/Schemas/urn:nope'), 404);
  isScimError(t, await scim.request('GET', '/Me'), 501);
  isScimError(t, await scim.request('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }), 501);
  isScimError(t, await scim.request('GET', '/Nothing'), 404);
});

t.test('the endpoint is off without SCIM_SERVER_TOKEN', async (t) => {
  const scim = await scimEndpoint(t, { token: undefined });
  const answer = await scim.request('GET', '/ServiceProviderConfig');
  t.equal(answer.status, 404);
});

t.test('two concurrent POSTs of one userName: exactly one 201 and one 409, one event', async (t) => {
  const scim = await scimEndpoint(t);
  for (let round = 0; round < 5; round++) {
    const body = { schemas: [USER], userName: `race${round}@example.com`, emails: [{ value: `race${round}@example.com` }] };
    const answers = await Promise.all([scim.request('POST', '/Users', body), scim.request('POST', '/Users', { ...body, userName: body.userName.toUpperCase() })]);
    t.same(answers.map((a) => a.status).sort(), [201, 409], `round ${round}`);
    const conflict = answers.find((a) => a.status === 409)!;
    isScimError(t, conflict, 409, 'uniqueness');
  }
  const events = await scim.events();
  t.equal(events.length, 5, 'one UserCreated per userName');
  const listed = await scim.request('GET', '/Users');
  t.equal(listed.body.totalResults, 5);
});

t.test('concurrent PATCHes of one group (joiners of one department): each member added, one event each', async (t) => {
  const scim = await scimEndpoint(t);
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    ids.push((await scim.request('POST', '/Users', { schemas: [USER], userName: `member${i}`, emails: [{ value: `member${i}@example.com` }] })).body.id);
  }
  const group = (await scim.request('POST', '/Groups', { schemas: [GROUP], displayName: 'r-d-readers' })).body;
  const answers = await Promise.all(ids.map((id) =>
    scim.request('PATCH', `/Groups/${group.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] })));
  t.same(answers.map((a) => a.status), ids.map(() => 200));
  const members = (await scim.request('GET', `/Groups/${group.id}`)).body.members as { value: string }[];
  t.same(members.map((m) => m.value).sort(), [...ids].sort(), 'no add was lost');
  const updates = (await scim.events()).filter((e) => e.type === 'SCIM.GroupUpdated');
  t.equal(updates.length, 10);
  // Okta's PUT of the same members again changes nothing: no event.
  const put = await scim.request('PUT', `/Groups/${group.id}`, { schemas: [GROUP], displayName: 'r-d-readers', members: members.map((m) => ({ value: m.value })) });
  t.equal(put.status, 200);
  t.equal((await scim.events()).filter((e) => e.type === 'SCIM.GroupUpdated').length, 10, 'an unchanged PUT is not a write');
});
