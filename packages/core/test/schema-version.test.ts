// A process connects to the log only at the schema it was built for: behind (or no database) and
// ahead (a rolled-back onramp) are refused with one line saying what to do; migrating is idempotent.
import { sql } from 'kysely';
import t from 'tap';
import { connectLog, migrateDatabase, SCHEMA_VERSION, SchemaMismatch } from '@onramp/core';
import { freshDatabase, unmigratedDatabase } from '@onramp/core/testing';

t.test('no database: schema_behind, naming onramp migrate', async (t) => {
  const { url, name } = unmigratedDatabase('nodb');
  const error = await connectLog(url).then(() => undefined, (e: unknown) => e);
  t.type(error, SchemaMismatch);
  t.equal((error as SchemaMismatch).code, 'schema_behind');
  t.equal((error as Error).message, `run "onramp migrate" first: the database ${name} does not exist, this onramp needs ${SCHEMA_VERSION}`);
});

t.test('an older schema: schema_behind, naming where it is and what is needed', async (t) => {
  const { db, url, name, drop } = await freshDatabase('behind');
  t.teardown(drop);
  await connectLog(url).then((log) => log.destroy());
  const { rows } = await sql<{ name: string }>`SELECT name FROM schema_migrations ORDER BY name`.execute(db);
  const previous = rows.at(-2)!.name;
  await sql`DELETE FROM schema_migrations WHERE name = ${SCHEMA_VERSION}`.execute(db);
  const error = await connectLog(url).then(() => undefined, (e: unknown) => e);
  t.match(error, { code: 'schema_behind', applied: previous, needed: SCHEMA_VERSION });
  t.equal((error as Error).message, `run "onramp migrate" first: the database ${name} is at ${previous}, this onramp needs ${SCHEMA_VERSION}`);
});

t.test('a newer schema than the code knows: schema_ahead, rollback not supported', async (t) => {
  const { db, url, drop } = await freshDatabase('ahead');
  t.teardown(drop);
  await sql`INSERT INTO schema_migrations (name, timestamp) VALUES ('9999_from_the_future', '2030-01-01T00:00:00Z')`.execute(db);
  const error = await connectLog(url).then(() => undefined, (e: unknown) => e);
  t.match(error, { code: 'schema_ahead', applied: '9999_from_the_future', needed: SCHEMA_VERSION });
  t.match((error as Error).message, /newer than this onramp knows .* rolling the code back past a migration is not supported/);
});

t.test('migrating again applies nothing, and the log opens', async (t) => {
  const { url, drop } = await freshDatabase('again');
  t.teardown(drop);
  const again = await migrateDatabase(url, 1);
  t.same(again.applied, []);
  await again.db.destroy();
  const log = await connectLog(url);
  await log.destroy();
});
