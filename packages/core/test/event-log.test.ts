import t from 'tap';
import { appendEvents, createAppendBatcher, deliveryPrefix, readEvents, type CloudEvent } from '@onramp/core';
import { freshDatabase } from '@onramp/core/testing';

const user = (id: string, subject = `user/${id}`): CloudEvent => ({
  specversion: '1.0',
  id,
  source: 'com.aliyun.idaas',
  type: 'SCIM.UserCreated',
  subject,
  data: { userName: `${id}@example.com` },
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
  t.same(all[0]!.data, { userName: 'a@example.com' });
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
