// Delivery rows: one per (consumer, seq) still to be handled. Rows of one subject form a line: the
// first is `ready` (it has, or is about to get, a queue job), the rest `waiting`. Whoever finishes the
// ready one (completion or dead letter) makes the next one ready in the same transaction. Events without
// a subject are ready at once. These transactions run at READ COMMITTED and lock the subject's rows, so
// that a relay adding a row and a worker finishing the one before it always see each other.
import { createHash } from 'node:crypto';
import { sql, type Insertable, type Transaction } from 'kysely';
import type { Database } from '../log/database.js';
import { groupBy } from './group-by.js';

export interface NewDelivery {
  consumer: string;
  seq: number;
  subject: string | undefined | null;
  redelivery?: string;
  forced?: boolean;
}

/** A delivery that has to be (or is) in its consumer's queue. */
export interface ReadyDelivery {
  consumer: string;
  seq: number;
  type: string;
  enqueues: number;
  redelivery: string | null;
  forced: boolean;
}

type Trx = Transaction<Database>;

export function subjectKey(subject: string | undefined | null): Buffer | null {
  return subject === undefined || subject === null ? null : createHash('sha1').update(subject, 'utf8').digest();
}

const lineOf = (consumer: string, key: Buffer) => `${consumer}\u0000${key.toString('hex')}`;

type DeliveryRow = Insertable<Database['deliveries']>;

/**
 * What is already there for these deliveries, locked: the (consumer, subject) lines that have an unfinished
 * row, and the (consumer, seq) rows that exist (a replay may have written one for an event still in the
 * outbox: that row is the delivery).
 */
async function existingRows(trx: Trx, keyed: (NewDelivery & { key: Buffer | null })[]): Promise<{ busy: Set<string>; existing: Set<string> }> {
  const busy = new Set<string>();
  const existing = new Set<string>();
  const consumers = [...new Set(keyed.map((d) => d.consumer))];
  // The same events go to several consumers: their subjects are looked up once, for all of them.
  const keys = [...new Map(keyed.flatMap((d) => (d.key === null ? [] : [[d.key.toString('hex'), d.key] as const]))).values()];
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await trx
      .selectFrom('deliveries')
      .select(['consumer', 'seq', 'subject_key'])
      .where('consumer', 'in', consumers)
      .where('subject_key', 'in', keys.slice(i, i + 500))
      .forUpdate()
      .execute();
    for (const row of rows) {
      busy.add(lineOf(row.consumer, row.subject_key!));
      existing.add(`${row.consumer}\u0000${Number(row.seq)}`);
    }
  }
  // A row has the subject of its event, so only events without a subject need looking up by seq.
  for (const [consumer, deliveries] of groupBy(keyed.filter((d) => d.key === null), (d) => d.consumer)) {
    const seqs = deliveries.map((d) => d.seq);
    for (let i = 0; i < seqs.length; i += 1000) {
      const rows = await trx.selectFrom('deliveries').select('seq').where('consumer', '=', consumer).where('seq', 'in', seqs.slice(i, i + 1000)).execute();
      for (const row of rows) existing.add(`${consumer}\u0000${Number(row.seq)}`);
    }
  }
  return { busy, existing };
}

/**
 * Plans delivery rows in seq order (a row that exists is left alone): which are ready (the first of their
 * subject's line) and the insert that writes them all. With `queuedNow`, ready rows are written as queued:
 * the caller adds their jobs before it commits (the relay does both at once).
 */
