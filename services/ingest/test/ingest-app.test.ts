import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Registry } from 'prom-client';
import { appendEvents, connectDatabase, createAppendBatcher, readEvents, silentLogger, type Db, type DoorPolicy } from '@onramp/core';
import { freshDatabase } from '@onramp/core/testing';
import { buildIngestApp } from '@onramp/ingest';

const tokens = { ingest: 'ingest-token-0123456789', admin: 'admin-token-0123456789' };
const auth = { authorization: `Bearer ${tokens.ingest}` };
const admin = { authorization: `Bearer ${tokens.admin}` };

function joiner(id: string, extra: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id,
    source: 'com.aliyun.idaas',
    type: 'SCIM.UserCreated',
    subject: `user/${id}`,
    time: '2026-11-28T10:00:00Z',
    datacontenttype: 'application/json',
    aliyunaccountid: '1234567890',
    aliyunregionid: 'cn-hangzhou',
    aliyuneventbusname: 'onramp',
    data: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      userName: `${id}@example.com`,
      name: { givenName: 'Wei', familyName: 'Li' },
      emails: [{ value: `${id}@example.com`, type: 'work', primary: true }],
      active: true,
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D / Search' },
    },
    ...extra,
  };
}

async function ingest(t: Test, options: { db?: Db; maxBodyBytes?: number; door?: DoorPolicy; metricsToken?: string } = {}) {
  const database = options.db === undefined ? await freshDatabase('ingest') : undefined;
  const docsRoot = await mkdtemp(join(tmpdir(), 'onramp-ingest-docs-'));
  const db = options.db ?? database!.db;
  const registry = new Registry();
  let woken = 0;
  const batcher = createAppendBatcher((events) => appendEvents(db, events));
  const app = buildIngestApp({
    db,
    append: (events) => batcher.append(events),
    tokens,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    logger: silentLogger,
    registry,
    checks: { mysql: async () => readEvents(db, { limit: 1 }) },
    onAppended: () => woken++,
    docsRoots: { paths: [docsRoot], buckets: ['kb-docs'] },
    ...(options.door === undefined ? {} : { door: options.door }),
    ...(options.metricsToken === undefined ? {} : { metricsToken: options.metricsToken }),
  });
  t.teardown(async () => {
    await app.close();
    await database?.drop();
    await rm(docsRoot, { recursive: true, force: true });
  });
  return { app, db, registry, docsRoot, woken: () => woken };
}

const post = (body: unknown, headers: Record<string, string> = {}, contentType = 'application/cloudevents+json') => ({
  method: 'POST' as const,
  url: '/events',
  headers: { ...auth, 'content-type': contentType, ...headers },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
});

t.test('structured mode: 202 with the seq, event in the log with its aliyun* extensions', async (t) => {
  const s = await ingest(t);
  const res = await s.app.inject(post(joiner('u1')));
  t.equal(res.statusCode, 202);
  const body = res.json();
  t.match(body, { appended: 1, duplicates: 0, results: [{ index: 0, id: 'u1', status: 'appended' }] });
  const [stored] = await readEvents(s.db);
  t.equal(stored!.seq, body.results[0].seq);
  t.match(stored!.extensions, { aliyunaccountid: '1234567890', aliyunregionid: 'cn-hangzhou' });
  t.equal(s.woken(), 1, 'the dispatcher was woken');
});

t.test('a second delivery is reported as a duplicate of the first seq, not appended', async (t) => {
  const s = await ingest(t);
  const first = (await s.app.inject(post(joiner('dup')))).json();
  const second = await s.app.inject(post(joiner('dup')));
  t.equal(second.statusCode, 202);
  t.match(second.json(), { appended: 0, duplicates: 1, results: [{ status: 'duplicate', seq: first.results[0].seq }] });
  t.equal((await readEvents(s.db)).length, 1);
});

t.test('binary mode: ce-* headers and the data as body', async (t) => {
  const s = await ingest(t);
  const { data, ...envelope } = joiner('bin');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(envelope)) if (key !== 'datacontenttype') headers[`ce-${key}`] = String(value);
  const res = await s.app.inject(post(data, headers, 'application/json'));
  t.equal(res.statusCode, 202);
  const [stored] = await readEvents(s.db);
  t.equal(stored!.id, 'bin');
  t.equal(stored!.datacontenttype, 'application/json');
  t.match(stored!.data, { userName: 'bin@example.com' });
  t.equal(stored!.extensions.aliyunregionid, 'cn-hangzhou');
});

t.test('batch mode: all appended in one go, each with its seq', async (t) => {
  const s = await ingest(t);
  const res = await s.app.inject(post([joiner('b1'), joiner('b2'), joiner('b1')], {}, 'application/cloudevents-batch+json'));
  t.equal(res.statusCode, 202);
  t.match(res.json(), { appended: 2, duplicates: 1 });
  t.equal((await readEvents(s.db)).length, 2);
});

t.test('a batch with one invalid event: 400 naming the field and index, nothing written', async (t) => {
  const s = await ingest(t);
  const bad = joiner('b2');
  (bad.data as { emails: unknown[] }).emails = [];
  const res = await s.app.inject(post([joiner('b1'), bad, joiner('b3')], {}, 'application/cloudevents-batch+json'));
  t.equal(res.statusCode, 400);
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.match(res.json(), { type: 'urn:onramp:problem:invalid_event', errors: [{ index: 1, pointer: '/data/emails' }] });
  t.equal((await readEvents(s.db)).length, 0, 'zero rows');
  t.match(await s.registry.metrics(), /onramp_ingest_requests_rejected_total\{reason="invalid"\} 1/);
});

