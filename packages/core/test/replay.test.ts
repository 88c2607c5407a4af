import t from 'tap';
import { OUTCOME, appendEvents, dispatchPending, openDeliveryQueues, readEvents, replayRange } from '@onramp/core';
import { TEST_REDIS, freshDatabase, freshPrefix, registerTestConsumers } from '@onramp/core/testing';
import { jobIds, joiner } from './helpers.js';

async function seeded(t: { teardown: (fn: () => Promise<void>) => void }) {
  const database = await freshDatabase('replay');
  const prefix = freshPrefix('replay');
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  t.teardown(async () => {
    await queues.close();
    await database.drop();
  });
  await registerTestConsumers(database.db);
  const results = await appendEvents(database.db, [
    ...Array.from({ length: 10 }, (_, i) => joiner(`r${i}`)),
    { ...joiner('doc'), type: 'Document.Published', data: { uri: 'u', title: 't', text: 'x', acl: [] } },
  ]);
  const seqs = results.map((r) => r.seq);
  // The relay has handled them; every consumer then finished its deliveries.
  await dispatchPending(database.db, queues, 100);
  await database.db.deleteFrom('deliveries').execute();
  for (const name of ['mailer', 'gitbook-sync', 'indexer']) await queues.queue(name).obliterate({ force: true });
  // The mailer already completed the first five.
  await database.db
    .insertInto('consumer_completions')
    .values(seqs.slice(0, 5).map((seq) => ({ consumer: 'mailer', seq })))
    .execute();
  return { ...database, prefix, queues, seqs };
}

t.test('--dry-run reports what would happen and changes nothing', async (t) => {
  const s = await seeded(t);
  const before = (await readEvents(s.db, { limit: 1000 })).length;
  const summary = await replayRange(s.db, { consumer: 'mailer', dryRun: true });
  t.match(summary, { dryRun: true, matched: 10, alreadyCompleted: 5, enqueued: 0 });
  t.same(await jobIds(TEST_REDIS, s.prefix, 'mailer'), [], 'no job');
  t.equal((await readEvents(s.db, { limit: 1000 })).length, before, 'no event');
});

t.test('re-delivers a range to one consumer only, and logs the replay', async (t) => {
  const s = await seeded(t);
  const summary = await replayRange(s.db, { consumer: 'mailer', fromSeq: s.seqs[2]!, toSeq: s.seqs[7]! });
  t.match(summary, { matched: 6, alreadyCompleted: 3, enqueued: 6 });
  const rows = await s.db.selectFrom('deliveries').selectAll().execute();
  t.same(rows.map((r) => [r.consumer, Number(r.seq), r.redelivery]), s.seqs.slice(2, 8).map((seq) => ['mailer', seq, summary.replayId]), 'one delivery row each, tagged');
  t.same(await jobIds(TEST_REDIS, s.prefix, 'mailer'), [], 'the replay itself adds no job: the relay does');
  await dispatchPending(s.db, s.queues, 100);
  const ids = await jobIds(TEST_REDIS, s.prefix, 'mailer');
  t.equal(ids.length, 6);
  t.ok(ids.every((id) => id.endsWith(summary.replayId)), 'replay jobs carry their own id suffix');
  t.same(await jobIds(TEST_REDIS, s.prefix, 'gitbook-sync'), [], 'other consumers untouched');
  const logged = await readEvents(s.db, { type: OUTCOME.replayRequested });
  t.match(logged[0]!.data, { consumer: 'mailer', matched: 6, replayId: summary.replayId });
  t.match((await readEvents(s.db, { type: OUTCOME.replayCompleted }))[0]!.data, { enqueued: 6 });
});

t.test('filters by type and subject, and refuses a type the consumer does not take', async (t) => {
  const s = await seeded(t);
  t.match(await replayRange(s.db, { consumer: 'indexer', type: 'Document.Published', dryRun: true }), { matched: 1 });
  t.match(await replayRange(s.db, { consumer: 'mailer', subject: 'user/r3', dryRun: true }), { matched: 1 });
  await t.rejects(replayRange(s.db, { consumer: 'mailer', type: 'Document.Published' }), /does not consume/);
});
