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
  '0003_delivery_state': {
    // Delivery v2: what each consumer still has to do lives in rows, not in Redis. `subscriptions` says
    // which types a consumer takes and from which seq on; `deliveries` holds one row per (consumer, seq)
    // not yet completed or dead-lettered. Of one subject's rows only one is `ready` (in a queue) at a
    // time: completing it makes the next one ready, so per-person order needs no polling.
    async up(db: AnyDb) {
      await sql`
        CREATE TABLE subscriptions (
          consumer VARCHAR(64) NOT NULL,
          type VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          start_seq BIGINT UNSIGNED NULL,
          registered_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          PRIMARY KEY (consumer, type)
        ) ENGINE=InnoDB`.execute(db);
      await sql`
        CREATE TABLE deliveries (
          consumer VARCHAR(64) NOT NULL,
          seq BIGINT UNSIGNED NOT NULL,
          subject_key BINARY(20) NULL,
          state ENUM('waiting', 'ready') NOT NULL,
          queued_at DATETIME(6) NULL,
          enqueues INT NOT NULL DEFAULT 0,
          redelivery VARCHAR(64) NULL,
          forced TINYINT(1) NOT NULL DEFAULT 0,
          created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          PRIMARY KEY (consumer, seq),
          KEY deliveries_by_subject (consumer, subject_key, seq),
          KEY deliveries_to_queue (state, queued_at)
        ) ENGINE=InnoDB`.execute(db);
      // A log written by v1 had three consumers that took every event from seq 0. What they have neither
      // completed nor dead-lettered (and the relay has already moved out of the outbox) becomes a delivery
      // row, so that work a lost Redis dropped before the upgrade is still done after it.
      const v1: Record<string, string[]> = {
        mailer: ['SCIM.UserCreated'],
        'gitbook-sync': ['SCIM.UserCreated', 'SCIM.UserUpdated', 'SCIM.UserDeactivated', 'SCIM.UserDeleted'],
        indexer: ['SCIM.UserCreated', 'SCIM.UserUpdated', 'SCIM.UserDeactivated', 'SCIM.UserDeleted', 'Document.Published'],
      };
      const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM events`.execute(db);
      if (Number(rows[0]?.n ?? 0) === 0) return;
      for (const [consumer, types] of Object.entries(v1)) {
        for (const type of types) {
          await sql`INSERT INTO subscriptions (consumer, type, start_seq) VALUES (${consumer}, ${type}, 0)`.execute(db);
        }
        await sql`
          INSERT INTO deliveries (consumer, seq, subject_key, state)
          SELECT ${consumer}, seq, subject_key,
                 IF(subject_key IS NULL OR ROW_NUMBER() OVER (PARTITION BY subject_key ORDER BY seq) = 1, 'ready', 'waiting')
          FROM (
            SELECT e.seq, IF(e.subject IS NULL, NULL, UNHEX(SHA1(e.subject))) AS subject_key
            FROM events e
            WHERE e.type IN (${sql.join(types)})
              AND NOT EXISTS (SELECT 1 FROM consumer_completions c WHERE c.consumer = ${consumer} AND c.seq = e.seq)
              AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.consumer = ${consumer} AND d.seq = e.seq AND d.resolved_at IS NULL)
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.seq = e.seq)
          ) AS undone`.execute(db);
      }
    },
    async down(db: AnyDb) {
      await sql`DROP TABLE IF EXISTS deliveries`.execute(db);
      await sql`DROP TABLE IF EXISTS subscriptions`.execute(db);
    },
  },
  '0004_projection_checkpoints': {
    // A projection's checkpoint: the generation (index) it serves and the seq up to which that generation
    // holds the whole log. `reindex` writes it when it swaps a new generation in.
    async up(db: AnyDb) {
      await sql`
        CREATE TABLE projection_checkpoints (
          projection VARCHAR(64) NOT NULL PRIMARY KEY,
          generation VARCHAR(255) NOT NULL,
          seq BIGINT UNSIGNED NOT NULL,
          updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
        ) ENGINE=InnoDB`.execute(db);
    },
    async down(db: AnyDb) {
      await sql`DROP TABLE IF EXISTS projection_checkpoints`.execute(db);
    },
  },
  '0005_schema_version': {
    // Which version of its type's data schema each event was validated against (events/catalogue.ts).
    async up(db: AnyDb) {
      await sql`ALTER TABLE events ADD COLUMN schema_version SMALLINT UNSIGNED NULL AFTER extensions`.execute(db);
    },
    async down(db: AnyDb) {
      await sql`ALTER TABLE events DROP COLUMN schema_version`.execute(db);
    },
  },
  '0006_door_state': {
    // State the identity doors share across ingest processes. callback_tokens: each IDaaS callback token
    // (by its audience and jti) once, until it expires, so a replayed token is refused whichever process
    // gets it. intake_dead_letters: messages an intake (MNS) could not turn into events, kept with their
    // raw body; unique per message, so a redelivery after a crash is not kept twice.
    async up(db: AnyDb) {
      await sql`
        CREATE TABLE callback_tokens (
          token_key BINARY(32) NOT NULL PRIMARY KEY,
          expires_at DATETIME(3) NOT NULL,
          KEY callback_tokens_expiry (expires_at)
        ) ENGINE=InnoDB`.execute(db);
      await sql`
        CREATE TABLE intake_dead_letters (
          id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
          intake VARCHAR(300) NOT NULL,
          message_id VARCHAR(255) NOT NULL,
          body MEDIUMTEXT NOT NULL,
          code VARCHAR(64) NOT NULL,
          error VARCHAR(1024) NOT NULL,
          received_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          UNIQUE KEY intake_dead_letters_message (intake, message_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`.execute(db);
    },
    async down(db: AnyDb) {
      await sql`DROP TABLE IF EXISTS intake_dead_letters`.execute(db);
      await sql`DROP TABLE IF EXISTS callback_tokens`.execute(db);
    },
  },
  '0007_held_deprovisionings': {
    // Leavers whose deprovisioning a consumer held because too many came at once (the deletion
    // threshold). Written with the consumer's completion; an operator's approve or reject decides them.
    async up(db: AnyDb) {
      await sql`
        CREATE TABLE held_deprovisionings (
          consumer VARCHAR(64) NOT NULL,
          seq BIGINT UNSIGNED NOT NULL,
          leavers_in_window INT UNSIGNED NOT NULL,
          threshold INT UNSIGNED NOT NULL,
          held_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          decision VARCHAR(16) NULL,
          decided_at DATETIME(6) NULL,
          PRIMARY KEY (consumer, seq),
          KEY held_undecided (decision, consumer)
        ) ENGINE=InnoDB`.execute(db);
    },
    async down(db: AnyDb) {
      await sql`DROP TABLE IF EXISTS held_deprovisionings`.execute(db);
    },
  },
  '0008_scim_resources': {
    // The SCIM 2.0 endpoint's Users and Groups: a projection of the log's `scim/v2` events, written in
    // the same transaction as each event and rebuildable from seq 0 (scim/scim-projection.ts). unique_key
    // is the lower-cased userName (Users) or displayName (Groups): case-insensitive uniqueness (RFC 7643
    // §4.1.1 caseExact false), held by the database so that two concurrent creates cannot both win.
    async up(db: AnyDb) {
      await sql`
        CREATE TABLE scim_resources (
          resource_type VARCHAR(8) NOT NULL,
          id VARCHAR(64) NOT NULL,
          unique_key VARCHAR(512) NOT NULL,
          seq BIGINT UNSIGNED NOT NULL,
          created_seq BIGINT UNSIGNED NOT NULL,
          created_at VARCHAR(64) NOT NULL,
          modified_at VARCHAR(64) NOT NULL,
          resource MEDIUMTEXT NOT NULL,
          PRIMARY KEY (resource_type, id),
          UNIQUE KEY scim_resources_unique (resource_type, unique_key)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`.execute(db);
    },
    async down(db: AnyDb) {
      await sql`DROP TABLE IF EXISTS scim_resources`.execute(db);
    },
  },
};
