// The append-only event log: the source of truth. Appends are atomic per batch and idempotent on
// (source, id); every appended event also gets an outbox row in the same transaction, for the dispatcher.
import { sql, type Transaction } from 'kysely';
import type { CloudEvent, StoredEvent } from '../events/cloud-event.js';
import { definitionOf } from '../events/catalogue.js';
import { requireValid } from '../events/validate.js';
import { isCollision } from './collision.js';
import type { Database, Db, EventsTable } from './database.js';

export type AppendResult =
  | { status: 'appended'; seq: number }
  | { status: 'duplicate'; seq: number };

export interface EventFilter {
  after?: number;
  upTo?: number;
  type?: string;
  subject?: string;
  limit?: number;
}

const ROWS_PER_STATEMENT = 500;
// A multi-row INSERT is one packet: bounded in bytes too, so that large events (MAX_DATA_BYTES each) never
// add up past the server's max_allowed_packet (16 MiB by default in MariaDB), even after escaping doubles them.
const BYTES_PER_STATEMENT = 4 * 1024 * 1024;

// Unambiguous whatever the strings contain (a separator character could also occur inside them).
const keyOf = (e: { source: string; id: string }) => JSON.stringify([e.source, e.id]);

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** (source, id) → seq for those of `keys` already in the log. */
async function findSeqs(
  db: Db | Transaction<Database>,
  keys: { source: string; id: string }[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const bySource = new Map<string, string[]>();
  for (const { source, id } of keys) {
    const ids = bySource.get(source);
    if (ids === undefined) bySource.set(source, [id]);
    else ids.push(id);
  }
  for (const [source, allIds] of bySource) {
    for (const ids of chunks(allIds, ROWS_PER_STATEMENT)) {
      const rows = await db
        .selectFrom('events')
        .select(['seq', 'source', 'id'])
        .where('source', '=', source)
        .where('id', 'in', ids)
        .execute();
      for (const row of rows) found.set(keyOf(row), Number(row.seq));
    }
  }
  return found;
}

type EventInsert = Omit<EventsTable, 'seq' | 'recorded_at'>;

/** Rows grouped into statements of at most ROWS_PER_STATEMENT rows and, beyond a first row, BYTES_PER_STATEMENT. */
function statements(rows: EventInsert[]): EventInsert[][] {
  const out: EventInsert[][] = [];
  let current: EventInsert[] = [];
  let bytes = 0;
  for (const row of rows) {
    // The other columns are a few KiB at most (their lengths are bounded by the schema).
    const size = Buffer.byteLength(row.data ?? '') + Buffer.byteLength(row.extensions) + 4096;
    if (current.length > 0 && (current.length >= ROWS_PER_STATEMENT || bytes + size > BYTES_PER_STATEMENT)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function toRow(event: CloudEvent): EventInsert {
  return {
    source: event.source,
    id: event.id,
    type: event.type,
    subject: event.subject ?? null,
    time: event.time ?? null,
    specversion: event.specversion,
    datacontenttype: event.datacontenttype ?? null,
    dataschema: event.dataschema ?? null,
    data: event.data === undefined ? null : JSON.stringify(event.data),
    extensions: JSON.stringify(event.extensions),
    schema_version: definitionOf(event.type)?.version ?? null,
  };
}

/** Appends inside an open transaction; callers that add more writes to the same transaction use this. */
export async function appendInTransaction(trx: Transaction<Database>, events: CloudEvent[]): Promise<AppendResult[]> {
  requireValid(events);
  const existing = await findSeqs(trx, events);
  const fresh = new Map<string, CloudEvent>();
  for (const event of events) {
    const key = keyOf(event);
    if (!existing.has(key) && !fresh.has(key)) fresh.set(key, event);
  }
  if (fresh.size > 0) {
    for (const rows of statements([...fresh.values()].map(toRow))) {
      await trx.insertInto('events').values(rows).execute();
    }
    const inserted = await findSeqs(trx, [...fresh.values()]);
    for (const batch of chunks([...inserted.values()], ROWS_PER_STATEMENT)) {
      await trx.insertInto('outbox').values(batch.map((seq) => ({ seq }))).execute();
    }
    for (const [key, seq] of inserted) existing.set(key, -seq); // negative marks "appended by us"
  }
  const claimed = new Set<string>();
  return events.map((event) => {
    const key = keyOf(event);
    const seq = existing.get(key) as number;
    if (seq < 0 && !claimed.has(key)) {
      claimed.add(key);
      return { status: 'appended', seq: -seq };
    }
    return { status: 'duplicate', seq: Math.abs(seq) };
  });
}

/**
 * Appends a batch in one transaction. Returns, per event and in order, its seq or the seq it duplicates
 * (an earlier event in the log, or an earlier event of the same batch). A concurrent append of the same
 * (source, id) makes ours fail on the unique key; we then retry and find it as a duplicate.
 */
export async function appendEvents(db: Db, events: CloudEvent[]): Promise<AppendResult[]> {
  if (events.length === 0) return [];
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => appendInTransaction(trx, events));
    } catch (error) {
      if (attempt >= 5 || !isCollision(error)) throw error;
    }
  }
}

function parseJson(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? JSON.parse(value) : value;
}

type EventRow = EventsTable & { seq: number; recorded_at: Date };

export function fromRow(row: EventRow): StoredEvent {
  const event: StoredEvent = {
    seq: Number(row.seq),
    recordedAt: row.recorded_at,
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    extensions: parseJson(row.extensions) as StoredEvent['extensions'],
  };
  if (row.subject !== null) event.subject = row.subject;
  if (row.time !== null) event.time = row.time;
  if (row.datacontenttype !== null) event.datacontenttype = row.datacontenttype;
  if (row.dataschema !== null) event.dataschema = row.dataschema;
  if (row.schema_version !== null) event.schemaVersion = row.schema_version;
  const data = parseJson(row.data);
  if (data !== undefined) event.data = data;
  return event;
}

/** Reads the log in seq order: after `after`, up to and including `upTo`, optionally one type or subject. */
export async function readEvents(db: Db, filter: EventFilter = {}): Promise<StoredEvent[]> {
  let query = db.selectFrom('events').selectAll().where('seq', '>', filter.after ?? 0);
  if (filter.upTo !== undefined) query = query.where('seq', '<=', filter.upTo);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
  const rows = await query.orderBy('seq').limit(filter.limit ?? 100).execute();
  return rows.map((row) => fromRow(row as EventRow));
}

export async function readEvent(db: Db, seq: number): Promise<StoredEvent | undefined> {
  const row = await db.selectFrom('events').selectAll().where('seq', '=', seq).executeTakeFirst();
  return row === undefined ? undefined : fromRow(row as EventRow);
}

/** Several events by seq, in one query: per seq given, its event (or undefined). */
export async function readEventsBySeq(db: Db, seqs: readonly number[]): Promise<(StoredEvent | undefined)[]> {
  if (seqs.length === 0) return [];
  const rows = await db.selectFrom('events').selectAll().where('seq', 'in', [...new Set(seqs)]).execute();
  const bySeq = new Map(rows.map((row) => [Number(row.seq), fromRow(row as EventRow)]));
  return seqs.map((seq) => bySeq.get(seq));
}

export async function lastSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select(sql<number>`COALESCE(MAX(seq), 0)`.as('max')).executeTakeFirst();
  return Number(row?.max ?? 0);
}
