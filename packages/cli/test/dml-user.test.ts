// The services run as a database user that may only read and write rows (the README's GRANTs): only
// `onramp migrate`, as a user with DDL rights, creates and changes the schema. Before it has run, the
// services refuse to start with one line that names it.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import t from 'tap';
import { SCHEMA_VERSION } from '@onramp/core';
import { eventBridgeJoiner, TEST_MYSQL, TEST_REDIS, unmigratedDatabase, waitFor } from '@onramp/core/testing';

const BIN = fileURLToPath(new URL('../../../bin/onramp.js', import.meta.url));
const run = promisify(execFile);

t.test('migrate as root, then ingest, dispatcher and mailer as a DML-only user: the joiner is welcomed', async (t) => {
  const database = unmigratedDatabase('dml');
  const user = `onramp_dml_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const admin = await createConnection(TEST_MYSQL);
  await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
  await admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${database.name}\`.* TO ?@'%'`, [user]);
  const home = await mkdtemp(join(tmpdir(), 'onramp-dml-'));
  const children: ReturnType<typeof spawn>[] = [];
  t.teardown(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
    await admin.query(`DROP USER IF EXISTS ?@'%'`, [user]);
    await admin.end();
    await database.drop();
    await rm(home, { recursive: true, force: true });
  });

  const dmlUrl = new URL(database.url);
  dmlUrl.username = user;
  dmlUrl.password = password;
  const env = (databaseUrl: string): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS, ONRAMP_HOME: home, INGEST_PORT: '0', LOG_LEVEL: 'warn' };
    for (const name of ['RESEND_API_KEY', 'GITBOOK_SCIM_URL', 'GITBOOK_SCIM_TOKEN', 'INGEST_TOKEN', 'ADMIN_TOKEN', 'NODE_ENV']) delete e[name];
    return e;
  };
  const dml = env(dmlUrl.href);
  const start = () => {
    const child = spawn(process.execPath, [BIN, 'start', '--only', 'ingest,dispatcher,mailer'], { env: dml, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, out: () => stdout, err: () => stderr };
  };

  // Before migrate: the services refuse, with one line naming the command, and a code of their own.
  const early = start();
  t.equal(await early.exited, 75, 'exit 75: the log is not at this code\'s schema');
  t.equal(early.err().trim(), `onramp start: run "onramp migrate" first: the database ${database.name} does not exist, this onramp needs ${SCHEMA_VERSION}`);

  // The DML user cannot migrate: its rights really are rows only.
  const denied = await run(process.execPath, [BIN, 'migrate'], { env: dml }).then(() => undefined, (error: { code: number; stderr: string }) => error);
  t.equal(denied?.code, 1, 'migrate as the DML user fails');
  t.match(denied?.stderr, /denied/i);

  const migrated = await run(process.execPath, [BIN, 'migrate'], { env: env(database.url) });
  t.match(migrated.stdout, `migrated to ${SCHEMA_VERSION}`);

  const services = start();
  const ingestUrl = await waitFor(() => /ingest listening on (\S+)/.exec(services.out())?.[1] ?? (services.child.exitCode === null ? undefined : 'exited'), 20_000, 'ingest to listen');
  t.not(ingestUrl, 'exited', services.err());
  await waitFor(() => services.out().includes('onramp started'), 20_000, 'the services');
  const token = (JSON.parse(readFileSync(join(home, 'tokens.json'), 'utf8')) as { ingest: string }).ingest;
  const posted = await fetch(`${ingestUrl}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(eventBridgeJoiner('dml')),
  });
  t.equal(posted.status, 202);
  const mail = await waitFor(async () => {
    const found = (await readdir(join(home, 'mail')).catch(() => [])).filter((name) => name.endsWith('.eml'));
    return found.length > 0 ? found : undefined;
  }, 20_000, 'the welcome email');
  t.equal(mail.length, 1);
  const listed = await waitFor(async () => {
    const { stdout } = await run(process.execPath, [BIN, 'events', 'list', '--type', 'onramp.mail.WelcomeSent', '--json'], { env: dml });
    return stdout.trim() === '' ? undefined : stdout.trim().split('\n');
  }, 20_000, 'WelcomeSent in the log');
  t.equal(listed.length, 1, 'one WelcomeSent, read back as the DML user');
  // MySQL answers a statement beyond the grants with "… command denied to user …": none was sent.
  t.notMatch(services.out() + services.err(), /denied/i, 'no statement needed more than DML');
  t.notMatch(services.out(), /"level":(50|60)/, 'no error logged');

  services.child.kill('SIGTERM');
  t.equal(await services.exited, 0, 'stops cleanly on SIGTERM');
});
