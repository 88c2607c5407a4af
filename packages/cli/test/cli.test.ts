import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { Queue } from 'bullmq';
import { OUTCOME, appendEvents, deliveryPrefix, readEvents, recordDeadLetter, type CloudEvent } from '@onramp/core';
import { TEST_REDIS, freshDatabase, freshPrefix } from '@onramp/core/testing';
import { main, registerModules, type Io } from '@onramp/cli';

const bin = fileURLToPath(new URL('../../../bin/onramp.js', import.meta.url));

const joiner = (id: string): CloudEvent => ({
  specversion: '1.0',
  id,
  source: 'com.aliyun.idaas',
  type: 'SCIM.UserCreated',
  subject: `user/${id}`,
  data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${id}@example.com`, emails: [{ value: `${id}@example.com` }], active: true },
  extensions: {},
});

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTty: false };
}

async function withEnv(t: { teardown: (fn: () => Promise<void>) => void }) {
  const database = await freshDatabase('cli');
  // As `onramp migrate` leaves a log: the consumers' subscriptions registered.
  await registerModules(database.db);
  const prefix = freshPrefix('cli');
  process.env.DATABASE_URL = database.url;
  process.env.REDIS_URL = TEST_REDIS;
  process.env.QUEUE_PREFIX = prefix;
  process.env.LOG_LEVEL = 'silent';
  t.teardown(database.drop);
  return { ...database, prefix: await deliveryPrefix(database.db, prefix) };
}

t.test('events list prints the log in order, with filters, as text or JSON lines', async (t) => {
  const s = await withEnv(t);
  await appendEvents(s.db, [joiner('a'), joiner('b'), { ...joiner('c'), type: 'SCIM.UserUpdated' }]);
  const io = capture();
  t.equal(await main(['events', 'list'], io), 0);
  t.equal(io.lines.length, 3);
  t.match(io.lines[0], /^\s+1 {2}\S+ {2}SCIM\.UserCreated\s+ {2}user\/a {2}com\.aliyun\.idaas a$/);
  const json = capture();
  await main(['events', 'list', '--type', 'SCIM.UserUpdated', '--json'], json);
  t.equal(json.lines.length, 1);
  t.match(JSON.parse(json.lines[0]!), { seq: 3, event: { id: 'c', type: 'SCIM.UserUpdated' } });
});

t.test('events list shows terminal escapes, C1 and bidi controls from event data as visible \\u escapes', async (t) => {
  const s = await withEnv(t);
  const hostile = 'user/\u001b[2J\u001b]0;owned\u0007 \u009b31m \u202egnp.exe\u202c \u2066x\u2069';
  const person = joiner('esc').data as Record<string, unknown>;
  // Written as a row, as an older onramp could have stored it: today's validation refuses control characters in a subject.
  await s.db.insertInto('events').values({
    source: 'com.aliyun.idaas', id: 'esc', type: 'SCIM.UserCreated', subject: hostile, time: null, specversion: '1.0',
    datacontenttype: null, dataschema: null, data: JSON.stringify({ ...person, note: hostile, line: 'a\u2028b' }), extensions: '{}', schema_version: 1,
  }).execute();
  const io = capture();
  t.equal(await main(['events', 'list'], io), 0);
  // eslint-disable-next-line no-control-regex -- looking for control characters is the test
  t.notMatch(io.lines[0]!, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, 'no control or bidi character reaches the terminal');
  t.match(io.lines[0]!, 'user/\\u001b[2J\\u001b]0;owned\\u0007 \\u009b31m \\u202egnp.exe\\u202c \\u2066x\\u2069');
  const json = capture();
  t.equal(await main(['events', 'list', '--json'], json), 0);
  // eslint-disable-next-line no-control-regex -- looking for control characters is the test
  t.notMatch(json.lines[0]!, /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/, 'none in JSON lines either');
  const parsed = JSON.parse(json.lines[0]!);
  t.equal(parsed.event.subject, hostile, 'and the JSON still says exactly what is stored');
  t.same(parsed.event.data, { ...person, note: hostile, line: 'a\u2028b' });
});

t.test('docs add publishes only from under DOCS_ROOTS: a folder outside, or a link out of a root, is refused', async (t) => {
  const s = await withEnv(t);
  const base = await mkdtemp(join(tmpdir(), 'onramp-docs-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(join(root, 'guides'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, 'guides', 'vpn.md'), '# VPN\n');
  await writeFile(join(outside, 'secret.md'), '# Secret\n');
  await symlink(outside, join(root, 'escape'));
  await symlink(join(outside, 'secret.md'), join(root, 'guides', 'secret.md'));
  process.env.DOCS_ROOTS = root;
  t.teardown(() => void delete process.env.DOCS_ROOTS);

  for (const folder of [outside, join(root, 'escape'), '/proc/self']) {
    const io = capture();
    t.equal(await main(['docs', 'add', folder, '--acl', 'g'], io), 1, folder);
    t.match(io.errors[0], /is not under a documents root \(DOCS_ROOTS\)/);
  }
  t.equal((await readEvents(s.db)).length, 0, 'nothing was published');
  const io = capture();
  t.equal(await main(['docs', 'add', root, '--acl', 'g'], io), 0);
  const published = await readEvents(s.db);
  t.same(published.map((e) => (e.data as { title: string }).title), ['VPN'], 'the linked file outside the root is not published');
  t.equal(published[0]!.source, 'onramp/docs');
});

t.test('replay --dry-run changes nothing; replay schedules the range and says so', async (t) => {
  const s = await withEnv(t);
  await s.db.deleteFrom('subscriptions').where('consumer', '=', 'mailer').execute();
  const unregistered = capture();
  t.equal(await main(['replay', '--consumer', 'mailer'], unregistered), 1, 'a consumer that was never registered here');
  t.match(unregistered.errors[0], /no consumer "mailer" is registered/);
  await registerModules(s.db);
  await appendEvents(s.db, [joiner('a'), joiner('b'), joiner('c')]);
  const queue = new Queue('mailer', { prefix: s.prefix, connection: { host: '127.0.0.1', port: 6379 } });
  t.teardown(() => queue.close());
  const dry = capture();
  t.equal(await main(['replay', '--consumer', 'mailer', '--dry-run'], dry), 0);
  t.match(dry.lines[0], /dry run: would deliver 3 event\(s\) to mailer; 0 already completed/);
  t.equal(await queue.count(), 0);
  const real = capture();
  t.equal(await main(['replay', '--consumer', 'mailer', '--from-seq', '2'], real), 0);
  t.match(real.lines[0], /scheduled 2 of 2 event\(s\) for mailer/);
  const rows = await s.db.selectFrom('deliveries').select(['consumer', 'seq']).where('redelivery', 'is not', null).execute();
  t.same(rows.map((r) => [r.consumer, Number(r.seq)]), [['mailer', 2], ['mailer', 3]], 'one delivery row each, for the relay to queue');
  t.equal((await readEvents(s.db, { type: OUTCOME.replayCompleted })).length, 1, 'the replay is in the log');
});

t.test('dlq list shows dead letters', async (t) => {
  const s = await withEnv(t);
  await appendEvents(s.db, [joiner('a')]);
  const [event] = await readEvents(s.db);
  await recordDeadLetter(s.db, { consumer: 'mailer', event: event!, attempts: 8, code: 'validation_error', reason: 'bad address' });
  const io = capture();
  t.equal(await main(['dlq', 'list'], io), 0);
  t.match(io.lines[0], /mailer\s+1\s+SCIM\.UserCreated\s+8 attempt\(s\)\s+validation_error\s+bad address/);
});

t.test('usage errors name the problem', async (t) => {
  await withEnv(t);
  const cases: [string[], RegExp][] = [
    [['replay'], /--consumer takes one of mailer, gitbook-sync, indexer, idaas-provisioner/],
    [['replay', '--consumer', 'fax'], /got "fax"/],
    [['replay', '--consumer', 'mailer', '--from-seq', 'x'], /--from-seq takes a whole number/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['events', 'list', '--colour'], /Unknown option '--colour'/],
  ];
  for (const [argv, message] of cases) {
    const io = capture();
    t.equal(await main(argv, io), 2, argv.join(' '));
    t.match(io.errors.join('\n'), message);
  }
  const bad = capture();
  process.env.INGEST_PORT = 'eighty';
  t.equal(await main(['events', 'list'], bad), 78, 'bad configuration');
  t.match(bad.errors[0], /INGEST_PORT must be an integer/);
  delete process.env.INGEST_PORT;
});

t.test('onramp start: an event posted over HTTP lands in the log and in each consumer queue; SIGTERM exits 0', async (t) => {
  const s = await withEnv(t);
  const home = await mkdtemp(join(tmpdir(), 'onramp-'));
  const env = { ...process.env, INGEST_PORT: '0', ONRAMP_HOME: home };
  const child = spawn(process.execPath, [bin, 'start', '--only', 'ingest,dispatcher'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => void child.kill('SIGKILL'));
  for (let i = 0; i < 600 && !/listening on (\S+)/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  const url = /listening on (\S+)/.exec(out)![1];
  const token = /INGEST_TOKEN=(\S+)/.exec(out)![1];
  t.ok(token, 'a token was generated and printed once');
  const { extensions: _x, ...structured } = joiner('e2e');
  const res = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(structured),
  });
  t.equal(res.status, 202);
  for (const consumer of ['mailer', 'gitbook-sync', 'indexer']) {
    const queue = new Queue(consumer, { prefix: s.prefix, connection: { host: '127.0.0.1', port: 6379 } });
    for (let i = 0; i < 100 && (await queue.count()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    t.equal(await queue.count(), 1, `one job waiting for ${consumer}`);
    await queue.close();
  }
  child.kill('SIGTERM');
  t.equal(await exited, 0);
});
