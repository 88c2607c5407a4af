import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { ScimError, createScimClient, type ScimUserInput } from '@onramp/core';
import { startScimServer } from '@onramp/provider-servers';

const TOKEN = 'scim-test-token-0123456789';
const person = (n: number | string): ScimUserInput => ({
  userName: `person${n}@example.com`,
  active: true,
  name: { givenName: `Given${n}`, familyName: 'Family' },
  emails: [{ value: `person${n}@example.com`, type: 'work', primary: true }],
});

async function setup(t: Test, options: Partial<Parameters<typeof startScimServer>[0]> = {}) {
  const server = await startScimServer({ token: TOKEN, ...options });
  t.teardown(() => server.close());
  return { server, scim: createScimClient({ baseUrl: server.url, token: TOKEN, timeoutMs: 2000 }) };
}

t.test('reads what the service provider supports', async (t) => {
  const { scim } = await setup(t, { maxResults: 50 });
  const config = await scim.serviceProviderConfig();
  t.same(config, { patch: { supported: true }, filter: { supported: true, maxResults: 50 }, etag: { supported: true }, sort: { supported: true }, bulk: { supported: false } });
});

t.test('creates a user, finds it by userName in any case, and adopts it on 409 uniqueness', async (t) => {
  const { scim, server } = await setup(t);
  const created = await scim.createUser(person(1));
  t.equal(created.adopted, false);
  t.match(created.user, { userName: 'person1@example.com', active: true, meta: { version: 'W/"1"' } });
  t.equal((await scim.findUserByUserName('PERSON1@example.com'))?.id, created.user.id, 'userName is case-insensitive (RFC 7643)');
  const again = await scim.createUser({ ...person(1), userName: 'Person1@Example.com' });
  t.equal(again.adopted, true);
  t.equal(again.user.id, created.user.id);
  t.equal(server.users().length, 1, 'no second user');
  t.ok(server.requests.some((r) => r.method === 'POST' && r.status === 409), 'the server did answer 409');
});

t.test('pages through a collection with startIndex and count', async (t) => {
  const { scim, server } = await setup(t, { maxResults: 3 });
  for (let i = 0; i < 8; i++) await scim.createUser(person(i));
  const page = await scim.listUsers({ startIndex: 4, count: 2 });
  t.equal(page.totalResults, 8);
  t.equal(page.Resources.length, 2);
  t.equal(page.startIndex, 4);
  await scim.serviceProviderConfig();
  const before = server.requests.length;
  const all = await scim.listAll('/Users');
  t.equal(all.length, 8);
  t.equal(new Set(all.map((u) => u.id)).size, 8, 'no resource twice');
  t.equal(server.requests.length - before, 3, 'three pages of maxResults=3');
});

t.test('PATCH uses If-Match; a 412 makes it re-read and apply the operations to the current version', async (t) => {
  const { scim, server } = await setup(t);
  const { user } = await scim.createUser(person(2));
  await scim.patchUser(user.id, [{ op: 'replace', path: 'displayName', value: 'Changed elsewhere' }]);
  const patched = await scim.patchUser(user.id, [{ op: 'replace', path: 'active', value: false }], user.meta?.version);
  t.equal(patched?.active, false);
  t.equal(patched?.displayName, 'Changed elsewhere', 'the other change is kept');
  const statuses = server.requests.filter((r) => r.method === 'PATCH').map((r) => r.status);
  t.same(statuses, [200, 412, 200]);
});

t.test('groups: create (adopt on 409), add a member once, remove it', async (t) => {
  const { scim, server } = await setup(t);
  const { user } = await scim.createUser(person(3));
  const { group } = await scim.createGroup('eng-readers');
  t.equal((await scim.createGroup('eng-readers')).group.id, group.id, 'adopted');
  await scim.addGroupMember(group.id, user.id);
  await scim.addGroupMember(group.id, user.id);
  t.same((await scim.findGroupByDisplayName('eng-readers', true))?.members?.map((m) => m.value), [user.id]);
  t.notOk((await scim.findGroupByDisplayName('eng-readers'))?.members, 'members left out unless asked for');
  t.same((await scim.findUserByUserName(user.userName))?.groups?.map((g) => g.value), [group.id]);
  await scim.removeGroupMember(group.id, user.id);
  t.same((server.groups()[0]!.members as unknown[]).length, 0);
});