export async function planDeliveries(
  trx: Trx,
  deliveries: NewDelivery[],
  options: { queuedNow: boolean },
): Promise<{ ready: NewDelivery[]; write: () => Promise<void> }> {
  if (deliveries.length === 0) return { ready: [], write: async () => undefined };
  const keys = new Map<string, Buffer | null>();
  const keyOf = (subject: string | null | undefined) => {
    if (subject === null || subject === undefined) return null;
    let key = keys.get(subject);
    if (key === undefined) keys.set(subject, (key = subjectKey(subject)));
    return key;
  };
  const keyed = deliveries.map((d) => ({ ...d, key: keyOf(d.subject) }));
  const { busy, existing } = await existingRows(trx, keyed);
  const ready: NewDelivery[] = [];
  const rows: DeliveryRow[] = [];
  for (const d of keyed.sort((a, b) => a.seq - b.seq)) {
    if (existing.has(`${d.consumer}\u0000${d.seq}`)) continue;
    existing.add(`${d.consumer}\u0000${d.seq}`);
    const line = d.key === null ? undefined : lineOf(d.consumer, d.key);
    const isReady = line === undefined || !busy.has(line);
    if (line !== undefined) busy.add(line);
    if (isReady) ready.push(d);
    rows.push({
      consumer: d.consumer,
      seq: d.seq,
      subject_key: d.key,
      state: isReady ? 'ready' : 'waiting',
      queued_at: isReady && options.queuedNow ? new Date() : null,
      enqueues: isReady && options.queuedNow ? 1 : 0,
      redelivery: d.redelivery ?? null,
      forced: d.forced === true ? 1 : 0,
    });
  }
  const write = async () => {
    for (let i = 0; i < rows.length; i += 1000) await trx.insertInto('deliveries').values(rows.slice(i, i + 1000)).execute();
  };
  return { ready, write };
}

/** Plans and writes delivery rows; returns the ready ones. */
export async function addDeliveries(trx: Trx, deliveries: NewDelivery[], options: { queuedNow: boolean }): Promise<NewDelivery[]> {
  const { ready, write } = await planDeliveries(trx, deliveries, options);
  await write();
  return ready;
}

/**
 * Removes (consumer, seq)'s row and, when its subject's line has no ready row left, makes the next one
 * ready and queued. Returns that next delivery, for the caller to enqueue after the commit.
 */
export async function finishDelivery(trx: Trx, consumer: string, seq: number, subject: string | undefined): Promise<ReadyDelivery | undefined> {
  return (await finishDeliveries(trx, consumer, [{ seq, subject }]))[0];
}

/**
 * finishDelivery for several deliveries of one consumer, in one statement per step: their rows go, then
 * each of their subjects' lines that has no ready row left gets its next one ready (returned with the
 * finished delivery of that subject, in the order given).
 */
export async function finishDeliveries(trx: Trx, consumer: string, finished: { seq: number; subject?: string | null | undefined }[]): Promise<(ReadyDelivery | undefined)[]> {
  const result: (ReadyDelivery | undefined)[] = new Array(finished.length);
  if (finished.length === 0) return result;
  await trx.deleteFrom('deliveries').where('consumer', '=', consumer).where('seq', 'in', [...new Set(finished.map((f) => f.seq))]).execute();
  /** Per subject line, the finished delivery that gets its next one. */
  const owners = new Map<string, { index: number; key: Buffer }>();
  finished.forEach((f, index) => {
    const key = subjectKey(f.subject);
    if (key !== null && !owners.has(key.toString('hex'))) owners.set(key.toString('hex'), { index, key });
  });
  if (owners.size === 0) return result;
  const rows = await trx
    .selectFrom('deliveries as d')
    .innerJoin('events as e', 'e.seq', 'd.seq')
    .select(['d.seq', 'd.subject_key', 'd.state', 'd.enqueues', 'd.redelivery', 'd.forced', 'e.type'])
    .where('d.consumer', '=', consumer)
    .where('d.subject_key', 'in', [...owners.values()].map((o) => o.key))
    .orderBy('d.seq')
    .forUpdate()
    .execute();
  for (const [hex, line] of groupBy(rows, (row) => row.subject_key!.toString('hex'))) {
    const next = line[0]!;
    if (line.some((row) => row.state === 'ready')) continue;
    await trx
      .updateTable('deliveries')
      .set({ state: 'ready', queued_at: new Date(), enqueues: sql`enqueues + 1` })
      .where('consumer', '=', consumer)
      .where('seq', '=', next.seq)
      .execute();
    result[owners.get(hex)!.index] = {
      consumer,
      seq: Number(next.seq),
      type: next.type,
      enqueues: next.enqueues + 1,
      redelivery: next.redelivery,
      forced: next.forced === 1,
    };
  }
  return result;
}
