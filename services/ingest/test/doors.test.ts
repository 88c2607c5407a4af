// Who may say what through ingest: POST /events takes only the lifecycle events of the allowed sources,
// POST /documents takes documents from the admin and only from under the documents roots, each checked
// before anything is written; content types other than JSON get 415; /metrics may be closed.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t, { type Test } from 'tap';
import { Registry } from 'prom-client';
import { appendEvents, cloudEventsDoor, createAppendBatcher, loadConfig, readEvents, silentLogger, type DoorPolicy } from '@onramp/core';
import { eventBridgeJoiner, freshDatabase } from '@onramp/core/testing';
import { buildIngestApp, startIngest } from '@onramp/ingest';

const tokens = { ingest: 'ingest-token-0123456789', admin: 'admin-token-0123456789' };
const auth = { authorization: `Bearer ${tokens.ingest}` };
const admin = { authorization: `Bearer ${tokens.admin}` };

async function ingest(t: Test, options: { door?: DoorPolicy; maxBodyBytes?: number } = {}) {
  const database = await freshDatabase('doors');
  const base = await mkdtemp(join(tmpdir(), 'onramp-doors-'));
  const root = join(base, 'docs');
  const outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  const batcher = createAppendBatcher((events) => appendEvents(database.db, events));
  const registry = new Registry();
  const app = buildIngestApp({
    db: database.db,
    append: (events) => batcher.append(events),
    tokens,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    logger: silentLogger,
    registry,
    checks: {},
    docsRoots: { paths: [root], buckets: ['kb-docs'] },
    ...(options.door === undefined ? {} : { door: options.door }),
  });
  t.teardown(async () => {
    await app.close();
    await database.drop();
    await rm(base, { recursive: true, force: true });
  });
  return { app, db: database.db, registry, root, outside, rows: async () => (await readEvents(database.db)).length };
}

/** contentType null: no Content-Type header at all. */
const postEvents = (body: unknown, contentType: string | null = 'application/cloudevents+json', headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/events',
  headers: { ...auth, ...(contentType === null ? {} : { 'content-type': contentType }), ...headers },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
});

const postDocument = (body: unknown, headers: Record<string, string> = admin, contentType = 'application/json') => ({
  method: 'POST' as const,
  url: '/documents',
  headers: { ...headers, 'content-type': contentType },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
});

const documentEvent = (id: string, location: string) => ({
  ...eventBridgeJoiner(id),
  type: 'Document.Published',
  data: { uri: location, title: 'environment', location, acl: ['x'] },
});

t.test('POST /events refuses what its door does not allow: 403 naming the event, nothing written', async (t) => {
  const s = await ingest(t);
  const refused: [string, Record<string, unknown>][] = [
    ['a forged outcome', { ...eventBridgeJoiner('o1'), source: 'onramp/mailer', type: 'onramp.mail.WelcomeSent' }],
    ['an onramp type from the allowed source', { ...eventBridgeJoiner('o2'), type: 'onramp.gitbook.AccessGranted' }],
    ['a lifecycle event from an onramp source', { ...eventBridgeJoiner('o3'), source: 'onramp/docs' }],
    ['a lifecycle event from another source', { ...eventBridgeJoiner('o4'), source: 'test' }],
    ['a document naming a host file', documentEvent('o5', 'file:///proc/self/environ')],
    ['a document with inline text', { ...eventBridgeJoiner('o6'), type: 'Document.Published', data: { uri: 'kb://x', title: 'x', text: 'x', acl: ['x'] } }],
  ];
  for (const [what, event] of refused) {
    const res = await s.app.inject(postEvents(event));
    t.equal(res.statusCode, 403, what);
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    const problem = res.json();
    t.equal(problem.type, 'urn:onramp:problem:forbidden_event', what);
    t.match(problem.detail, `event 0: POST /events does not accept type "${String(event.type)}" from source "${String(event.source)}"`);
  }
  const batch = await s.app.inject(postEvents([eventBridgeJoiner('ok'), refused[0]![1]], 'application/cloudevents-batch+json'));
  t.equal(batch.statusCode, 403, 'one forbidden event refuses the batch');
  t.match(batch.json().detail, /^event 1: /, 'and names its index');
  const { data: _data, ...envelope } = refused[0]![1];
  const headers = Object.fromEntries(Object.entries(envelope).map(([key, value]) => [`ce-${key}`, String(value)]));
  t.equal((await s.app.inject(postEvents({}, 'application/json', headers))).statusCode, 403, 'binary mode too');
  t.equal(await s.rows(), 0, 'nothing was written');
  t.match(await s.registry.metrics(), /onramp_ingest_requests_rejected_total\{reason="forbidden"\} 8/);
  t.equal((await s.app.inject(postEvents(eventBridgeJoiner('ok')))).statusCode, 202, 'an IDaaS joiner still goes in');
});

