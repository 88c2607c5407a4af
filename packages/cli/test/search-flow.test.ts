// People and documents go in through the log and come out of POST /search, as `onramp start` runs them:
// the dispatcher, the indexer consumer and search-api in one process, sharing the embedded index.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import t from 'tap';
import { appendEvents, createRegistry, loadConfig, openDeliveryQueues, OUTCOME, readCheckpoint, readEvents, replayRange, silentLogger, startDispatcher, type CloudEvent, type Db } from '@onramp/core';
import { freshDatabase, freshPrefix, TEST_REDIS, waitFor } from '@onramp/core/testing';
import type { CommandContext, Io } from '../src/context.js';
import { docsAdd } from '../src/docs-command.js';
import { reindexCommand } from '../src/reindex-command.js';
import { COMPONENTS } from '../src/start-command.js';

const SECRET = 'a-shared-secret-for-local-tests-only';

const user = (id: string, type: string, data: Record<string, unknown>): CloudEvent => ({
  specversion: '1.0',
  id: `${id}-${type}`,
  source: 'com.aliyun.idaas',
  type,
  subject: `user/${id}`,
  data: {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id,
    userName: `${id}@example.com`,
    emails: [{ value: `${id}@example.com` }],
    active: true,
    ...data,
  },
  extensions: {},
});

const enterprise = (department: string) => ({ 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department } });