t.test('malformed JSON and a non-array batch are 400 problems', async (t) => {
  const s = await ingest(t);
  t.equal((await s.app.inject(post('{"specversion":'))).statusCode, 400);
  const notArray = await s.app.inject(post(joiner('x'), {}, 'application/cloudevents-batch+json'));
  t.equal(notArray.statusCode, 400);
  t.match(notArray.json(), { type: 'urn:onramp:problem:invalid_request' });
});

t.test('401 without the right bearer token, before anything is read', async (t) => {
  const s = await ingest(t);
  for (const headers of [{ authorization: '' }, { authorization: 'Bearer nope' }, { authorization: `Basic ${tokens.ingest}` }, admin]) {
    const res = await s.app.inject(post(joiner('a'), headers));
    t.equal(res.statusCode, 401, JSON.stringify(headers));
    t.equal(res.headers['www-authenticate'], 'Bearer');
  }
  t.equal((await readEvents(s.db)).length, 0);
});

t.test('413 over the size cap', async (t) => {
  const s = await ingest(t, { maxBodyBytes: 4096 });
  const big = joiner('big', { subject: 'x'.repeat(200) });
  (big.data as Record<string, unknown>).description = 'y'.repeat(5000);
  const res = await s.app.inject(post(big));
  t.equal(res.statusCode, 413);
  t.match(res.json(), { type: 'urn:onramp:problem:payload_too_large' });
});

t.test('415 for a body that is not JSON', async (t) => {
  const s = await ingest(t);
  const res = await s.app.inject(post('<xml/>', {}, 'application/xml'));
  t.equal(res.statusCode, 415);
});

t.test('503 with Retry-After when the log cannot be written', async (t) => {
  const { db } = connectDatabase('mysql://root@127.0.0.1:1/onramp_nowhere', 1);
  t.teardown(() => db.destroy());
  const s = await ingest(t, { db });
  const res = await s.app.inject(post(joiner('down')));
  t.equal(res.statusCode, 503);
  t.equal(res.headers['retry-after'], '5');
  t.match(res.json(), { type: 'urn:onramp:problem:log_unavailable' });
  t.equal((await s.app.inject({ url: '/readyz' })).statusCode, 503, 'not ready');
  t.equal((await s.app.inject({ url: '/healthz' })).statusCode, 200, 'but alive');
});

t.test('GET /events reads the log in order with filters, admin token only', async (t) => {
  const s = await ingest(t);
  await s.app.inject(post([joiner('g1'), joiner('g2'), { ...joiner('g3'), type: 'SCIM.UserUpdated', subject: 'user/g1' }], {}, 'application/cloudevents-batch+json'));
  t.equal((await s.app.inject({ url: '/events', headers: auth })).statusCode, 401, 'ingest token cannot read');
  const all = (await s.app.inject({ url: '/events', headers: admin })).json();
  t.same(all.events.map((e: { event: { id: string } }) => e.event.id), ['g1', 'g2', 'g3']);
  t.equal(all.events[0].event.aliyunregionid, 'cn-hangzhou', 'extensions come back in structured form');
  const page = (await s.app.inject({ url: `/events?after=${all.events[0].seq}&limit=1`, headers: admin })).json();
  t.same(page.events.map((e: { event: { id: string } }) => e.event.id), ['g2']);
  t.equal(page.next, all.events[1].seq);
  const bySubject = (await s.app.inject({ url: '/events?subject=user/g1', headers: admin })).json();
  t.same(bySubject.events.map((e: { event: { id: string } }) => e.event.id), ['g1', 'g3']);
  const byType = (await s.app.inject({ url: '/events?type=SCIM.UserUpdated', headers: admin })).json();
  t.same(byType.events.map((e: { event: { id: string } }) => e.event.id), ['g3']);
  const bad = await s.app.inject({ url: '/events?limit=5000', headers: admin });
  t.equal(bad.statusCode, 400);
  t.equal((await s.app.inject({ url: '/events?color=red', headers: admin })).statusCode, 400);
});

t.test('health, readiness and metrics', async (t) => {
  const s = await ingest(t);
  await s.app.inject(post(joiner('m1')));
  await s.app.inject(post(joiner('m1')));
  t.equal((await s.app.inject({ url: '/healthz' })).statusCode, 200);
  t.match((await s.app.inject({ url: '/readyz' })).json(), { status: 'ready', dependencies: { mysql: 'up' } });
  const metrics = (await s.app.inject({ url: '/metrics' })).body;
  t.match(metrics, /onramp_ingest_events_accepted_total 1/);
  t.match(metrics, /onramp_ingest_events_duplicate_total 1/);
  t.match(metrics, /onramp_event_log_append_seconds_bucket/);
  t.equal((await s.app.inject({ url: '/nope' })).statusCode, 404);
});

t.test('the same event sent 200 times concurrently over HTTP is one row', async (t) => {
  const s = await ingest(t);
  const address = await s.app.listen({ port: 0, host: '127.0.0.1' });
  const responses = await Promise.all(
    Array.from({ length: 200 }, () =>
      fetch(`${address}/events`, { method: 'POST', headers: { ...auth, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(joiner('storm')) }),
    ),
  );
  t.ok(responses.every((r) => r.status === 202), 'all accepted');
  const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ appended: number; results: { seq: number }[] }>));
  t.equal(bodies.filter((b) => b.appended === 1).length, 1, 'one append, 199 duplicates');
  t.equal(new Set(bodies.map((b) => b.results[0]!.seq)).size, 1, 'all point at the same seq');
  t.equal((await readEvents(s.db)).length, 1, 'one row');
});
