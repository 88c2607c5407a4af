// Prometheus gauges of every consumer's delivery state, read when /metrics is scraped: from the delivery
// rows in MySQL (the truth: pending, in flight, lag, dead letters by error code) and from BullMQ (the
// queue's jobs by state). A source that does not answer within the scrape leaves its gauges out rather
// than failing the scrape.
import { sql } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../log/database.js';
import { within } from '../within.js';
import { consumerStatuses } from './consumer-status.js';

/** What the queue gauges read: a consumer's BullMQ job counts (wait, active, delayed, failed, …). */
export type QueueCounts = (consumer: string) => Promise<Record<string, number>>;

const QUEUE_STATES = ['wait', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

export function registerConsumerMetrics(registry: Registry, db: Db, queueCounts?: QueueCounts, timeoutMs = 2000): void {
  const labelNames = ['consumer'] as const;
  // One read per scrape feeds every gauge: the first gauge's collect reads, the others wait for the same read.
  let reading: Promise<void> | undefined;
  const collect = () => (reading ??= read().finally(() => setImmediate(() => (reading = undefined))));
  const pending = new Gauge({ name: 'onramp_consumer_pending_deliveries', help: 'Deliveries not yet completed or dead-lettered (the lag, in events)', labelNames, registers: [registry], collect });
  const inFlight = new Gauge({ name: 'onramp_consumer_in_flight_deliveries', help: 'Of those, ready: queued or being handled', labelNames, registers: [registry], collect });
  const lag = new Gauge({ name: 'onramp_consumer_lag_seconds', help: 'Age of the oldest unfinished delivery\'s event (0 when none)', labelNames, registers: [registry], collect });
  const dead = new Gauge({ name: 'onramp_consumer_dead_letters', help: 'Open dead letters', labelNames, registers: [registry], collect });
  const failures = new Gauge({
    name: 'onramp_consumer_dead_lettered_by_code',
    help: 'Dead letters ever recorded, open or retried, by error code: the provider errors no retry fixed',
    labelNames: ['consumer', 'code'],
    registers: [registry],
    collect,
  });
  const jobs = new Gauge({ name: 'onramp_queue_jobs', help: 'BullMQ jobs of the consumer\'s queue, by state', labelNames: ['consumer', 'state'], registers: [registry], collect });

  async function read(): Promise<void> {
    for (const gauge of [pending, inFlight, lag, dead, failures, jobs]) gauge.reset();
    const statuses = await within(timeoutMs, consumerStatuses(db));
    for (const status of statuses ?? []) {
      const labels = { consumer: status.consumer };
      pending.set(labels, status.pending);
      inFlight.set(labels, status.inFlight);
      lag.set(labels, status.oldestPendingSeconds ?? 0);
      dead.set(labels, status.deadLetters);
    }
    const codes = await within(timeoutMs, db.selectFrom('dead_letters').select(['consumer', 'code', sql<number>`COUNT(*)`.as('n')]).groupBy(['consumer', 'code']).execute());
    for (const row of codes ?? []) failures.set({ consumer: row.consumer, code: row.code }, Number(row.n));
    if (queueCounts === undefined || statuses === undefined) return;
    await Promise.all(statuses.map(async ({ consumer }) => {
      const counts = await within(timeoutMs, queueCounts(consumer));
      for (const state of QUEUE_STATES) if (counts?.[state] !== undefined) jobs.set({ consumer, state }, counts[state]);
    }));
  }
}
