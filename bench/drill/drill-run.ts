// Runs one drill: a fresh log database on the private MariaDB, fresh Resend and SCIM servers, the
// pipeline as child processes (ingest + relay in one, the mailer and gitbook-sync in another), the
// drill's fault, then a wait — bounded — for every joiner's email and GitBook account to be there once
// and recorded in the log, and for nothing to be left pending.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createPool, type Pool } from 'mysql2/promise';
import { Redis } from 'ioredis';
import { startResendServer, startScimServer, type AcceptedEmail, type ResendServer, type ScimServer } from '@onramp/provider-servers';
import { countEffect, exactlyOnce, personOf, sumCounts, type EffectCount } from './accounting.js';
import type { DrillRow } from './drill-table.js';
import { sleep } from './free-port.js';
import { emailPeople, readLogView, type Snapshot } from './observe.js';
import { onrampProcess, type OnrampProcess, type UnexpectedExit } from './onramp-process.js';
import { emptyTally, postJoiners, type PostTally } from './post-joiners.js';
import type { PrivateMariaDb } from './private-mariadb.js';
import type { PrivateRedis } from './private-redis.js';

export interface DrillEnvironment {
  folder: string;
  mariadb: PrivateMariaDb;
  redis: PrivateRedis;
  quick: boolean;
  log: (line: string) => void;
}

export interface DrillContext {
  env: DrillEnvironment;
  resend: ResendServer;
  scim: ScimServer;
  ingest: OnrampProcess;
  workers: OnrampProcess;
  /** Called (and awaited) inside the providers, after they acted and before they answer. */
  hooks: { onAccepted?: (emails: AcceptedEmail[]) => Promise<void>; onUserCreated?: (userName: string) => Promise<void> };
  /** `n` new people of this drill (keys for joinerEvent). */
  people(n: number, from?: number): string[];
  /** Posts joiners to ingest (each person's key; repeats are re-posts). */
  post(keys: string[], options?: { concurrency?: number; paceMs?: number }): Promise<PostTally>;
  snapshot(): Promise<Snapshot>;
  /** Polls the snapshot until `done` holds. */
  until(done: (s: Snapshot) => boolean, timeoutMs: number, what: string): Promise<Snapshot>;
  /** The fault is over: time to recover counts from here. */
  cleared(): void;
  note(line: string): void;
}

export interface Drill {
  name: string;
  /** The whole drill, fault included, must be done within this. */
  limitSeconds: number;
  /** Start the workers before `run` (default true). */
  workersFirst?: boolean;
  resendRatePerSecond?: number;
  run(ctx: DrillContext): Promise<void>;
}

export interface DrillResult {
  row: DrillRow;
  details: Record<string, unknown>;
}

const SCIM_TOKEN = 'drill-scim-token-0123456789';

function onrampEnv(env: DrillEnvironment, database: string, resend: ResendServer, scim: ScimServer, home: string, tokens: { ingest: string; admin: string }, mailRate: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: `${env.mariadb.url}/${database}`,
    REDIS_URL: env.redis.url,
    ONRAMP_HOME: home,
    INGEST_PORT: '0',
    SEARCH_PORT: '0',
    SEARCH_AUTH: 'disabled',
    INGEST_TOKEN: tokens.ingest,
    ADMIN_TOKEN: tokens.admin,
    LOG_LEVEL: 'warn',
    MAIL_MODE: 'send',
    RESEND_API_KEY: 're_drill_0123456789',
    RESEND_BASE_URL: resend.url,
    MAIL_RATE_PER_SECOND: String(mailRate),
    GITBOOK_MODE: 'sync',
    GITBOOK_SCIM_URL: scim.url,
    GITBOOK_SCIM_TOKEN: SCIM_TOKEN,
  };
}

