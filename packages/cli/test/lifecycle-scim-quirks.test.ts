// gitbook-sync against a SCIM server with the quirks of servers onramp did not write: another account is
// never modified, no access is recorded that the server does not show, and a group deleted on the server
// is made again for the next joiner.
import t from 'tap';
import { appendEvents, createScimClient, listDeadLetters, type StoredEvent } from '@onramp/core';
import { joinerEvent } from '@onramp/core/testing';
import { startLifecycle } from './lifecycle-helpers.js';

const withEmail = (n: number, email: string) => {
  const event = joinerEvent(n);
  return { ...event, data: { ...(event.data as object), userName: email, emails: [{ value: email, type: 'work', primary: true }] } };
};

const ACCESS = ['onramp.gitbook.AccessGranted', 'onramp.gitbook.AccessChanged'];

t.test('eq acting like a regular expression: onboarding wrong1.person never touches wrong1xperson', async (t) => {
  const life = await startLifecycle(t, { quirks: { eqAsRegex: true }, indexer: false });
  const admin = createScimClient({ baseUrl: life.scim.url, token: 'lifecycle-scim-token-0123456789' });
  const { user: other } = await admin.createUser({ userName: 'wrong1xperson@example.com', active: true, name: { givenName: 'Other', familyName: 'Person' }, emails: [{ value: 'wrong1xperson@example.com', primary: true }] });
  const before = JSON.stringify(life.scim.users().find((u) => u.id === other.id));
  await appendEvents(life.db, [withEmail(1, 'wrong1.person@example.com')]);
  await life.settled();
  const [granted] = await life.outcomes('onramp.gitbook.AccessGranted');
  const mine = life.scim.users().find((u) => u.userName === 'wrong1.person@example.com');
  t.ok(mine, 'a new account for the joiner');
  t.match(granted!.data, { gitbookUserId: mine!.id, gitbookUserName: 'wrong1.person@example.com', user: 'created', added: true });
  t.equal(JSON.stringify(life.scim.users().find((u) => u.id === other.id)), before, 'the other account is exactly as it was');
  const group = life.scim.groups().find((g) => g.displayName === 'r-d-search-readers');
  t.same((group!.members as { value: string }[]).map((m) => m.value), [mine!.id], 'only the joiner is in the group');
});

t.test('201 without an id: the account is found by userName and the membership made; with no id anywhere, no AccessGranted', async (t) => {
  const life = await startLifecycle(t, { quirks: { createdWithoutIdFor: /^noid/ }, indexer: false });
  await appendEvents(life.db, [withEmail(2, 'noid2@example.com')]);
  await life.settled();
  const [granted] = await life.outcomes('onramp.gitbook.AccessGranted');
  const user = life.scim.users().find((u) => u.userName === 'noid2@example.com');
  t.match(granted!.data, { gitbookUserId: user!.id, added: true });
  t.same((life.scim.groups()[0]!.members as { value: string }[]).map((m) => m.value), [user!.id], 'the membership is on the server');

  life.scim.setQuirks({ createdWithoutIdFor: /^noid/, listedWithoutIdFor: /^noid/ });
  await appendEvents(life.db, [withEmail(3, 'noid3@example.com')]);
  await life.settled();
  const failed = await life.outcomes('onramp.gitbook.AccessFailed');
  t.match(failed, [{ data: { code: 'scim_missing_id', attempts: 1 } }], 'a permanent failure with a clear code, at once');
  t.equal((await life.outcomes('onramp.gitbook.AccessGranted')).length, 1, 'no second AccessGranted');
  t.notOk(life.scim.requests.some((r) => r.method === 'PATCH' && r.at > granted!.recordedAt.getTime()), 'no membership PATCH without an id');
});

t.test('a membership PATCH answered but not done: no AccessGranted is recorded', async (t) => {
  const life = await startLifecycle(t, { quirks: { memberAddsIgnored: true }, indexer: false });
  await appendEvents(life.db, [joinerEvent(4)]);
  await life.settled();
  const access = (await Promise.all(ACCESS.map((type) => life.outcomes(type)))).flat();
  t.same(access, [], 'nothing claims access');
  t.match(await life.outcomes('onramp.gitbook.AccessFailed'), [{ data: { reason: /answered 204 but the user is not in the group/ } }]);
  t.equal((await listDeadLetters(life.db, 'gitbook-sync')).length, 1);
});

for (const missingAs500 of [false, true]) {
  t.test(`the group deleted on the server (missing resources answered ${missingAs500 ? '500' : '404'}): the next joiner is in a re-created group within one retry`, async (t) => {
    const life = await startLifecycle(t, { quirks: { missingAs500 }, indexer: false });
    await appendEvents(life.db, [joinerEvent(5)]);
    await life.settled();
    const [first] = life.scim.groups();
    t.equal(life.scim.deleteGroup('r-d-search-readers'), true);
    await appendEvents(life.db, [joinerEvent(6), joinerEvent(7)]);
    await life.settled();
    const granted: StoredEvent[] = await life.outcomes('onramp.gitbook.AccessGranted');
    t.equal(granted.length, 3, 'every joiner got access');
    t.same(await life.outcomes('onramp.gitbook.AccessFailed'), [], 'no failure, no dead letter');
    const [again] = life.scim.groups();
    t.not(again!.id, first!.id, 'a new group');
    t.equal(again!.displayName, 'r-d-search-readers');
    const ids = (again!.members as { value: string }[]).map((m) => m.value).sort();
    t.same(ids, life.scim.users().filter((u) => u.userName !== 'hire5@example.com').map((u) => u.id as string).sort(), 'both new joiners are in it');
    const failedPatches = life.scim.requests.filter((r) => r.method === 'PATCH' && r.status >= 400);
    // Each joiner PATCHes the remembered id at most once before it looks the group up again.
    t.ok(failedPatches.length >= 1 && failedPatches.length <= 2, `at most one failed PATCH per joiner (${failedPatches.length})`);
    t.ok(failedPatches.every((r) => r.status === (missingAs500 ? 500 : 404)), 'the server answered as its quirk says');
  });
}
