// The SCIM endpoint's Users and Groups as a projection of the log: each `scim/v2` event sets or removes
// its resource's row, in the transaction that appends it (append-projected.ts), and the whole table can
// be folded again from seq 0. A row's `seq` (the event that last wrote it) is the resource's version.
import { sql, type Transaction } from 'kysely';
import { LIFECYCLE, SCIM_SERVER_SOURCE } from '../events/event-types.js';
import type { Database, Db } from './database.js';
import type { ProjectedEvent } from './append-projected.js';

export type ScimResourceType = 'User' | 'Group';

export interface ScimResourceRow {
  type: ScimResourceType;
  id: string;
  seq: number;
  createdAt: string;
  modifiedAt: string;
  /** The resource without `meta`. */
  resource: Record<string, unknown>;
}

type Executor = Db | Transaction<Database>;

const USER_WRITES: readonly string[] = [LIFECYCLE.userCreated, LIFECYCLE.userUpdated, LIFECYCLE.userDeactivated];
const GROUP_WRITES: readonly string[] = [LIFECYCLE.groupCreated, LIFECYCLE.groupUpdated];

/** The case-insensitive key that must be unique per type: userName, or a group's displayName. */
export function scimUniqueKey(type: ScimResourceType, resource: Record<string, unknown>): string {
  const value = type === 'User' ? resource.userName : resource.displayName;
  return typeof value === 'string' ? value.toLowerCase() : '';
}

function rowOf(row: Database['scim_resources']): ScimResourceRow {
  return {
    type: row.resource_type,
    id: row.id,
    seq: Number(row.seq),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    resource: JSON.parse(row.resource) as Record<string, unknown>,
  };
}

/** Applies one event of the SCIM door to the table; events of other types or sources change nothing. */
export async function projectScimEvent(trx: Executor, event: ProjectedEvent): Promise<void> {
  if (event.source !== SCIM_SERVER_SOURCE) return;
  const data = (event.data ?? {}) as Record<string, unknown>;
  const id = typeof data.id === 'string' ? data.id : undefined;
  if (id === undefined) return;
  const type: ScimResourceType | undefined = event.type.startsWith('SCIM.User') ? 'User' : event.type.startsWith('SCIM.Group') ? 'Group' : undefined;
  if (type === undefined) return;
  if (event.type === LIFECYCLE.userDeleted || event.type === LIFECYCLE.groupDeleted) {
    await trx.deleteFrom('scim_resources').where('resource_type', '=', type).where('id', '=', id).execute();
    return;
  }
  if (!USER_WRITES.includes(event.type) && !GROUP_WRITES.includes(event.type)) return;
  // A group event may also say which members changed; the resource is the group itself.
  const { membersAdded: _added, membersRemoved: _removed, ...resource } = data;
  const time = event.time ?? new Date().toISOString();
  const values = { unique_key: scimUniqueKey(type, resource), seq: event.seq, modified_at: time, resource: JSON.stringify(resource) };
  const updated = await trx.updateTable('scim_resources').set(values).where('resource_type', '=', type).where('id', '=', id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await trx.insertInto('scim_resources').values({ resource_type: type, id, created_seq: event.seq, created_at: time, ...values }).execute();
  }
}

export async function readScimResource(db: Executor, type: ScimResourceType, id: string, forUpdate = false): Promise<ScimResourceRow | undefined> {
  let query = db.selectFrom('scim_resources').selectAll().where('resource_type', '=', type).where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : rowOf(row);
}

/** The resource that holds this userName / displayName (any case), if any. */
export async function findScimResourceByUniqueKey(db: Executor, type: ScimResourceType, value: string): Promise<ScimResourceRow | undefined> {
  const row = await db.selectFrom('scim_resources').selectAll().where('resource_type', '=', type).where('unique_key', '=', value.toLowerCase()).executeTakeFirst();
  return row === undefined ? undefined : rowOf(row);
}

/** Every resource of a type, oldest first (the order list answers page through). */
export async function listScimResources(db: Executor, type: ScimResourceType): Promise<ScimResourceRow[]> {
  const rows = await db.selectFrom('scim_resources').selectAll().where('resource_type', '=', type).orderBy('created_seq').execute();
  return rows.map(rowOf);
}

/** The type of each of `ids` that is a User or a Group here. */
export async function scimResourceTypes(db: Executor, ids: string[]): Promise<Map<string, ScimResourceType>> {
  const found = new Map<string, ScimResourceType>();
  if (ids.length === 0) return found;
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('scim_resources').select(['id', 'resource_type']).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const row of rows) found.set(row.id, row.resource_type);
  }
  return found;
}

/**
 * Folds the table again from seq 0: every `scim/v2` event of the log, in order, in one transaction (the
 * endpoint's writes wait meanwhile, and readers see the old table until it commits). Returns the rows.
 */
export async function rebuildScimResources(db: Db, pageSize = 1000): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('scim_resources').execute();
    for (let after = 0; ; ) {
      const rows = await trx.selectFrom('events').select(['seq', 'source', 'id', 'type', 'subject', 'time', 'data'])
        .where('source', '=', SCIM_SERVER_SOURCE).where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
      for (const row of rows) {
        const data = row.data === null ? undefined : (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as unknown;
        await projectScimEvent(trx, {
          specversion: '1.0', seq: Number(row.seq), source: row.source, id: row.id, type: row.type, extensions: {},
          ...(row.time === null ? {} : { time: row.time }), ...(data === undefined ? {} : { data }),
        });
      }
      if (rows.length < pageSize) break;
      after = Number(rows.at(-1)!.seq);
    }
    const { count } = await trx.selectFrom('scim_resources').select(sql<number>`COUNT(*)`.as('count')).executeTakeFirstOrThrow();
    return Number(count);
  });
}