t.test('INGEST_ALLOWED_SOURCES adds lifecycle sources, never onramp\'s own', async (t) => {
  const s = await ingest(t, { door: cloudEventsDoor(['com.aliyun.idaas', 'hr.example.com', 'onramp/hr']) });
  t.equal((await s.app.inject(postEvents({ ...eventBridgeJoiner('hr1'), source: 'hr.example.com' }))).statusCode, 202);
  t.equal((await s.app.inject(postEvents({ ...eventBridgeJoiner('hr2'), source: 'onramp/hr' }))).statusCode, 403);
  t.equal((await s.app.inject(postEvents({ ...documentEvent('hr3', 'file:///etc/passwd'), source: 'hr.example.com' }))).statusCode, 403);
  t.equal(await s.rows(), 1);
  t.same(loadConfig({}).ingest.allowedSources, ['com.aliyun.idaas'], 'the default');
  t.same(loadConfig({ INGEST_ALLOWED_SOURCES: 'com.aliyun.idaas, hr.example.com' }).ingest.allowedSources, ['com.aliyun.idaas', 'hr.example.com']);
  t.throws(() => loadConfig({ INGEST_ALLOWED_SOURCES: 'onramp/mailer' }), /INGEST_ALLOWED_SOURCES must not name onramp's own sources/);
});

t.test('POST /events: a wrong or missing content type is 415, plain application/json is accepted', async (t) => {
  const s = await ingest(t);
  const body = JSON.stringify(eventBridgeJoiner('ct'));
  for (const type of [null, 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/scim+json']) {
    const res = await s.app.inject(postEvents(body, type));
    t.equal(res.statusCode, 415, String(type));
    t.match(res.json(), { type: 'urn:onramp:problem:unsupported_media_type' });
  }
  t.equal(await s.rows(), 0);
  t.match(await s.registry.metrics(), /onramp_ingest_requests_rejected_total\{reason="unsupported_media_type"\} 6/);
  t.equal((await s.app.inject(postEvents(body, 'application/json'))).statusCode, 202, 'as EventBridge’s HTTP target sends it');
  t.equal((await s.app.inject(postEvents(body, 'application/cloudevents+json; charset=utf-8'))).statusCode, 202);
  t.equal((await s.app.inject(postEvents(body, null, { authorization: 'Bearer nope' }))).statusCode, 401, 'the token is checked first');
});

t.test('POST /documents: the admin publishes a document under a root as onramp/docs', async (t) => {
  const s = await ingest(t);
  t.equal((await s.app.inject(postDocument({ uri: 'kb://a', title: 'A', text: 'a', acl: ['g'] }, auth))).statusCode, 401, 'not with the ingest token');
  const text = await s.app.inject(postDocument({ uri: 'kb://vpn', title: 'VPN', text: 'Install WireGuard.', acl: ['eng-readers'], department: 'Platform' }));
  t.equal(text.statusCode, 202);
  t.match(text.json(), { source: 'onramp/docs', uri: 'kb://vpn', status: 'appended' });
  const again = await s.app.inject(postDocument({ uri: 'kb://vpn', title: 'VPN', text: 'Install WireGuard.', acl: ['eng-readers'], department: 'Platform' }));
  t.match(again.json(), { status: 'duplicate', seq: text.json().seq }, 'the same document again is a duplicate');

  await mkdir(join(s.root, 'runbooks'));
  const file = join(s.root, 'runbooks', 'restart.md');
  await writeFile(file, '# Restart\n');
  const byLocation = await s.app.inject(postDocument({ title: 'Restart', location: pathToFileURL(join(s.root, 'runbooks', '..', 'runbooks', 'restart.md')).href, acl: ['ops'] }));
  t.equal(byLocation.statusCode, 202);
  const oss = await s.app.inject(postDocument({ title: 'Guide', location: 'oss://kb-docs/guide.md', acl: ['ops'] }));
  t.equal(oss.statusCode, 202, 'an object in a listed bucket');
  const events = await readEvents(s.db);
  t.same(events.map((e) => [e.source, e.type]), [['onramp/docs', 'Document.Published'], ['onramp/docs', 'Document.Published'], ['onramp/docs', 'Document.Published']]);
  t.match(events[0]!.data, { uri: 'kb://vpn', title: 'VPN', text: 'Install WireGuard.', acl: ['eng-readers'], department: 'Platform' });
  t.match(events[1]!.data, { uri: pathToFileURL(file).href, location: pathToFileURL(file).href, acl: ['ops'] });
  t.match(events[2]!.data, { location: 'oss://kb-docs/guide.md' });
});

t.test('POST /documents refuses locations outside the roots and malformed bodies: 400, nothing written', async (t) => {
  const s = await ingest(t, { maxBodyBytes: 4096 });
  const secret = join(s.outside, 'secret.md');
  await writeFile(secret, 'ADMIN_TOKEN=x');
  await symlink(secret, join(s.root, 'link.md'));
  await mkdir(join(s.root, 'sub'));
  const refused: [string, string, string][] = [
    ['file:///proc/self/environ', 'location_forbidden', 'is not under a documents root'],
    ['file:///etc/passwd', 'location_forbidden', 'is not under a documents root'],
    [pathToFileURL(secret).href, 'location_forbidden', 'is not under a documents root'],
    [pathToFileURL(join(s.root, 'link.md')).href, 'location_forbidden', 'is not under a documents root'],
    [pathToFileURL(join(s.root, 'sub')).href, 'location_forbidden', 'is not a regular file'],
    [pathToFileURL(join(s.root, 'missing.md')).href, 'location_unreadable', 'does not exist'],
    ['oss://another-bucket/secret.md', 'location_forbidden', 'is not a documents root'],
    ['https://example.com/doc.md', 'location_unsupported', 'must be a file: or oss:// URL'],
    ['/etc/passwd', 'location_unsupported', 'must be a file: or oss:// URL'],
  ];
  for (const [location, code, message] of refused) {
    const res = await s.app.inject(postDocument({ title: 'x', location, acl: ['x'] }));
    t.equal(res.statusCode, 400, location);
    t.match(res.json(), { type: `urn:onramp:problem:${code}`, detail: message }, location);
  }
  const malformed = [
    { title: 'x', text: 'x', acl: ['x'] },
    { uri: 'kb://x', title: 'x', text: 'x', location: pathToFileURL(secret).href, acl: ['x'] },
    { uri: 'kb://x', title: 'x', acl: ['x'] },
    { uri: 'kb://x', title: 'x', text: 'x', acl: [] },
    { uri: 'kb://x', title: 'x', text: 'x', acl: ['x'], source: 'com.aliyun.idaas' },
  ];
  for (const body of malformed) t.equal((await s.app.inject(postDocument(body))).statusCode, 400, JSON.stringify(body));
  t.equal((await s.app.inject(postDocument({ uri: 'kb://x', title: 'x', text: 'x'.repeat(5000), acl: ['x'] }))).statusCode, 413, 'over the size cap');
  t.equal((await s.app.inject(postDocument('uri=kb://x', admin, 'application/x-www-form-urlencoded'))).statusCode, 415);
  t.equal(await s.rows(), 0, 'nothing was written');
});

t.test('/metrics needs the admin token in production and stays open elsewhere', async (t) => {
  const { db, url, drop } = await freshDatabase('metrics');
  t.teardown(drop);
  const base = loadConfig({ DATABASE_URL: url, INGEST_PORT: '0', LOG_LEVEL: 'silent' });
  for (const production of [false, true]) {
    const running = await startIngest({ ...base, production }, { db, logger: silentLogger, tokens });
    t.teardown(() => running.close());
    const open = await fetch(`${running.url}/metrics`);
    const withIngestToken = await fetch(`${running.url}/metrics`, { headers: auth });
    const withAdminToken = await fetch(`${running.url}/metrics`, { headers: admin });
    t.equal(open.status, production ? 401 : 200, `production=${production}: without a token`);
    t.equal(withIngestToken.status, production ? 401 : 200, `production=${production}: with the ingest token`);
    t.equal(withAdminToken.status, 200, `production=${production}: with the admin token`);
    t.match(await withAdminToken.text(), /onramp_ingest_events_accepted_total/);
    t.equal((await fetch(`${running.url}/healthz`)).status, 200, 'health stays open');
    await running.close();
  }
});
