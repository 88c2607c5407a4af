// The IDaaS event callback door (POST /idaas/events), driven by a local IDaaS stand-in that signs and
// encrypts callbacks as IDaaS documents them: accepted, duplicate, not IDaaS's (401), stale or replayed
// (401), malformed (400, nothing written), every address-book event type mapped, the key endpoint
// fetched again for a new key id, and a token given back when the log could not be written.
import t, { type Test } from 'tap';
import { idaasCallbackSource, SCIM_ENTERPRISE_USER } from '@onramp/core';
import { idaasUser, startIdaasStandIn } from '@onramp/provider-servers';
import { startDoorApp } from './door-app.js';

const PREFIX = 'urn:alibaba:idaas:app:event';
const KEY = 'a'.repeat(16) + '0123456789abcdef'.repeat(3);

async function door(t: Test, options: { encryptionKey?: string; failAppends?: () => boolean } = {}) {
  const idaas = await startIdaasStandIn();
  t.teardown(() => idaas.close());
  const idaasCallback = { applicationId: idaas.applicationId, jwksUrl: idaas.jwksUrl, encryptionKey: options.encryptionKey, clockSkewSeconds: 60, refreshCooldownMs: 0 };
  const { base, events, app } = await startDoorApp(t, 'idaas', { idaasCallback }, options.failAppends);
  return { idaas, url: `${base}/idaas/events`, events, app };
}

const create = (n: number | string, extra: Record<string, unknown> = {}) => ({ eventType: `${PREFIX}:ud:user:create`, bizData: idaasUser(n, undefined, extra), eventId: `evt-create-${n}` });

t.test('a signed account creation is appended as SCIM.UserCreated from the door, under IDaaS’s event id', async (t) => {
  const { idaas, url, events } = await door(t);
  const sent = await idaas.send(url, [create(1, { password: 'S3cret!' })]);
  t.equal(sent.status, 200);
  t.match(sent.body, { successEvents: [{ eventId: 'evt-create-1', eventCode: 'SUCCESS', eventMessage: 'appended' }], failedEvents: [], skippedEvents: [], retriedEvents: [] });
  const [event] = await events();
  t.match(event, {
    source: idaasCallbackSource(idaas.applicationId),
    id: 'evt-create-1',
    type: 'SCIM.UserCreated',
    subject: 'user/user_1',
    data: { userName: 'hire1', emails: [{ value: 'hire1@example.com', primary: true }], active: true, [SCIM_ENTERPRISE_USER]: { department: 'R&D / Search' } },
    extensions: { idaaseventtype: `${PREFIX}:ud:user:create`, idaasinstanceid: idaas.instanceId },
  });
  t.notOk(JSON.stringify(event).includes('S3cret'), 'a synchronized password never reaches the log');
});

t.test('the same IDaaS event again is a duplicate, not a second event', async (t) => {
  const { idaas, url, events } = await door(t);
  await idaas.send(url, [create(2)]);
  const again = await idaas.send(url, [create(2)]);
  t.equal(again.status, 200);
  t.match(again.body, { successEvents: [{ eventId: 'evt-create-2', eventMessage: 'duplicate' }] });
  t.equal((await events()).length, 1);
});

t.test('a token not signed by a published key, for another application or from another issuer is 401; nothing is written', async (t) => {
  const { idaas, url, events } = await door(t);
  for (const options of [{ foreignKey: true }, { audience: 'app_someone_else' }, { issuer: 'urn:example:not-idaas' }]) {
    const sent = await idaas.send(url, [create(3)], options);
    t.equal(sent.status, 401, JSON.stringify(options));
    t.match(sent.body, { type: 'urn:onramp:problem:unauthorized' });
  }
  t.equal((await events()).length, 0);
});

t.test('an expired token, or one issued in the future beyond the clock skew, is 401', async (t) => {
  const { idaas, url, events } = await door(t);
  const now = Math.floor(Date.now() / 1000);
  t.equal((await idaas.send(url, [create(4)], { iat: now - 600, exp: now - 120 })).status, 401, 'expired two minutes ago, skew 60 s');
  t.equal((await idaas.send(url, [create(4)], { iat: now + 600, exp: now + 660 })).status, 401, 'issued ten minutes from now');
  t.equal((await idaas.send(url, [create(4)], { iat: now - 30, exp: now - 30 })).status, 200, 'within the 60 s skew IDaaS’s SDK allows');
  t.equal((await events()).length, 1);
});

