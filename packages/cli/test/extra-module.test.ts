// Adding a consumer is a module and a line in the list: a small extra module, registered after the log
// already holds 1,000 events of 100 people, receives only what comes after its start.
import t from 'tap';
import {
  appendEvents,
  consumerStatuses,
  loadConfig,
  openDeliveryQueues,
  runConsumer,
  silentLogger,
  startDispatcher,
  type ConsumerModule,
  type StoredEvent,
} from '@onramp/core';
import { TEST_REDIS, freshDatabase, freshPrefix, joinerEvent, waitFor } from '@onramp/core/testing';
import { CONSUMER_MODULES, registerModules } from '../src/consumer-modules.js';

t.test('a module added later takes the next event of a known person within a second, and nothing from before', async (t) => {
  const { db, url, drop } = await freshDatabase('extramodule');
  const queuePrefix = freshPrefix('extramodule');
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL: TEST_REDIS });
  await registerModules(db);
  const person = (n: number, step: number) => ({ ...joinerEvent(`p${n}-s${step}`), subject: `user/p${n}`, type: step === 0 ? 'SCIM.UserCreated' : 'SCIM.UserUpdated' });
  for (let step = 0; step < 10; step++) await appendEvents(db, Array.from({ length: 100 }, (_, n) => person(n, step)));

  const seen: StoredEvent[] = [];
  const audit: ConsumerModule = {
    name: 'audit-export',
    kind: 'reactor',
    subscribes: ['SCIM.UserCreated', 'SCIM.UserUpdated'],
    emits: [],
    variables: [],
    describe: () => 'audit-export to memory',
    start: (_config, options) =>
      runConsumer({ consumer: 'audit-export', handle: async (event) => (seen.push(event), []) }, ['SCIM.UserCreated', 'SCIM.UserUpdated'], TEST_REDIS, options, silentLogger),
  };
  const queues = openDeliveryQueues(TEST_REDIS, queuePrefix);
  const dispatcher = startDispatcher(db, queues, silentLogger, { pollMs: 20 });
  await waitFor(async () => (await db.selectFrom('outbox').select('seq').execute()).length === 0, 30_000, 'the relay caught up');
  // The new module's line in the list, as a deployment of the next release would have it.
  await registerModules(db, [...CONSUMER_MODULES, audit]);
  const running = await audit.start(config, { db, logger: silentLogger, queuePrefix });
  t.teardown(async () => {
    await running.close();
    await dispatcher.close();
    await queues.close();
    await drop();
  });
  await waitFor(async () => (await consumerStatuses(db)).find((s) => s.consumer === 'audit-export')?.startSeq === 1000, 10_000, 'its start placed at the head');

  const appendedAt = Date.now();
  const [next] = await appendEvents(db, [person(42, 10)]);
  dispatcher.wake();
  await waitFor(() => seen.length === 1, 10_000, 'the new event handled');
  const tookMs = Date.now() - appendedAt;
  t.ok(tookMs < 1000, `handled ${tookMs} ms after the append`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.same(seen.map((e) => e.seq), [next!.seq], 'only the event after its start, none of the 1,000 before');
});
