// The event-log database as a Kysely instance. Only `onramp migrate` (and tests' fresh databases) create
// and migrate it, with DDL rights; every other process connects and checks that the schema is the one
// it was built for. MariaDB 10.11+ and MySQL 8 both work.
import { Kysely, Migrator, MysqlDialect, type Generated } from 'kysely';
import { createPool, type Pool, type PoolOptions } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { migrations } from './migrations.js';
import { checkSchema } from './schema-version.js';
import { mysqlFailure } from '../dependency-failure.js';
import { ConfigError } from '../errors.js';

export interface EventsTable {
  seq: Generated<number>;
  source: string;
  id: string;
  type: string;
  subject: string | null;
  time: string | null;
  specversion: string;
  datacontenttype: string | null;
  dataschema: string | null;
  data: string | null;
  extensions: string;
  /** The catalogue's version of the type's data schema at append; null for types outside the catalogue. */
  schema_version: number | null;
  recorded_at: Generated<Date>;
}

export interface Database {
  events: EventsTable;
  log_identity: { id: string };
  outbox: { seq: number };
  consumer_completions: { consumer: string; seq: number; completed_at: Generated<Date> };
  projection_checkpoints: { projection: string; generation: string; seq: number; updated_at: Generated<Date> };
  subscriptions: { consumer: string; type: string; start_seq: number | null; registered_at: Generated<Date> };
  deliveries: {
    consumer: string;
    seq: number;
    subject_key: Buffer | null;
    state: 'waiting' | 'ready';
    queued_at: Date | null;
    enqueues: Generated<number>;
    redelivery: string | null;
    forced: Generated<number>;
    created_at: Generated<Date>;
  };
  held_deprovisionings: {
    consumer: string;
    seq: number;
    leavers_in_window: number;
    threshold: number;
    held_at: Generated<Date>;
    /** null while held; `approved`, `rejected`, or `superseded` (a later event made the person active again). */
    decision: 'approved' | 'rejected' | 'superseded' | null;
    decided_at: Date | null;
  };
  dead_letters: {
    consumer: string;
    seq: number;
    attempts: number;
    code: string;
    error: string;
    failed_at: Generated<Date>;
    resolved_at: Date | null;
  };
  callback_tokens: { token_key: Buffer; expires_at: Date };
  /** The SCIM endpoint's resources, a projection of its events (one row per live User or Group). */
  scim_resources: {
    resource_type: 'User' | 'Group';
    id: string;
    unique_key: string;
    /** The seq of the event that last wrote the row: the resource's version (ETag). */
    seq: number;
    created_seq: number;
    created_at: string;
    modified_at: string;
    /** The resource as JSON, without `meta`. */
    resource: string;
  };
  intake_dead_letters: {
    id: Generated<number>;
    intake: string;
    message_id: string;
    body: string;
    code: string;
    error: string;
    received_at: Generated<Date>;
  };
}

export type Db = Kysely<Database>;

/** The BullMQ prefix of this log's queues: the configured prefix and the log's own identity. */
export async function deliveryPrefix(db: Db, configuredPrefix: string): Promise<string> {
  const { id } = await db.selectFrom('log_identity').select('id').executeTakeFirstOrThrow();
  return `${configuredPrefix}-${id}`;
}

function poolOptions(url: string): PoolOptions & { database: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'onramp';
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new ConfigError([`DATABASE_URL names an unusable database "${database}" (letters, digits and _ only)`]);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database,
    charset: 'utf8mb4',
    timezone: 'Z',
    supportBigNumbers: true,
    connectionLimit: 10,
    connectTimeout: 5000,
  };
}

/** Creates the database if it does not exist; idempotent. Needs the CREATE privilege: `onramp migrate` only. */
export async function createDatabaseIfMissing(url: string): Promise<void> {
  const { database, ...options } = poolOptions(url);
  const connection = await createConnection(options).catch((error: unknown) => {
    throw mysqlFailure(error, url);
  });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}

/** Applies the migrations the database has not applied yet; returns their names. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export function connectDatabase(url: string, connectionLimit = 10): { db: Db; pool: Pool } {
  const pool = createPool({ ...poolOptions(url), connectionLimit });
  return { db: new Kysely<Database>({ dialect: new MysqlDialect({ pool }) }), pool };
}

/** Creates the database if missing and migrates it (`onramp migrate`; tests' fresh databases). Needs DDL rights. */
export async function migrateDatabase(url: string, connectionLimit = 10): Promise<{ db: Db; applied: string[] }> {
  await createDatabaseIfMissing(url);
  const { db } = connectDatabase(url, connectionLimit);
  try {
    return { db, applied: await migrateToLatest(db) };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/**
 * Connects to the log as every service and command does: DML only, no schema change. Refuses a schema
 * other than this code's with SchemaMismatch, whose message names the command to run.
 */
export async function connectLog(url: string, connectionLimit = 10): Promise<Db> {
  const { db } = connectDatabase(url, connectionLimit);
  try {
    await checkSchema(db, poolOptions(url).database);
  } catch (error) {
    await db.destroy();
    throw mysqlFailure(error, url);
  }
  return db;
}
