// Which migration the log is at, against the one this code needs. Only `onramp migrate` changes the
// schema (it needs DDL rights, which the services' database user does not have), so a service may meet
// a log that is behind (not migrated yet) or ahead (the code was rolled back); it refuses both.
import { sql } from 'kysely';
import { SchemaMismatch } from '../errors.js';
import type { Db } from './database.js';
import { migrations } from './migrations.js';

/** The latest migration this code knows; migrations apply in the order of their names. */
export const SCHEMA_VERSION: string = Object.keys(migrations).sort().at(-1)!;

const ER_BAD_DB_ERROR = 1049;
const ER_NO_SUCH_TABLE = 1146;

function errnoOf(error: unknown): unknown {
  return (error as { errno?: unknown }).errno;
}

/** The migrations the database has applied, in order, or why there are none. */
export async function readAppliedMigrations(db: Db): Promise<string[] | 'no-database' | 'no-schema'> {
  try {
    // Kysely's migrator owns this table; it is not in the Database type.
    const { rows } = await sql<{ name: string }>`SELECT name FROM schema_migrations`.execute(db);
    return rows.map((r) => r.name).sort();
  } catch (error) {
    if (errnoOf(error) === ER_BAD_DB_ERROR) return 'no-database';
    if (errnoOf(error) === ER_NO_SUCH_TABLE) return 'no-schema';
    throw error;
  }
}

/** Throws SchemaMismatch unless the database has applied exactly the migrations this code knows. */
export async function checkSchema(db: Db, database: string): Promise<void> {
  const found = await readAppliedMigrations(db);
  const applied = typeof found === 'string' ? [] : found;
  const latest = applied.at(-1);
  const unknown = applied.filter((name) => !Object.hasOwn(migrations, name));
  if (unknown.length > 0) {
    throw new SchemaMismatch(
      'schema_ahead',
      `the database ${database} is at ${latest}, newer than this onramp knows (${SCHEMA_VERSION}): rolling the code back past a migration is not supported; run the onramp that migrated it`,
      latest,
      SCHEMA_VERSION,
    );
  }
  if (Object.keys(migrations).some((name) => !applied.includes(name))) {
    const at =
      found === 'no-database' ? `the database ${database} does not exist`
      : latest === undefined ? `the database ${database} has no onramp schema`
      : `the database ${database} is at ${latest}`;
    throw new SchemaMismatch('schema_behind', `run "onramp migrate" first: ${at}, this onramp needs ${SCHEMA_VERSION}`, latest, SCHEMA_VERSION);
  }
}
