// `onramp migrate`: the one step that changes the log's schema, so the only one that needs DDL rights.
// Creates the database if missing, applies the migrations, and registers every listed consumer's
// subscriptions, so that events appended once the services start are theirs from the first one on.
import { migrateDatabase, SCHEMA_VERSION, type Config } from '@onramp/core';
import { CONSUMER_MODULES, registerModules } from './consumer-modules.js';
import type { Io } from './context.js';

export async function migrateCommand(config: Config, io: Io): Promise<void> {
  const { db, applied } = await migrateDatabase(config.databaseUrl, 2);
  try {
    const database = decodeURIComponent(new URL(config.databaseUrl).pathname.slice(1)) || 'onramp';
    io.out(applied.length === 0
      ? `${database} is at ${SCHEMA_VERSION}: no migration to apply`
      : `${database} migrated to ${SCHEMA_VERSION} (applied ${applied.join(', ')})`);
    await registerModules(db);
    io.out(`subscriptions registered: ${CONSUMER_MODULES.map((m) => m.name).join(', ')}`);
  } finally {
    await db.destroy();
  }
}
