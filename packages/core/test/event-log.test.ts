import t from 'tap';
import { sql } from 'kysely';
import {
  appendEvents,
  appendFailure,
  connectDatabase,
  createAppendBatcher,
  deliveryPrefix,
  isLogUnavailable,
  MAX_DATA_BYTES,
  MAX_DATA_DEPTH,
  parseEvents,
  readEvents,
  type CloudEvent,
} from '@onramp/core';
import { freshDatabase } from '@onramp/core/testing';

const user = (id: string, subject = `user/${id}`): CloudEvent => ({
  specversion: '1.0',
  id,
  source: 'com.aliyun.idaas',
  type: 'SCIM.UserCreated',
  subject,
  data: {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `${id}@example.com`,
    emails: [{ value: `${id.replace(/[^a-z0-9]/gi, '')}@example.com` }],
    active: true,
  },
  extensions: { aliyunregionid: 'cn-hangzhou' },
});

t.test('appends a batch and returns each seq in order, duplicates pointing at the first', async (t) => {
  const { db, drop } = await freshDatabase('log');
  t.teardown(drop);
  const first = await appendEvents(db, [user('a'), user('b'), user('a')]);
  t.equal(first[0]!.status, 'appended');
  t.equal(first[1]!.status, 'appended');
  t.same(first[2], { status: 'duplicate', seq: first[0]!.seq });
  t.ok(first[1]!.seq > first[0]!.seq, 'seq grows in batch order');
  const again = await appendEvents(db, [user('b'), user('c')]);
  t.same(again[0], { status: 'duplicate', seq: first[1]!.seq });
  t.equal(again[1]!.status, 'appended');
  const outbox = await db.selectFrom('outbox').select('seq').execute();
  t.equal(outbox.length, 3, 'one outbox row per appended event, none for duplicates');
});

t.test('reads back the envelope, data and extensions exactly', async (t) => {
  const { db, drop } = await freshDatabase('log');
  t.teardown(drop);
  await appendEvents(db, [user('a', 'user/1'), user('b', 'user/2'), { ...user('c', 'user/1'), type: 'SCIM.UserUpdated' }]);
  const all = await readEvents(db);
  t.equal(all.length, 3);
  t.same(all[0]!.data, user('a').data);
  t.equal(all[0]!.schemaVersion, 1, 'stored with the version of its data schema');
  t.same(all[0]!.extensions, { aliyunregionid: 'cn-hangzhou' });
  t.same((await readEvents(db, { subject: 'user/1' })).map((e) => e.id), ['a', 'c']);
  t.same((await readEvents(db, { type: 'SCIM.UserUpdated' })).map((e) => e.id), ['c']);
  t.same((await readEvents(db, { after: all[0]!.seq, limit: 1 })).map((e) => e.id), ['b']);
  t.same((await readEvents(db, { upTo: all[1]!.seq })).map((e) => e.id), ['a', 'b']);
});

t.test('the same event appended 200 times at once is one row', async (t) => {
  const { db, drop } = await freshDatabase('log');
  t.teardown(drop);
  const results = await Promise.all(Array.from({ length: 200 }, () => appendEvents(db, [user('storm')])));
  const appended = results.filter((r) => r[0]!.status === 'appended');
  t.equal(appended.length, 1, 'exactly one caller appended it');
  t.equal(new Set(results.map((r) => r[0]!.seq)).size, 1, 'everyone got the same seq');
  t.equal((await readEvents(db)).length, 1);
});

t.test('group commit shares transactions but answers each caller alone', async (t) => {
  const { db, drop } = await freshDatabase('log');
  t.teardown(drop);
  let transactions = 0;
  const batcher = createAppendBatcher((events) => {
    transactions++;
    return appendEvents(db, events);
  });
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => batcher.append([user(`g${i % 50}`)])));
  t.ok(transactions < 10, `100 requests took ${transactions} transactions`);
  t.equal(results.filter((r) => r[0]!.status === 'appended').length, 50);
  t.equal(results.filter((r) => r[0]!.status === 'duplicate').length, 50);
  t.equal((await readEvents(db, { limit: 1000 })).length, 50);
});

t.test('a failed write rolls back the whole batch', async (t) => {
  const { db, drop } = await freshDatabase('log');
  t.teardown(drop);
  const tooLong = { ...user('x'), subject: 's'.repeat(600) };
  await t.rejects(appendEvents(db, [user('ok'), tooLong]));
  t.equal((await readEvents(db)).length, 0);
  t.equal((await db.selectFrom('outbox').selectAll().execute()).length, 0);
});

t.test('each log has its own queue prefix, so a re-created database never meets stale jobs', async (t) => {
  const first = await freshDatabase('ident');
  const second = await freshDatabase('ident');
  t.teardown(async () => {
    await first.drop();
    await second.drop();
  });
  const a = await deliveryPrefix(first.db, 'onramp');
  t.match(a, /^onramp-[0-9a-f]{16}$/);
  t.equal(await deliveryPrefix(first.db, 'onramp'), a, 'stable for one log');
  t.not(await deliveryPrefix(second.db, 'onramp'), a, 'another log, other queues');
});

