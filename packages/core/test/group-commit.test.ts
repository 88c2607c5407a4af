// Group commit (ConsumerDefinition.groupCommit): deliveries read and recorded together keep what one by
// one gives — each person's events in order and one at a time, each completion claimed and told once,
// the next delivery of a person made ready, a failing delivery dead-lettered without its neighbours.
import t from 'tap';
import {
  addDeliveries,
  appendEvents,
  createConsumerWorker,
  OUTCOME,
  openDeliveryQueues,
  readEvents,
  recordCompletions,
  registerSubscriptions,
  silentLogger,
  startDispatcher,
  PermanentError,
} from '@onramp/core';
import { TEST_REDIS, freshDatabase, freshPrefix, waitFor } from '@onramp/core/testing';
import { personEvent, welcomeSent } from './helpers.js';

const FAST = { attempts: 2, backoff: { type: 'fixed', delay: 20 } };

t.test('grouped at concurrency 16: order per person, one outcome per event, a failure dead-lettered alone', async (t) => {
  const { db, drop } = await freshDatabase('group');
  const prefix = freshPrefix('group');
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  const dispatcher = startDispatcher(db, queues, silentLogger, { pollMs: 20, jobOptions: FAST });
  await registerSubscriptions(db, 'mailer', ['SCIM.UserCreated', 'SCIM.UserUpdated']);
  const busy = new Set<string>();
  const seen = new Map<string, number[]>();
  let overlaps = 0;
  const worker = createConsumerWorker(
    {
      consumer: 'mailer',
      concurrency: 16,
      groupCommit: true,
      failureType: OUTCOME.welcomeFailed,
      handle: async (event) => {
        const subject = event.subject!;
        if (busy.has(subject)) overlaps++;
        busy.add(subject);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        busy.delete(subject);
        seen.set(subject, [...(seen.get(subject) ?? []), event.seq]);
        if (event.id === 'p3-e2') throw new PermanentError('bad_address', 'refused');
        return [welcomeSent(event, `m-${event.id}`)];
      },
    },
    { db, redisUrl: TEST_REDIS, prefix, logger: silentLogger, jobOptions: FAST },
  );
  t.teardown(async () => {
    await worker.close();
    await dispatcher.close();
    await queues.close();
    await drop();
  });
  await worker.start();
  for (let n = 0; n < 10; n++) await appendEvents(db, Array.from({ length: 30 }, (_, person) => personEvent(person, n)));
  dispatcher.wake();
  await waitFor(async () => (await db.selectFrom('deliveries').select('seq').execute()).length === 0 && [...seen.values()].flat().length === 300, 60_000, 'all 300 delivered');

  t.equal(overlaps, 0, 'never two events of one person at once');
  t.ok([...seen.values()].every((seqs) => seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)), 'each person’s events in seq order');
  const sent = await readEvents(db, { type: OUTCOME.welcomeSent, limit: 1000 });
  t.equal(sent.length, 299, 'one outcome per handled event');
  t.equal(new Set(sent.map((e) => (e.data as { cause: { seq: number } }).cause.seq)).size, 299, 'no event told twice');
  t.equal((await readEvents(db, { type: OUTCOME.deadLettered })).length, 1, 'the failing delivery is dead-lettered');
  t.equal((await db.selectFrom('consumer_completions').select('seq').where('consumer', '=', 'mailer').execute()).length, 299);
  t.equal(seen.get('user/p3')?.length, 10, 'the person after the dead letter goes on');
});

t.test('recordCompletions: a seq twice or already completed is told once; the next of each person is made ready', async (t) => {
  const { db, drop } = await freshDatabase('groupdirect');
  t.teardown(drop);
  const appended = await appendEvents(db, [personEvent(1, 0), personEvent(1, 1), personEvent(2, 0), personEvent(3, 0)]);
  const [a0, a1, b0, c0] = (await readEvents(db, { limit: 10 }));
  t.equal(appended.length, 4);
  await db.transaction().execute((trx) => addDeliveries(trx, [a0!, a1!, b0!, c0!].map((e) => ({ consumer: 'mailer', seq: e.seq, subject: e.subject })), { queuedNow: true }));
  // c0 was completed before (a delivery that ran twice).
  await recordCompletions(db, 'mailer', [{ event: c0!, outcomes: [welcomeSent(c0!, 'first')] }]);

  const next = await recordCompletions(db, 'mailer', [
    { event: a0!, outcomes: [welcomeSent(a0!, 'a0')] },
    { event: b0!, outcomes: [welcomeSent(b0!, 'b0')] },
    { event: b0!, outcomes: [welcomeSent(b0!, 'b0-again')] },
    { event: c0!, outcomes: [welcomeSent(c0!, 'second')] },
  ]);
  const ids = (await readEvents(db, { type: OUTCOME.welcomeSent })).map((e) => (e.data as { messageId: string }).messageId).sort();
  t.same(ids, ['a0', 'b0', 'first'], 'the first claim of each is told, the repeats are not');
  t.match(next[0], { seq: a1!.seq, consumer: 'mailer' }, "a0's person's next event is ready");
  t.same([next[1], next[2], next[3]], [undefined, undefined, undefined], 'no one else has a next event');
  const rows = await db.selectFrom('deliveries').select(['seq', 'state']).execute();
  t.same(rows.map((r) => [Number(r.seq), r.state]), [[a1!.seq, 'ready']]);
});