t.test('SCIM errors become typed errors', async (t) => {
  const { scim, server } = await setup(t);
  await t.rejects(scim.listUsers({ filter: 'userName xx "a"' }), { code: 'scim_invalid', status: 400, scimType: 'invalidFilter' });
  t.equal(await scim.getUser('no-such-id'), undefined);
  t.equal(await scim.deleteUser('no-such-id'), false);
  const wrong = createScimClient({ baseUrl: server.url, token: 'wrong-token-0123456789' });
  const error = await wrong.findUserByUserName('x@example.com').catch((e: unknown) => e);
  t.ok(error instanceof ScimError);
  t.match(error, { code: 'scim_unauthorized', status: 401 });
  t.equal((error as ScimError).retryable, false);
  server.failNext(1, { status: 503 });
  await t.rejects(scim.findUserByUserName('x@example.com'), { code: 'scim_server_error' });
});

t.test('slows down by X-RateLimit-* and waits out 429 Retry-After', async (t) => {
  const { scim, server } = await setup(t, { rateLimit: { max: 5, windowMs: 1000 } });
  const started = Date.now();
  for (let i = 0; i < 12; i++) await scim.findUserByUserName(`nobody${i}@example.com`);
  const elapsed = Date.now() - started;
  const limited = server.requests.filter((r) => r.status === 429).length;
  t.ok(elapsed >= 1500, `12 requests at 5/s took ${elapsed} ms`);
  t.ok(limited <= 1, `${limited} answers were 429`);
  server.failNext(1, { status: 429, headers: { 'retry-after': '1' } });
  const before = Date.now();
  t.equal(await scim.findUserByUserName('someone@example.com'), undefined, 'the call succeeds after the wait');
  t.ok(Date.now() - before >= 900, 'it waited Retry-After');
});

t.test('a server that does not answer in time is a timeout', async (t) => {
  const hanging = createServer(() => undefined);
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { hanging.closeAllConnections(); hanging.close(() => resolve()); }));
  const { port } = hanging.address() as AddressInfo;
  const scim = createScimClient({ baseUrl: `http://127.0.0.1:${port}/scim/v2`, token: TOKEN, timeoutMs: 300 });
  const error = await scim.findUserByUserName('a@example.com').catch((e: unknown) => e);
  t.match(error, { code: 'scim_timeout' });
  t.equal((error as ScimError).retryable, true);
});

// Quirks of SCIM servers onramp did not write (the provider server switches them on).

t.test('a look-up counts only a resource whose userName is the one asked for, whatever the filter matched', async (t) => {
  const { scim, server } = await setup(t, { quirks: { eqAsRegex: true } });
  const other = await scim.createUser({ ...person(0), userName: 'wrong1xperson@example.com', emails: [{ value: 'wrong1xperson@example.com' }] });
  const listed = await scim.listUsers({ filter: 'userName eq "wrong1.person@example.com"' });
  t.equal(listed.Resources.length, 1, 'the server\'s eq matched the other account');
  t.equal(await scim.findUserByUserName('wrong1.person@example.com'), undefined, 'none matching means absent');
  t.equal((await scim.findUserByUserName('WRONG1XPERSON@example.com'))?.id, other.user.id, 'the exact one is found in any case');
  t.equal(server.users().length, 1);
});

t.test('a 201 without an id is read again by filter; none there either is scim_missing_id', async (t) => {
  const { scim, server } = await setup(t, { quirks: { createdWithoutIdFor: /^noid/ } });
  const created = await scim.createUser({ ...person(3), userName: 'noid3@example.com' });
  t.equal(created.user.id, server.users()[0]!.id, 'the id the server has');
  server.setQuirks({ createdWithoutIdFor: /^noid/, listedWithoutIdFor: /^noid/ });
  await t.rejects(scim.createUser({ ...person(4), userName: 'noid4@example.com' }), { code: 'scim_missing_id', retryable: false });
});

t.test('a membership PATCH answered 204 but not done is scim_unconfirmed, not success', async (t) => {
  const { scim } = await setup(t, { quirks: { memberAddsIgnored: true } });
  const { user } = await scim.createUser(person(5));
  const { group } = await scim.createGroup('quirk-readers');
  await t.rejects(scim.addGroupMember(group.id, user.id), { code: 'scim_unconfirmed', retryable: true });
});

t.test('500 for a missing resource, and a group deleted by an administrator', async (t) => {
  const { scim, server } = await setup(t, { quirks: { missingAs500: true } });
  const { group } = await scim.createGroup('gone-readers');
  t.equal(server.deleteGroup('gone-readers'), true);
  t.equal(await scim.findGroupByDisplayName('gone-readers'), undefined);
  const { user } = await scim.createUser(person(6));
  await t.rejects(scim.addGroupMember(group.id, user.id), { code: 'scim_server_error', status: 500 });
});