t.test('any event that passes validation can be stored and read back as sent', async (t) => {
  const { db, drop } = await freshDatabase('log');
  t.teardown(drop);
  const astral = (n: number) => '😀'.repeat(n);
  const nested = (levels: number) => {
    let value: unknown = '\u0000\u202e"\'\\';
    for (let i = 0; i < levels; i++) value = [value];
    return value;
  };
  // Close to MAX_EXTENSIONS_BYTES: a NUL is six bytes as JSON.
  const extensions = { ext0: '\u0000'.repeat(2048), ext1: 'x'.repeat(2000), ext2: 1e308, ext3: false };
  const inputs = [
    // The longest identities in 4-byte characters, the longest time and content type.
    { specversion: '1.0', id: astral(255), source: astral(255), type: astral(255), subject: astral(512),
      time: `2026-11-28T10:00:00.${'1'.repeat(43)}Z`, datacontenttype: `application/json;${'x'.repeat(238)}`, data: nested(MAX_DATA_DEPTH) },
    { specversion: '1.0', id: 'big', source: 'com.example', type: 'com.example.Big', data: { blob: 'é'.repeat((MAX_DATA_BYTES - 20) / 2) } },
    { specversion: '1.0', id: 'exts', source: 'com.example', type: 'com.example.Ext', ...extensions, data: null },
    // Ids that a padding or case-insensitive collation would take for one.
    { specversion: '1.0', id: 'Abc', source: 'com.example', type: 't', data: 1 },
    { specversion: '1.0', id: 'abc', source: 'com.example', type: 't', data: 1 },
    { specversion: '1.0', id: 'abc\u00a0x', source: 'com.example', type: 't', data: 1 },
  ];
  const events = parseEvents(inputs);
  const results = await appendEvents(db, events);
  t.same(results.map((r) => r.status), inputs.map(() => 'appended'));
  const stored = await readEvents(db);
  t.equal(stored.length, inputs.length);
  for (const [i, event] of events.entries()) {
    t.same({ ...stored[i], seq: undefined, recordedAt: undefined }, { ...event, seq: undefined, recordedAt: undefined }, `event ${i} read back`);
  }
});

t.test('a source and id are never confused with another pair, whatever characters they hold', async (t) => {
  const { db, drop } = await freshDatabase('log');
  t.teardown(drop);
  // Pairs that one string built with a separator would confuse; NUL itself never gets this far.
  await t.rejects(appendEvents(db, [{ ...user('b\u0000c'), source: 'a' }]), /event 0: \/id must not contain control characters/, 'every append is validated: NUL refused');
  const results = await appendEvents(db, [{ ...user('b","c'), source: 'a' }, { ...user('c'), source: 'a","b' }, { ...user('b|c'), source: 'a' }, { ...user('c'), source: 'a|b' }]);
  t.same(results.map((r) => r.status), ['appended', 'appended', 'appended', 'appended']);
  t.equal((await readEvents(db)).length, 4);
});

t.test('a failing shared transaction is retried request by request: only the unstorable one fails', async (t) => {
  const { db, drop } = await freshDatabase('log');
  t.teardown(drop);
  // A real insert failure in MariaDB: this log's subject column is made too short for one event.
  await sql`ALTER TABLE events MODIFY subject VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`.execute(db);
  let transactions = 0;
  const batcher = createAppendBatcher((events) => {
    transactions++;
    return appendEvents(db, events);
  });
  const requests = Array.from({ length: 30 }, (_, i) => [user(`ok${i}`)]);
  requests.splice(15, 0, [user('poison', `user/${'p'.repeat(40)}`), user('poison-companion')]);
  const settled = await Promise.allSettled(requests.map((events) => batcher.append(events)));
  const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []));
  t.same(failed, [15], 'only the request with the poison failed');
  const reason = (settled[15] as PromiseRejectedResult).reason as { errno?: number };
  t.equal(reason.errno, 1406, 'with the database error that says it is the input');
  t.match(appendFailure(reason), { code: 'unstorable_event', message: /longer than the log allows/ });
  t.ok(transactions > 1, 'the group was retried alone');
  const ids = (await readEvents(db, { limit: 1000 })).map((e) => e.id);
  t.equal(ids.length, 30);
  t.notOk(ids.includes('poison-companion'), 'nothing of the failed request was written');
});

t.test('when the database is down, every caller of the group fails at once as unavailable', async (t) => {
  const { db } = connectDatabase('mysql://root@127.0.0.1:1/onramp_nowhere', 1);
  t.teardown(() => db.destroy());
  let transactions = 0;
  const batcher = createAppendBatcher((events) => {
    transactions++;
    return appendEvents(db, events);
  });
  const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => batcher.append([user(`down${i}`)])));
  t.ok(settled.every((s) => s.status === 'rejected'));
  const reason = (settled[0] as PromiseRejectedResult).reason;
  t.ok(isLogUnavailable(reason), `${String((reason as { code?: string }).code)} means the log is unavailable`);
  t.match(appendFailure(reason), { code: 'log_unavailable' });
  t.ok(transactions <= 4, `no retry per request while the database is down (${transactions} attempts)`);
});
