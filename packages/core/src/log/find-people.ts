// Finding a person in the log by what an operator knows: the subject, an email address, the userName or a
// part of the name. Reads the lifecycle events' SCIM data (a scan of those rows: an operator's look-up,
// not a hot path); the latest event of each subject names the person.
import { sql } from 'kysely';
import { LIFECYCLE } from '../events/event-types.js';
import type { Db } from './database.js';

export interface PersonMatch {
  subject: string;
  userName: string | null;
  name: string | null;
  /** The seq of the person's latest lifecycle event. */
  lastSeq: number;
}

const PERSON_TYPES = [LIFECYCLE.userCreated, LIFECYCLE.userUpdated, LIFECYCLE.userDeactivated, LIFECYCLE.userDeleted];

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function findPeople(db: Db, query: string, limit = 50): Promise<PersonMatch[]> {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [];
  const contains = `%${likeEscaped(needle)}%`;
  const field = (path: string) => sql<string | null>`JSON_UNQUOTE(JSON_EXTRACT(data, ${path}))`;
  const fullName = sql`LOWER(CONCAT_WS(' ', ${field('$.name.givenName')}, ${field('$.name.familyName')}))`;
  const rows = await db
    .selectFrom('events')
    .select(['seq', 'subject', field('$.userName').as('userName'), field('$.displayName').as('displayName'), field('$.name.givenName').as('given'), field('$.name.familyName').as('family')])
    .where('type', 'in', PERSON_TYPES)
    .where('subject', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('subject', '=', query.trim()),
        eb(sql`LOWER(${field('$.userName')})`, 'like', contains),
        eb(sql`LOWER(JSON_EXTRACT(data, '$.emails[*].value'))`, 'like', `%"${likeEscaped(needle)}"%`),
        eb(sql`LOWER(${field('$.displayName')})`, 'like', contains),
        eb(fullName, 'like', contains),
      ]),
    )
    .orderBy('seq', 'desc')
    .limit(limit * 10)
    .execute();
  const people = new Map<string, PersonMatch>();
  for (const row of rows) {
    if (row.subject === null || people.has(row.subject)) continue;
    const name = row.displayName ?? ([row.given, row.family].filter((part) => part !== null).join(' ') || null);
    people.set(row.subject, { subject: row.subject, userName: row.userName, name, lastSeq: Number(row.seq) });
  }
  return [...people.values()].slice(0, limit);
}
