// gitbook-sync as it runs: events in the log, the dispatcher, the worker, the SCIM client, a SCIM
// service provider built on scimmy.
import t, { type Test } from 'tap';
import { appendEvents, listDeadLetters, loadConfig, readEvents, replayRange, silentLogger, type CloudEvent } from '@onramp/core';
import { freshDatabase, freshPrefix, joinerEvent, startTestDelivery, TEST_REDIS, waitFor } from '@onramp/core/testing';
import { startScimServer } from '@onramp/provider-servers';
import { startGitbookSync } from '@onramp/gitbook-sync';

const TOKEN = 'gitbook-scim-token-0123456789';

async function setup(t: Test, withScim = true, env: Record<string, string> = {}) {
  const { db, url, drop } = await freshDatabase('gitbook');
  const prefix = freshPrefix('gitbook');
  const scim = await startScimServer({ token: TOKEN });
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL: TEST_REDIS, ...(withScim ? { GITBOOK_SCIM_URL: scim.url, GITBOOK_SCIM_TOKEN: TOKEN } : {}), ...env });
  const sync = await startGitbookSync(config, { db, logger: silentLogger, queuePrefix: prefix });
  const delivery = await startTestDelivery(db, TEST_REDIS, prefix, silentLogger);
  t.teardown(async () => {
    await sync.close();
    await delivery.close();
    await scim.close();
    await drop();
  });
  const outcomes = (type: string) => readEvents(db, { type, limit: 1000 });
  const outcomeCount = async (type: string, n: number) => {
    const all = await outcomes(type);
    return all.length >= n ? all : undefined;
  };
  return { db, scim, sync, delivery, outcomes, waitOutcomes: (type: string, n = 1) => waitFor(() => outcomeCount(type, n), 15_000, `${n} ${type}`) };
}

const lifecycle = (n: number, type: string, data: Record<string, unknown>, id = `${type}-${n}`): CloudEvent => {
  const joiner = joinerEvent(n);
  return { ...joiner, id, type, data: { ...(joiner.data as object), ...data } };
};