async function token(groups: string[], options: { secret?: string; expiresIn?: string } = {}): Promise<string> {
  return new SignJWT({ groups })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('caller')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

/** Waits until `count` events of `type` are in the log. */
const outcomes = (db: Db, type: string, count: number) =>
  waitFor(async () => (await readEvents(db, { type, limit: 1000 })).length >= count, 10_000, `${count} ${type}`);

t.test('people and documents flow from the log to /search, filtered by the caller’s groups', async (t) => {
  const { db, url, drop } = await freshDatabase('searchflow');
  t.teardown(drop);
  const home = await mkdtemp(join(tmpdir(), 'onramp-flow-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL: TEST_REDIS, ONRAMP_HOME: home, SEARCH_PORT: '0', SEARCH_JWT_SECRET: SECRET });
  const ctx: CommandContext = { config, logger: silentLogger, db, queuePrefix: freshPrefix('searchflow'), appended: new EventEmitter(), registry: createRegistry('searchflow') };
  const lines: string[] = [];
  const io: Io = { out: (line) => lines.push(line), err: (line) => lines.push(line), isTty: false };

  const queues = openDeliveryQueues(config.redisUrl, ctx.queuePrefix);
  const dispatcher = startDispatcher(db, queues, silentLogger, { pollMs: 50 });
  const closeIndexer = await COMPONENTS.indexer!(ctx, io);
  const closeApi = await COMPONENTS['search-api']!(ctx, io);
  t.teardown(async () => {
    await closeApi();
    await closeIndexer();
    await dispatcher.close();
    await queues.close();
  });
  const base = /search-api listening on (\S+)/.exec(lines.join('\n'))![1]!;
  const search = async (body: unknown, bearer?: string, raw?: string) => {
    const response = await fetch(`${base}/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) },
      body: raw ?? JSON.stringify(body),
    });
    return {
      status: response.status,
      embedder: response.headers.get('onramp-embedder'),
      body: (await response.json()) as { hits: { id: string; kind: string; title: string; snippet: string }[]; type?: string },
    };
  };

  await appendEvents(db, [
    user('u1', 'SCIM.UserCreated', { displayName: 'Ada Lovelace', title: 'Compiler engineer', ...enterprise('Platform Engineering'), skills: ['Rust', 'type systems'] }),
    user('u2', 'SCIM.UserCreated', { displayName: 'Grace Hopper', title: 'Payroll specialist', ...enterprise('Finance') }),
  ]);
  const docs = join(home, 'docs');
  await mkdir(join(docs, 'hr'), { recursive: true });
  await writeFile(join(docs, 'vpn.md'), '# VPN access\n\nInstall the WireGuard client to reach the staging cluster from home.\n');
  await writeFile(join(docs, 'hr', 'salaries.md'), '# Salary bands\n\nThe salary bands of every grade, confidential to HR.\n');
  await docsAdd(ctx, io, docs, ['eng-readers']);
  await outcomes(db, OUTCOME.profileIndexed, 2);
  await outcomes(db, OUTCOME.documentIndexed, 2);
  // The whole folder was published for eng-readers; the HR file again for hr-readers only, as its own event.
  const hrOnly = (await readEvents(db, { type: 'Document.Published', limit: 10 })).find((e) => e.subject?.endsWith('salaries.md'))!;
  await appendEvents(db, [{ ...hrOnly, id: 'salaries-v2', data: { ...(hrOnly.data as object), acl: ['hr-readers'] } }]);
  await outcomes(db, OUTCOME.documentIndexed, 3);

  const eng = await token(['eng-readers']);
  const hr = await token(['hr-readers']);
  let r = await search({ query: 'wireguard vpn' }, eng);
  t.equal(r.status, 200);
  t.match(r.embedder, /^local-(hash|lsa)-256-/, 'the answer names the model that embedded the query');
  t.equal(r.body.hits[0]?.title, 'VPN access', 'a readable document comes back');
  r = await search({ query: 'salary bands', mode: 'keyword' }, eng);
  t.notOk(r.body.hits.some((h) => h.title === 'Salary bands'), 'the HR document is hidden from eng-readers');
  r = await search({ query: 'salary bands', mode: 'keyword' }, hr);
  t.equal(r.body.hits[0]?.title, 'Salary bands', 'and shown to hr-readers');
  r = await search({ query: 'compiler rust', k: 5, filter: { kind: 'person' } }, hr);
  t.equal(r.body.hits[0]?.title, 'Ada Lovelace', 'profiles are visible to any employee');
  r = await search({ query: 'engineer specialist', filter: { kind: 'person', department: 'finance' } }, hr);
  t.same(r.body.hits.map((h) => h.title), ['Grace Hopper'], 'department filter');

  await appendEvents(db, [user('u1', 'SCIM.UserDeactivated', { active: false })]);
  await outcomes(db, OUTCOME.profileRemoved, 1);
  r = await search({ query: 'Ada Lovelace compiler', filter: { kind: 'person' } }, eng);
  t.notOk(r.body.hits.some((h) => h.title === 'Ada Lovelace'), 'a deactivated person disappears');

  // Reindex while callers keep searching: no query fails, and the results are the same people and documents.
  let failures = 0;
  let queries = 0;
  let searching = true;
  const load = (async () => {
    while (searching) {
      const res = await search({ query: 'wireguard vpn' }, eng).catch(() => ({ status: 0, body: { hits: [] } }));
      if (res.status !== 200 || res.body.hits[0]?.title !== 'VPN access') failures++;
      queries++;
    }
  })();
  // On a terminal the bar shows each phase from its start: reading the log, then embedding (issue 13:
  // the first 17 s of a reindex showed nothing).
  const bar = new PassThrough();
  let drawn = '';
  bar.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
  const result = await reindexCommand(ctx, { ...io, isTty: true, progressStream: bar });
  const reading = drawn.indexOf('reading the log');
  t.ok(reading >= 0 && reading < drawn.indexOf('embedding'), 'the bar reads the log first, then embeds');
  await new Promise((r) => setTimeout(r, 100));
  searching = false;
  await load;
  t.equal(failures, 0, `no failed query during the reindex (${queries} queries)`);
  t.equal(result.sources, 3, 'one person and two documents rebuilt');
  r = await search({ query: 'payroll', filter: { kind: 'person' } }, eng);
  t.equal(r.body.hits[0]?.title, 'Grace Hopper', 'the rebuilt index answers');
  t.ok((await readEvents(db, { type: OUTCOME.reindexed })).length === 1, 'the reindex is on the record');
  t.match(await readCheckpoint(db, 'indexer'), { generation: result.indexName, seq: result.seq }, 'the checkpoint names the new generation and its seq');
  t.notOk(await queues.queue('indexer').isPaused(), 'the live indexer runs again after the swap');

  // The indexer is a projection: a replay after the reindex is applied again, never skipped as done.
  const replay = await replayRange(db, { consumer: 'indexer' });
  const replayed = await waitFor(async () => {
    const jobs = (await queues.queue('indexer').getJobs(['completed'])).filter((job) => job.id?.includes(replay.replayId));
    return jobs.length === replay.matched && jobs;
  }, 20_000, 'the replay handled');
  t.ok(replayed.every((job) => job.returnvalue === 'completed'), `all ${replay.matched} replayed events applied, none skipped`);

  // Clear 4xx for bad input and bad tokens.
  t.equal((await search({ query: 'vpn' })).status, 401, 'no token');
  t.equal((await search({ query: 'vpn' }, await token(['eng-readers'], { secret: 'another-secret-another-secret!!' }))).status, 401, 'wrong signature');
  t.equal((await search({ query: 'vpn' }, await token(['eng-readers'], { expiresIn: '-5m' }))).status, 401, 'expired');
  t.equal((await search({ query: 'vpn' }, 'not-a-jwt')).status, 401, 'garbage');
  r = await search({ query: 'vpn', k: 101 }, eng);
  t.equal(r.status, 400, 'k over 100');
  t.match(r.body, { type: 'urn:onramp:problem:invalid_request' });
  t.equal((await search({ query: '   ' }, eng)).status, 400, 'blank query');
  t.equal((await search({ query: '' }, eng)).status, 400, 'empty query');
  t.equal((await search({ query: 'vpn', mode: 'fuzzy' }, eng)).status, 400, 'unknown mode');
  t.equal((await search({ query: 'vpn', k: '5' }, eng)).status, 400, 'k as a string');
  t.equal((await search({ query: 'vpn', extra: true }, eng)).status, 400, 'unknown field');
  t.equal((await search(undefined, eng, '{"query":')).status, 400, 'broken JSON');
  t.equal((await search({ query: 'x'.repeat(20_000) }, eng)).status, 413, 'body over the cap');

  const docsPage = await fetch(`${base}/docs/static/index.html`);
  t.equal(docsPage.status, 200, 'Swagger UI is served from the package, offline');
  const openapi = (await (await fetch(`${base}/docs/json`)).json()) as { paths: Record<string, unknown> };
  t.ok(openapi.paths['/search'], 'the OpenAPI document describes /search');
  const metrics = await (await fetch(`${base}/metrics`)).text();
  t.match(metrics, /onramp_search_request_duration_seconds_bucket\{[^}]*mode="hybrid"/);
  t.match(metrics, /onramp_search_request_duration_seconds_count\{[^}]*mode="keyword"[^}]*\} \d+/);
  t.equal((await fetch(`${base}/readyz`)).status, 200);
});
