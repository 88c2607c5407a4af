// One exit-code convention for every command (README, "Exit codes"), and errors that say what to fix:
// which service, where, and the variable that pointed there.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createConnection } from 'mysql2/promise';
import { TEST_MYSQL, TEST_REDIS, freshDatabase, unmigratedDatabase } from '@onramp/core/testing';
import { EXIT } from '@onramp/core';
import { main, registerModules, type Io } from '@onramp/cli';
import { cleanEnv, freePort, runOnramp } from './helpers/onramp-process.js';

// Many child processes, each loading the CLI: on a loaded 2-core machine this file needs more than the default.
t.setTimeout(300_000);

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTty: false };
}

t.test('--help exits 0 for every command; no command and unknown ones are usage errors (2)', async (t) => {
  for (const argv of [['--help'], ['-h'], ['events', '--help'], ['events', 'list', '--help'], ['start', '--help'], ['replay', '--help'], ['dlq', 'retry', '--help'], ['docs', 'add', '--help'], ['infra', 'check', '--help']]) {
    const io = capture();
    t.equal(await main(argv, io), EXIT.ok, argv.join(' '));
    t.match([...io.lines, ...io.errors].join('\n'), /usage/i, `${argv.join(' ')} prints the usage`);
  }
  const none = capture();
  t.equal(await main([], none), EXIT.usage, 'no command');
  t.match(none.errors.join('\n'), /usage: onramp <command>/, 'the usage goes to stderr');
  t.same(none.lines, [], 'nothing on stdout');
  for (const argv of [['frobnicate'], ['events', 'list', '--colour'], ['start', '--only', 'fax'], ['infra', 'check', '--format', 'xml']]) {
    t.equal(await main(argv, capture()), EXIT.usage, argv.join(' '));
  }
});

t.test('the process ends with the code main returned: --help 0, start --help 0, no command 2', async (t) => {
  const env = cleanEnv({ LOG_LEVEL: 'silent' });
  for (const [args, code] of [[['--help'], 0], [['start', '--help'], 0], [[], 2]] as const) {
    const run = await runOnramp([...args], env, 60_000);
    t.equal(run.code, code, `onramp ${args.join(' ')}`);
  }
});

t.test('MySQL unreachable: exit 69 and one line naming MySQL, the address and DATABASE_URL', async (t) => {
  const port = await freePort();
  const run = await runOnramp(['events', 'list'], cleanEnv({ DATABASE_URL: `mysql://root@127.0.0.1:${port}/onramp`, REDIS_URL: TEST_REDIS }));
  t.equal(run.code, EXIT.unavailable);
  t.equal(run.stderr.trim(), `onramp events: MySQL at 127.0.0.1:${port} (DATABASE_URL) refused the connection`);
  t.notMatch(run.stderr, /\n\s+at /, 'no stack trace');
});

t.test('a DATABASE_URL naming a database that does not exist: exit 75, named, and not created', async (t) => {
  const { url, name, drop } = unmigratedDatabase('typo');
  t.teardown(drop);
  const run = await runOnramp(['events', 'list'], cleanEnv({ DATABASE_URL: url, REDIS_URL: TEST_REDIS }));
  t.equal(run.code, EXIT.schema);
  t.match(run.stderr, `run "onramp migrate" first: the database ${name} does not exist`);
  const connection = await createConnection(TEST_MYSQL);
  const [rows] = await connection.query('SHOW DATABASES LIKE ?', [name]);
  await connection.end();
  t.same(rows, [], 'events list created nothing');
});

t.test('REDIS_URL with a database index Redis does not have, or no index at all: exit 78 before anything starts', async (t) => {
  const database = await freshDatabase('redisdb');
  t.teardown(database.drop);
  await registerModules(database.db);
  const port = await freePort();
  for (const [redis, message] of [
    [`${TEST_REDIS}/99`, /REDIS_URL names database 99, which Redis at [\d.]+:\d+ does not have \(ERR DB index is out of range\)/],
    [`${TEST_REDIS}/first`, /REDIS_URL's path must be a database index \(\/0, \/1, …\), got "\/first"/],
  ] as const) {
    const run = await runOnramp(['start', '--only', 'ingest,dispatcher'], cleanEnv({ DATABASE_URL: database.url, REDIS_URL: redis, INGEST_PORT: String(port) }));
    t.equal(run.code, EXIT.config, redis);
    t.match(run.stderr, message);
    t.notMatch(run.stdout, /listening/, 'ingest never started');
  }
  // reindex pauses the live indexer's queue in Redis: the same check, before it touches the index.
  const reindex = await runOnramp(['reindex'], cleanEnv({ DATABASE_URL: database.url, REDIS_URL: `${TEST_REDIS}/99`, ONRAMP_HOME: '/nonexistent/onramp-home' }));
  t.equal(reindex.code, EXIT.config, 'reindex');
  t.match(reindex.stderr, /REDIS_URL names database 99/);
});

t.test('start checks every component\'s configuration first: search-api without JWT settings stops it before ingest listens', async (t) => {
  const database = await freshDatabase('startcfg');
  t.teardown(database.drop);
  await registerModules(database.db);
  const run = await runOnramp(['start'], cleanEnv({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS, INGEST_PORT: '0', SEARCH_PORT: '0', SEARCH_AUTH: 'jwt' }));
  t.equal(run.code, EXIT.config);
  t.match(run.stderr, /search-api needs SEARCH_JWKS_URL or SEARCH_JWT_SECRET/);
  t.notMatch(run.stdout, /ingest listening|mailer|onramp started/, 'nothing was started');
});

t.test('a wrong HR mapping file: exit 78 naming the file and the problem, before ingest listens', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-hrmap-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'hr-mapping.json');
  await writeFile(file, JSON.stringify({ version: 1, attributes: { userName: { from: 'workEmail' } } }));
  const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
  const run = await runOnramp(['start', '--only', 'ingest'], cleanEnv({ HR_WEBHOOK_SECRET: secret, HR_MAPPING_FILE: file, INGEST_PORT: String(await freePort()) }));
  t.equal(run.code, EXIT.config);
  t.match(run.stderr, `HR_MAPPING_FILE ${file}: "emails[type eq "work"].value" must be mapped`);
  t.notMatch(run.stdout, /listening/);
  t.notMatch(run.stderr, secret, 'the secret is not printed');
});