t.test('a joiner gets an active GitBook user in the department readers group, in 4 requests once the group exists', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  await appendEvents(db, [joinerEvent(1)]);
  const [granted] = await waitOutcomes('onramp.gitbook.AccessGranted');
  const [user] = scim.users();
  t.match(user, { userName: 'hire1@example.com', active: true, name: { givenName: 'Hire1', familyName: 'Example' }, emails: [{ value: 'hire1@example.com', primary: true }], externalId: 'idaas-1' });
  const [group] = scim.groups();
  t.match(group, { displayName: 'r-d-search-readers', members: [{ value: user!.id }] });
  t.match(granted!.data, { mode: 'sync', gitbookUserId: user!.id, gitbookUserName: 'hire1@example.com', user: 'created', group: 'r-d-search-readers', groupId: group!.id, groupDisplayName: 'r-d-search-readers', groupCreated: true, added: true });
  const before = scim.requests.length;
  await appendEvents(db, [joinerEvent(2)]);
  await waitOutcomes('onramp.gitbook.AccessGranted', 2);
  const requests = scim.requests.slice(before);
  t.same(requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, '{id}')}`), ['GET /scim/v2/Users', 'POST /scim/v2/Users', 'PATCH /scim/v2/Groups/{id}', 'GET /scim/v2/Users/{id}']);
  t.equal(scim.groups()[0]!.members && (scim.groups()[0]!.members as unknown[]).length, 2);
});

t.test('running the joiner effect again changes nothing', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  await appendEvents(db, [joinerEvent(3)]);
  await waitOutcomes('onramp.gitbook.AccessGranted');
  const before = scim.requests.length;
  await replayRange(db, { consumer: 'gitbook-sync', force: true });
  const [, again] = await waitOutcomes('onramp.gitbook.AccessGranted', 2);
  t.match(again!.data, { user: 'unchanged', added: false });
  t.same(scim.requests.slice(before).map((r) => r.method).filter((m) => m !== 'GET'), [], 'only look-ups the second time');
  t.equal(scim.users().length, 1);
});

t.test('no department: a user, no group, and the outcome says why', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  await appendEvents(db, [joinerEvent(4, null)]);
  const [granted] = await waitOutcomes('onramp.gitbook.AccessGranted');
  t.match(granted!.data, { group: null, reason: 'no_department' });
  t.equal(scim.groups().length, 0);
  t.equal(scim.users().length, 1);
});

t.test('a mover changes group; a leaver leaves the group and is deactivated', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  const dept = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  await appendEvents(db, [joinerEvent(5, 'Sales')]);
  await waitOutcomes('onramp.gitbook.AccessGranted');
  await appendEvents(db, [lifecycle(5, 'SCIM.UserUpdated', { [dept]: { department: '平台工程部' } })]);
  const [changed] = await waitOutcomes('onramp.gitbook.AccessChanged');
  t.match(changed!.data, { group: '平台工程部-readers', removedFrom: ['sales-readers'], added: true });
  const members = (name: string) => (scim.groups().find((g) => g.displayName === name)?.members as unknown[] | undefined)?.length;
  t.equal(members('sales-readers'), 0);
  t.equal(members('平台工程部-readers'), 1);
  await appendEvents(db, [{ ...lifecycle(5, 'SCIM.UserDeactivated', {}), data: { userName: 'hire5@example.com', active: false } }]);
  const [revoked] = await waitOutcomes('onramp.gitbook.AccessRevoked');
  t.match(revoked!.data, { action: 'deactivated', onLeave: 'deactivate', removedFrom: ['平台工程部-readers'] });
  t.equal(scim.users()[0]!.active, false);
  t.equal(members('平台工程部-readers'), 0);
  await appendEvents(db, [{ ...lifecycle(5, 'SCIM.UserDeleted', {}), data: { userName: 'hire5@example.com' } }]);
  const [, again] = await waitOutcomes('onramp.gitbook.AccessRevoked', 2);
  t.match(again!.data, { action: 'already_inactive' }, 'GITBOOK_ON_LEAVE=deactivate keeps the account for a rehire');
  t.equal(scim.users().length, 1);
});

t.test('GITBOOK_ON_LEAVE=delete: a leaver\'s account is deleted', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t, true, { GITBOOK_ON_LEAVE: 'delete' });
  await appendEvents(db, [joinerEvent(9)]);
  await waitOutcomes('onramp.gitbook.AccessGranted');
  await appendEvents(db, [{ ...lifecycle(9, 'SCIM.UserDeleted', {}), data: { userName: 'hire9@example.com' } }]);
  const [deleted] = await waitOutcomes('onramp.gitbook.AccessRevoked');
  t.match(deleted!.data, { action: 'deleted', onLeave: 'delete', removedFrom: ['r-d-search-readers'] });
  t.equal(scim.users().length, 0);
});

t.test('a request the provider rejects is a dead letter and AccessFailed', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  scim.failNext(1, { status: 400, scimType: 'invalidValue', detail: 'userName is not allowed' });
  await appendEvents(db, [joinerEvent(6)]);
  const [failed] = await waitOutcomes('onramp.gitbook.AccessFailed');
  t.match(failed!.data, { code: 'scim_invalid', reason: /invalidValue/, attempts: 1 });
  t.equal((await listDeadLetters(db, 'gitbook-sync')).length, 1);
});

t.test('without GITBOOK_SCIM_URL: a dry run that records the calls it would make', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t, false);
  await appendEvents(db, [joinerEvent(7)]);
  const [granted] = await waitOutcomes('onramp.gitbook.AccessGranted');
  t.match(granted!.data, {
    mode: 'dry-run',
    dryRun: true,
    group: 'r-d-search-readers',
    calls: ['GET /Users?filter=userName eq "hire7@example.com"', 'POST /Users', 'GET /Groups?filter=displayName eq "r-d-search-readers"', 'POST /Groups', /^PATCH \/Groups\/.* add members/],
  });
  t.equal(scim.requests.length, 0, 'no call was made');
});

t.test('GITBOOK_MODE=dry-run asked for by name: a dry run even with a SCIM URL, and AccessGranted says so', async (t) => {
  const { db, scim, sync, waitOutcomes } = await setup(t, true, { GITBOOK_MODE: 'dry-run' });
  t.equal(sync.dryRun, true);
  await appendEvents(db, [joinerEvent(8)]);
  const [granted] = await waitOutcomes('onramp.gitbook.AccessGranted');
  t.match(granted!.data, { mode: 'dry-run', dryRun: true, group: 'r-d-search-readers' });
  t.equal(scim.requests.length, 0, 'no call was made');
  t.equal(scim.users().length, 0);
});
