// The SCIM endpoint's resource table as a projection of the log: written in the append's transaction
// (both or neither), its userName held unique by the database even when two writers both found it free,
// events of other doors ignored, and refolded from seq 0 to the same rows.
import t from 'tap';
import {
  appendEvents,
  appendProjected,
  findScimResourceByUniqueKey,
  projectScimEvent,
  readEvents,
  rebuildScimResources,
  SCIM_SERVER_SOURCE,
  type CloudEvent,
} from '@onramp/core';
import { freshDatabase } from '@onramp/core/testing';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

const created = (id: string, userName: string, source = SCIM_SERVER_SOURCE): CloudEvent => ({
  specversion: '1.0',
  id: `evt-${id}`,
  source,
  type: 'SCIM.UserCreated',
  subject: `user/${id}`,
  time: new Date().toISOString(),
  data: { schemas: [USER], id, userName, emails: [{ value: `${id}@example.com` }], active: true },
  extensions: {},
});

t.test('two writers that both found a userName free: one commits, the other fails on the unique key and writes nothing', async (t) => {
  const database = await freshDatabase('scimrace');
  t.teardown(database.drop);
  let arrived = 0;
  let release!: () => void;
  const bothChecked = new Promise<void>((resolve) => (release = resolve));
  const write = (id: string, userName: string) =>
    appendProjected(database.db, async (trx) => {
      const taken = await findScimResourceByUniqueKey(trx, 'User', userName);
      // Both look before either writes: only the database can refuse the second.
      if (++arrived === 2) release();
      await bothChecked;
      return taken === undefined ? { event: created(id, userName), value: taken } : { value: taken };
    }, projectScimEvent);
  const results = await Promise.allSettled([write('a', 'li.wei@example.com'), write('b', 'LI.WEI@example.com')]);
  // The loser either fails on the unique key, or — when InnoDB made it a deadlock's victim instead — is run
  // again from the start by appendProjected and then finds the name taken. Either way it writes nothing.
  const outcomes = results.map((r) => (r.status === 'rejected' ? `errno ${(r.reason as { errno?: number }).errno}` : r.value.appended ? 'appended' : 'found taken'));
  t.equal(outcomes.filter((o) => o === 'appended').length, 1, `one writer appended (${outcomes.join(', ')})`);
  t.ok(outcomes.includes('errno 1062') || outcomes.includes('found taken'), 'the other hit the unique key, or found the name taken on its retry');
  t.equal((await readEvents(database.db)).length, 1, 'the loser\'s event rolled back with its row');
  t.equal((await database.db.selectFrom('scim_resources').selectAll().execute()).length, 1);
});

t.test('only the SCIM door\'s events make rows; a rebuild from seq 0 gives the same rows', async (t) => {
  const database = await freshDatabase('scimfold');
  t.teardown(database.drop);
  await appendEvents(database.db, [created('other', 'other@example.com', 'com.aliyun.idaas')]);
  for (const [id, name] of [['a', 'a@example.com'], ['b', 'b@example.com']] as const) {
    await appendProjected(database.db, async () => ({ event: created(id, name), value: undefined }), projectScimEvent);
  }
  await appendProjected(database.db, async () => ({
    event: { ...created('a', 'a@example.com'), id: 'evt-a-2', type: 'SCIM.UserDeactivated', data: { schemas: [USER], id: 'a', userName: 'a@example.com', emails: [{ value: 'a@example.com' }], active: false } },
    value: undefined,
  }), projectScimEvent);
  await appendProjected(database.db, async () => ({
    event: { ...created('b', 'b@example.com'), id: 'evt-b-2', type: 'SCIM.UserDeleted', data: { schemas: [USER], id: 'b', userName: 'b@example.com' } },
    value: undefined,
  }), projectScimEvent);
  const rows = await database.db.selectFrom('scim_resources').selectAll().execute();
  t.same(rows.map((r) => [r.id, JSON.parse(r.resource).active]), [['a', false]], 'b deleted, a deactivated, the other door\'s user absent');
  t.equal(Number(rows[0]!.seq), 4, 'the version is the seq of the last event');
  t.equal(Number(rows[0]!.created_seq), 2);
  t.equal(await rebuildScimResources(database.db, 1), 1, 'one row, read a page of one event at a time');
  t.same(await database.db.selectFrom('scim_resources').selectAll().execute(), rows);
});
