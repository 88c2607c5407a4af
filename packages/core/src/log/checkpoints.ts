// A projection's checkpoint: which generation it serves and up to which seq that generation holds the log.
import { sql } from 'kysely';
import type { Db } from './database.js';

export interface Checkpoint {
  projection: string;
  generation: string;
  seq: number;
  updatedAt: Date;
}

export async function readCheckpoint(db: Db, projection: string): Promise<Checkpoint | undefined> {
  const row = await db.selectFrom('projection_checkpoints').selectAll().where('projection', '=', projection).executeTakeFirst();
  return row === undefined ? undefined : { projection, generation: row.generation, seq: Number(row.seq), updatedAt: row.updated_at };
}

export async function writeCheckpoint(db: Db, projection: string, generation: string, seq: number): Promise<void> {
  await sql`
    INSERT INTO projection_checkpoints (projection, generation, seq) VALUES (${projection}, ${generation}, ${seq})
    ON DUPLICATE KEY UPDATE generation = VALUES(generation), seq = VALUES(seq)`.execute(db);
}