t.test('a replayed token is 401, also when its first use was accepted', async (t) => {
  const { idaas, url, events } = await door(t);
  const token = await idaas.token([create(5)]);
  const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: token }) });
  t.equal((await post()).status, 200);
  const replay = await post();
  t.equal(replay.status, 401);
  t.match(await replay.json(), { detail: /replayed/ });
  t.equal((await events()).length, 1);
});

t.test('malformed requests are 400 and write nothing', async (t) => {
  const { idaas, url, events } = await door(t);
  const post = (body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  t.equal((await post('{"event": ')).status, 400, 'not JSON');
  t.equal((await post('{}')).status, 400, 'no event');
  t.equal((await post('{"event": "not.a.token"}')).status, 400, 'not a JWS');
  const noList = await idaas.token([], { claims: { dataEncrypted: false, plainData: { instanceId: 'x', eventData: '{"not": "a list"}' } } });
  t.equal((await post(JSON.stringify({ event: noList }))).status, 400, 'eventData not a list');
  const noFlag = await idaas.token([], { claims: { plainData: { eventData: '[]' } } });
  t.equal((await post(JSON.stringify({ event: noFlag }))).status, 400, 'no dataEncrypted');
  const badItem = await idaas.token([], { claims: { dataEncrypted: false, plainData: { eventData: JSON.stringify([create(6), { eventType: 'x' }]) } } });
  const refused = await post(JSON.stringify({ event: badItem }));
  t.equal(refused.status, 400, 'one event without an id: the whole request');
  t.match(await refused.json(), { detail: /eventData\[1\]\.eventId/ });
  t.equal((await events()).length, 0);
});

t.test('every user, organizational unit and group event type is mapped; the test event and password changes write nothing', async (t) => {
  const { idaas, url, events } = await door(t);
  const user = idaasUser(7);
  const ou = { organizationalUnitId: 'ou_rd', organizationalUnitName: 'R&D / Search', parentId: 'ou_root', organizationalUnitExternalId: 'ext-rd' };
  const group = { groupId: 'group_readers', groupName: 'Readers', groupExternalId: 'ext-readers' };
  const expected: [string, Record<string, unknown>, string | null, Record<string, unknown>?][] = [
    ['user:create', user, 'SCIM.UserCreated', { active: true }],
    ['user:update_info', user, 'SCIM.UserUpdated', { active: true }],
    ['user:update_primary_ou', user, 'SCIM.UserUpdated'],
    ['user:disable', { ...user, status: 'disabled' }, 'SCIM.UserDeactivated', { active: false }],
    ['user:enable', user, 'SCIM.UserUpdated', { active: true }],
    ['user:lock', user, 'SCIM.UserDeactivated', { active: false }],
    ['user:unlock', user, 'SCIM.UserUpdated', { active: true }],
    ['user:push', user, 'SCIM.UserUpdated'],
    ['user:delete', user, 'SCIM.UserDeleted', { userName: 'hire7' }],
    ['organizational_unit:create', ou, 'SCIM.GroupCreated', { id: 'ou_rd', displayName: 'R&D / Search', externalId: 'ext-rd', 'urn:onramp:idaas:group': { kind: 'organizational_unit', parentId: 'ou_root' } }],
    ['organizational_unit:update', ou, 'SCIM.GroupUpdated'],
    ['organizational_unit:update_parent_organizational_unit', ou, 'SCIM.GroupUpdated'],
    ['organizational_unit:add_user', { organizationalUnitId: 'ou_rd', userId: 'user_7' }, 'SCIM.GroupUpdated', { membersAdded: [{ value: 'user_7' }] }],
    ['organizational_unit:remove_user', { organizationalUnitId: 'ou_rd', userId: 'user_7' }, 'SCIM.GroupUpdated', { membersRemoved: [{ value: 'user_7' }] }],
    ['organizational_unit:push', ou, 'SCIM.GroupUpdated'],
    ['organizational_unit:delete', ou, 'SCIM.GroupDeleted', { id: 'ou_rd' }],
    ['group:create', group, 'SCIM.GroupCreated', { id: 'group_readers', displayName: 'Readers', 'urn:onramp:idaas:group': { kind: 'group' } }],
    ['group:update', group, 'SCIM.GroupUpdated'],
    ['group:add_user', { groupId: 'group_readers', userIds: ['user_7', 'user_8'] }, 'SCIM.GroupUpdated', { membersAdded: [{ value: 'user_7' }, { value: 'user_8' }] }],
    ['group:remove_user', { groupId: 'group_readers', userId: 'user_8' }, 'SCIM.GroupUpdated', { membersRemoved: [{ value: 'user_8' }] }],
    ['group:delete', group, 'SCIM.GroupDeleted', { id: 'group_readers' }],
    ['user:update_password', { ...user, password: 'S3cret!' }, null],
  ];
  const sent = await idaas.send(url, [
    { eventType: `${PREFIX}:common:test`, bizData: {}, eventId: 'evt-test' },
    ...expected.map(([code, bizData], i) => ({ eventType: `${PREFIX}:ud:${code}`, bizData, eventId: `evt-${i}` })),
  ]);
  t.equal(sent.status, 200);
  t.match(sent.body, { successEvents: [{ eventId: 'evt-test', eventMessage: 'test event received' }], skippedEvents: [{ eventId: `evt-${expected.length - 1}` }], failedEvents: [] });
  const stored = await events();
  t.equal(stored.length, expected.length - 1, 'one stored event per mapped type; none for the test event or a password change');
  expected.forEach(([code, , type, data], i) => {
    if (type === null) return;
    const event = stored.find((e) => e.id === `evt-${i}`);
    t.equal(event?.type, type, code);
    if (data !== undefined) t.match(event?.data, data, `${code} data`);
  });
  t.notOk(JSON.stringify(stored).includes('S3cret'));
});

t.test('an account without an email address is answered as failed; the other events go on', async (t) => {
  const { idaas, url, events } = await door(t);
  const sent = await idaas.send(url, [create(9, { email: undefined }), create(10)]);
  t.equal(sent.status, 200);
  t.match(sent.body, { failedEvents: [{ eventId: 'evt-create-9', eventCode: 'unmappable', eventMessage: /emails/ }], successEvents: [{ eventId: 'evt-create-10' }] });
  t.same((await events()).map((e) => e.id), ['evt-create-10']);
});

t.test('with encryption on, encrypted data is opened; plain data or another key is refused', async (t) => {
  const { idaas, url, events } = await door(t, { encryptionKey: KEY });
  const sent = await idaas.send(url, [create(11)], { encryptionKey: KEY });
  t.equal(sent.status, 200);
  t.equal((await idaas.send(url, [create(12)])).status, 400, 'plain data while encryption is on');
  const other = await idaas.send(url, [create(13)], { encryptionKey: 'f'.repeat(64) });
  t.equal(other.status, 400, 'encrypted under another key');
  t.same((await events()).map((e) => e.id), ['evt-create-11']);
});

t.test('a new signing key is fetched from the key endpoint when a token names an unknown key id', async (t) => {
  const { idaas, url, events } = await door(t);
  t.equal((await idaas.send(url, [create(14)])).status, 200);
  const fetched = idaas.jwksFetches();
  t.equal((await idaas.send(url, [create(15)])).status, 200);
  t.equal(idaas.jwksFetches(), fetched, 'known key: served from the cache');
  await idaas.rotateKey();
  t.equal((await idaas.send(url, [create(16)])).status, 200, 'signed with the new key');
  t.equal(idaas.jwksFetches(), fetched + 1);
  t.equal((await events()).length, 3);
});

t.test('when the log cannot be written the answer is 503 and IDaaS’s retry of the same token is accepted', async (t) => {
  let down = true;
  const { idaas, url, events } = await door(t, { failAppends: () => down });
  const token = await idaas.token([create(17)]);
  const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: token }) });
  t.equal((await post()).status, 503);
  down = false;
  t.equal((await post()).status, 200, 'the same token, retried');
  t.equal((await post()).status, 401, 'and then it is used');
  t.equal((await events()).length, 1);
});