function statusCounts(statuses: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

export async function runDrill(drill: Drill, env: DrillEnvironment): Promise<DrillResult> {
  const started = Date.now();
  const deadline = started + drill.limitSeconds * 1000;
  const slug = drill.name.replace(/[^a-z0-9]+/gi, '_').toLowerCase().slice(0, 40);
  const database = `drill_${slug}`;
  const home = join(env.folder, 'home', slug);
  await mkdir(home, { recursive: true });
  const hooks: DrillContext['hooks'] = {};
  const created: string[] = [];
  const mailRate = drill.resendRatePerSecond ?? 2;
  const resend = await startResendServer({ ratePerSecond: mailRate, onAccepted: async (emails) => hooks.onAccepted?.(emails) });
  const scim = await startScimServer({
    token: SCIM_TOKEN,
    onUserCreated: async (user) => {
      created.push(personOf(String(user.userName)));
      await hooks.onUserCreated?.(String(user.userName));
    },
  });
  const tokens = { ingest: randomBytes(24).toString('base64url'), admin: randomBytes(24).toString('base64url') };
  const childEnv = onrampEnv(env, database, resend, scim, home, tokens, mailRate);
  const ingest = onrampProcess('ingest+relay', 'ingest,dispatcher', childEnv, join(home, 'ingest.log'));
  const workers = onrampProcess('workers', 'mailer,gitbook-sync', childEnv, join(home, 'workers.log'));
  const pool: Pool = createPool({ uri: `${env.mariadb.url}/${database}`, connectionLimit: 2, connectTimeout: 2000 });
  pool.on('connection', (c) => c.on('error', () => undefined));
  const tally = emptyTally();
  const notes: string[] = [];
  let clearedAt: number | undefined;

  const snapshot = async (): Promise<Snapshot> => ({ at: Date.now(), emails: emailPeople(resend.emails), accounts: [...created], log: await readLogView(pool) });
  const until = async (done: (s: Snapshot) => boolean, timeoutMs: number, what: string) => {
    const limit = Math.min(Date.now() + timeoutMs, deadline);
    for (;;) {
      const s = await snapshot();
      if (done(s)) return s;
      if (Date.now() > limit) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  };
  let nextPerson = 0;
  const ctx: DrillContext = {
    env,
    resend,
    scim,
    ingest,
    workers,
    hooks,
    people: (n) => Array.from({ length: n }, () => `${slug.replace(/_/g, '-')}-${nextPerson++}`),
    post: (keys, options = {}) =>
      postJoiners(keys, { ingestUrl: ingest.url!, token: tokens.ingest, concurrency: options.concurrency ?? 20, deadline, ...(options.paceMs === undefined ? {} : { paceMs: options.paceMs }) }, tally),
    snapshot,
    until,
    cleared: () => {
      clearedAt = Date.now();
    },
    note: (line) => {
      notes.push(line);
      env.log(`    ${line}`);
    },
  };

  const counts = (s: Snapshot) => {
    const people = [...tally.people];
    const effects = sumCounts([countEffect(people, s.emails), countEffect(people, s.accounts)]);
    const outcomes: EffectCount | undefined = s.log === undefined ? undefined : sumCounts([countEffect(people, s.log.welcomeSent), countEffect(people, s.log.accessGranted)]);
    return { people, effects, outcomes };
  };

  let failure: string | undefined;
  let completeAt: number | undefined;
  let last: Snapshot | undefined;
  try {
    await ingest.start();
    if (drill.workersFirst !== false) await workers.start();
    await drill.run(ctx);
    clearedAt ??= Date.now();
    // Complete: every effect there once and recorded. Then settled: nothing left pending.
    for (;;) {
      last = await snapshot();
      const { effects, outcomes } = counts(last);
      if (completeAt === undefined && exactlyOnce(effects) && outcomes !== undefined && exactlyOnce(outcomes)) completeAt = last.at;
      if (completeAt !== undefined && last.log !== undefined && last.log.pending === 0) break;
      if (Date.now() > deadline) break;
      await sleep(250);
    }
    // A short watch after the work settled, for late duplicates (stalled jobs run again).
    await sleep(3000);
    last = await snapshot();
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    env.log(`    drill failed: ${failure}`);
    last = await snapshot();
  } finally {
    delete hooks.onAccepted;
    delete hooks.onUserCreated;
    await Promise.race([Promise.all([workers.stop(), ingest.stop()]), sleep(20_000)]);
    await Promise.all([workers.kill(), ingest.kill()]);
    await resend.close();
    await scim.close();
    await pool.end().catch(() => undefined);
    const redis = new Redis(env.redis.url, { maxRetriesPerRequest: 1 });
    await redis.flushall().catch(() => undefined);
    redis.disconnect();
  }

  const { people, effects, outcomes } = counts(last);
  const exits: UnexpectedExit[] = [...ingest.exits, ...workers.exits];
  const recovered = failure === undefined && completeAt !== undefined && exactlyOnce(counts(last).effects) && outcomes !== undefined && exactlyOnce(outcomes) && (last.log?.deadLetters ?? 1) === 0;
  const row: DrillRow = {
    drill: drill.name,
    accepted: tally.appended + tally.duplicates,
    acceptedDuplicates: tally.duplicates,
    expected: effects.expected,
    seen: effects.seen,
    duplicates: effects.duplicates + effects.strangers,
    lost: effects.lost,
    outcomesSeen: outcomes?.seen ?? 0,
    outcomesExpected: outcomes?.expected ?? people.length * 2,
    outcomeDuplicates: outcomes?.duplicates ?? 0,
    recovered,
    recoverSeconds: completeAt === undefined ? undefined : Math.max(0, completeAt - (clearedAt ?? started)) / 1000,
  };
  const byKind = {
    emails: countEffect(people, last.emails),
    gitbookAccounts: countEffect(people, last.accounts),
    welcomeSent: last.log === undefined ? null : countEffect(people, last.log.welcomeSent),
    accessGranted: last.log === undefined ? null : countEffect(people, last.log.accessGranted),
  };
  const details = {
    people: people.length,
    seconds: (Date.now() - started) / 1000,
    limitSeconds: drill.limitSeconds,
    failure: failure ?? null,
    posting: { appended: tally.appended, duplicates: tally.duplicates, rejected: tally.rejected, retries: tally.retries, gaveUp: tally.gaveUp },
    byKind,
    pendingAtEnd: last.log?.pending ?? null,
    deadLetters: last.log?.deadLetters ?? null,
    jobsRestored: last.log?.jobsRestored ?? null,
    resendRequests: statusCounts(resend.requests.map((r) => r.status)),
    resendAnswersLost: resend.requests.filter((r) => r.answerLost === true).length,
    scimRequests: statusCounts(scim.requests.map((r) => r.status)),
    scimAnswersLost: scim.requests.filter((r) => r.answerLost === true).length,
    unexpectedExits: exits.map((e) => ({ process: e.process, code: e.code, signal: e.signal, lastLines: e.lastLines.slice(-5) })),
    notes,
  };
  return { row, details };
}
