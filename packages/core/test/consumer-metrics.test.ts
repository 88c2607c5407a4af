// /metrics carries each consumer's delivery state: pending (lag in events), in flight, the age of the
// oldest pending event, open dead letters, dead letters by error code, and its queue's jobs by state.
import t from 'tap';
import { Registry } from 'prom-client';
import { addDeliveries, appendEvents, readEvents, recordDeadLetter, registerConsumerMetrics } from '@onramp/core';
import { freshDatabase, joinerEvent, registerTestConsumers } from '@onramp/core/testing';

/** The sample values of one metric, by their label set. */
async function samples(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return Object.fromEntries((metric?.values ?? []).map((v) => [JSON.stringify(v.labels), v.value]));
}

t.test('consumer gauges come from the delivery rows and the queue, read at each scrape', async (t) => {
  const database = await freshDatabase('metrics');
  t.teardown(database.drop);
  const { db } = database;
  await registerTestConsumers(db, { mailer: ['SCIM.UserCreated'], indexer: ['SCIM.UserCreated'] });
  await appendEvents(db, [joinerEvent('m1'), joinerEvent('m2'), joinerEvent('m3')]);
  const events = await readEvents(db);
  // Three deliveries for the mailer (different people: all ready), none for the indexer.
  await db.transaction().execute((trx) => addDeliveries(trx, events.map((e) => ({ consumer: 'mailer', seq: e.seq, subject: e.subject })), { queuedNow: false }));
  await recordDeadLetter(db, { consumer: 'mailer', event: events[0]!, attempts: 8, code: 'validation_error', reason: 'bad address' });
  const registry = new Registry();
  const asked: string[] = [];
  registerConsumerMetrics(registry, db, async (consumer) => {
    asked.push(consumer);
    return consumer === 'mailer' ? { wait: 2, active: 1, failed: 0 } : { wait: 0 };
  });
  t.same(await samples(registry, 'onramp_consumer_pending_deliveries'), { '{"consumer":"mailer"}': 2, '{"consumer":"indexer"}': 0 });
  t.same(await samples(registry, 'onramp_consumer_in_flight_deliveries'), { '{"consumer":"mailer"}': 2, '{"consumer":"indexer"}': 0 });
  const lag = await samples(registry, 'onramp_consumer_lag_seconds');
  t.ok(lag['{"consumer":"mailer"}']! >= 0 && lag['{"consumer":"indexer"}'] === 0, 'lag in seconds, 0 when nothing waits');
  t.same(await samples(registry, 'onramp_consumer_dead_letters'), { '{"consumer":"mailer"}': 1, '{"consumer":"indexer"}': 0 });
  t.same(await samples(registry, 'onramp_consumer_dead_lettered_by_code'), { '{"consumer":"mailer","code":"validation_error"}': 1 });
  t.same((await samples(registry, 'onramp_queue_jobs'))['{"consumer":"mailer","state":"wait"}'], 2);
  t.match(await registry.metrics(), /onramp_queue_jobs\{consumer="mailer",state="active"\} 1/);
});

t.test('a source that does not answer leaves its gauges out; the scrape still answers', async (t) => {
  const database = await freshDatabase('metricsdown');
  t.teardown(database.drop);
  await registerTestConsumers(database.db, { mailer: ['SCIM.UserCreated'] });
  const registry = new Registry();
  registerConsumerMetrics(registry, database.db, () => new Promise(() => undefined), 200);
  const started = Date.now();
  const text = await registry.metrics();
  t.ok(Date.now() - started < 2000, 'within the timeout');
  t.match(text, /onramp_consumer_pending_deliveries\{consumer="mailer"\} 0/);
  t.notMatch(text, /onramp_queue_jobs\{/, 'no queue gauges without an answer from Redis');
});
