// Versioned schema migrations. Append new ones; never edit one that has shipped.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

// Kysely's migration type is untyped on purpose: a migration must not depend on today's table types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export const migrations: Record<string, Migration> = {
  '0001_event_log': {
    async up(db: AnyDb) {
      // Binary collation: CloudEvents ids and sources are compared exactly, case included.
      await sql`
        CREATE TABLE events (
          seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
          source VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          type VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          subject VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
          time VARCHAR(64) NULL,
          specversion VARCHAR(16) NOT NULL,
          datacontenttype VARCHAR(255) NULL,
          dataschema VARCHAR(1024) NULL,
          data LONGTEXT NULL,
          extensions TEXT NOT NULL,
          recorded_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          UNIQUE KEY events_identity (source, id),
          KEY events_by_type (type, seq),
          KEY events_by_subject (subject, seq)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`.execute(db);
      // The transactional outbox: one row per appended event not yet handed to the queues.
      await sql`CREATE TABLE outbox (seq BIGINT UNSIGNED NOT NULL PRIMARY KEY) ENGINE=InnoDB`.execute(db);
      await sql`
        CREATE TABLE consumer_completions (
          consumer VARCHAR(64) NOT NULL,
          seq BIGINT UNSIGNED NOT NULL,
          completed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          PRIMARY KEY (consumer, seq)
        ) ENGINE=InnoDB`.execute(db);
      await sql`
        CREATE TABLE dead_letters (
          consumer VARCHAR(64) NOT NULL,
          seq BIGINT UNSIGNED NOT NULL,
          attempts INT NOT NULL,
          code VARCHAR(64) NOT NULL,
          error TEXT NOT NULL,
          failed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          resolved_at DATETIME(6) NULL,
          PRIMARY KEY (consumer, seq),
          KEY dead_letters_open (resolved_at)
        ) ENGINE=InnoDB`.execute(db);
    },
    async down(db: AnyDb) {
      for (const table of ['dead_letters', 'consumer_completions', 'outbox', 'events']) {
        await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
      }
    },
  },
  '0002_log_identity': {
    // A random identity per event log, so that queues (keyed by seq) of one log are never mistaken for
    // another's: a database dropped and re-created restarts seq at 1 while Redis may still hold old jobs.
    async up(db: AnyDb) {
      await sql`CREATE TABLE log_identity (id CHAR(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB`.execute(db);
      await sql`INSERT INTO log_identity (id) VALUES (${randomBytes(8).toString('hex')})`.execute(db);
    },
    async down(db: AnyDb) {
      await sql`DROP TABLE IF EXISTS log_identity`.execute(db);
    },
  },
};
