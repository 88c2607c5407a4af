// Test support shared by every workspace's tests: a database and a queue prefix of their own, so that
// test files can run side by side against the one MariaDB and Redis of the machine.
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { openDatabase, type Db } from './log/database.js';

export const TEST_MYSQL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const TEST_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  db: Db;
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new, migrated database `onramp_test_<random>`; drop() destroys the pool and the database. */
export async function freshDatabase(label = 't'): Promise<TestDatabase> {
  const name = `onramp_test_${label.replace(/\W/g, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_MYSQL}/${name}`;
  const db = await openDatabase(url);
  return {
    db,
    url,
    name,
    async drop() {
      await db.destroy();
      const connection = await createConnection(TEST_MYSQL.replace(/^mysql:/, 'mysql:'));
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

/** A BullMQ prefix no other test uses. */
export function freshPrefix(label = 't'): string {
  return `onramp-test-${label}-${randomBytes(4).toString('hex')}`;
}
