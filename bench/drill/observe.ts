// What a drill looks at from the outside: the emails the Resend server accepted, the accounts the SCIM
// server created, and — read straight from the log's tables — the outcome events, the work still
// pending and the dead letters. The log may be down while a drill looks: then its part is unknown.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { AcceptedEmail } from '@onramp/provider-servers';
import { personOf } from './accounting.js';

export interface LogView {
  welcomeSent: string[];
  accessGranted: string[];
  /** Delivery rows of the mailer and gitbook-sync not finished yet, and outbox rows not relayed yet. */
  pending: number;
  /** Outbox rows alone: events the relay has not turned into deliveries yet. */
  outbox: number;
  deadLetters: number;
  /** onramp.delivery.JobsRestored events: the relay found jobs Redis had lost. */
  jobsRestored: number;
}

export interface Snapshot {
  at: number;
  emails: string[];
  accounts: string[];
  log: LogView | undefined;
}

const CONSUMERS = ['mailer', 'gitbook-sync'];

export async function readLogView(pool: Pool): Promise<LogView | undefined> {
  try {
    const [outcomes] = await pool.query<RowDataPacket[]>(
      "SELECT type, subject FROM events WHERE type IN ('onramp.mail.WelcomeSent', 'onramp.gitbook.AccessGranted')",
    );
    const [[deliveries]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM deliveries WHERE consumer IN (?)', [CONSUMERS]);
    const [[outbox]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM outbox');
    const [[letters]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM dead_letters WHERE consumer IN (?)', [CONSUMERS]);
    const [[restored]] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM events WHERE type = 'onramp.delivery.JobsRestored'");
    const of = (type: string) => outcomes.filter((r) => r.type === type).map((r) => personOf(String(r.subject)));
    return {
      welcomeSent: of('onramp.mail.WelcomeSent'),
      accessGranted: of('onramp.gitbook.AccessGranted'),
      pending: Number(deliveries!.n) + Number(outbox!.n),
      outbox: Number(outbox!.n),
      deadLetters: Number(letters!.n),
      jobsRestored: Number(restored!.n),
    };
  } catch {
    return undefined; // the log is down (a drill did it) or not created yet
  }
}

export function emailPeople(emails: readonly AcceptedEmail[]): string[] {
  return emails.flatMap((e) => e.to.map(personOf));
}
