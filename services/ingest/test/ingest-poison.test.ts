// One bad event stays its sender's problem: it fails alone with a 4xx, the requests that shared its
// transaction are accepted, and only a database that is down answers 503. Log lines say what failed
// without the people in it.
import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { appendEvents, connectDatabase, createAppendBatcher, createLogger, readEvents, type Db, type Logger } from '@onramp/core';
import { eventBridgeJoiner, freshDatabase } from '@onramp/core/testing';
import { buildIngestApp } from '@onramp/ingest';

const tokens = { ingest: 'ingest-secret-token-4c1f9e', admin: 'admin-secret-token-77ab02' };
const auth = { authorization: `Bearer ${tokens.ingest}` };

async function ingest(t: Test, db: Db, logger: Logger) {
  const batcher = createAppendBatcher((events) => appendEvents(db, events));
  const app = buildIngestApp({
    db,
    append: (events) => batcher.append(events),
    tokens,
    maxBodyBytes: 1024 * 1024,
    docsRoots: { paths: [], buckets: [] },
    logger,
    registry: new Registry(),
    checks: { mysql: async () => readEvents(db, { limit: 1 }) },
  });
  t.teardown(() => app.close());
  return app;
}

/** A person whose email and name must never show in a log line. */
function person(n: number, subject = `user/${n}`): Record<string, unknown> {
  const event = eventBridgeJoiner(`p${n}`);
  const data = event.data as { userName: string; emails: { value: string }[]; name: Record<string, string> };
  data.userName = `mei.wong.${n}@corp.example`;
  data.emails[0]!.value = data.userName;
  data.name = { givenName: `Meixiu${n}`, familyName: `Wongsakul${n}` };
  return { ...event, subject };
}

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return { lines, logger: createLogger('trace', 'test', stream) };
}

const post = (body: unknown) => ({
  method: 'POST' as const,
  url: '/events',
  headers: { ...auth, 'content-type': 'application/cloudevents+json' },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
});

t.test('a poison event among 60 concurrent valid requests: all 60 get 202, the poison 400, and the log line names no one', async (t) => {
  const { db, drop } = await freshDatabase('poison');
  t.teardown(drop);
  // Validation keeps every known unstorable event out, so this log is made to refuse one for real:
  // its subject column is too short for the poison's subject (MariaDB: Data too long, errno 1406).
  await sql`ALTER TABLE events MODIFY subject VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`.execute(db);
  const { lines, logger } = capture();
  const app = await ingest(t, db, logger);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const bodies = Array.from({ length: 60 }, (_, i) => person(i));
  bodies.splice(30, 0, person(999, `user/${'p'.repeat(40)}`));
  const responses = await Promise.all(
    bodies.map((body) => fetch(`${address}/events`, { method: 'POST', headers: { ...auth, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(body) })),
  );
  const statuses = responses.map((r) => r.status);
  t.equal(statuses[30], 400, 'the poison is refused as the sender’s problem');
  t.match(await responses[30]!.json(), { type: 'urn:onramp:problem:unstorable_event', detail: /longer than the log allows/ });
  statuses.splice(30, 1);
  t.same(statuses, Array.from({ length: 60 }, () => 202), 'every valid request is accepted');
  const stored = await readEvents(db, { limit: 1000 });
  t.equal(stored.length, 60);
  t.notOk(stored.some((e) => e.id === 'p999'));

  const refused = lines.filter((l) => l.includes('events refused by the log'));
  t.ok(refused.length >= 1, 'the refusal is logged');
  t.match(JSON.parse(refused[0]!), { level: 40, err: { code: 'ER_DATA_TOO_LONG', errno: 1406, message: /Data too long for column/ } });
  for (const line of lines) {
    t.notMatch(line, /corp\.example|Meixiu|Wongsakul|INSERT|secret-token/, 'no email, name, statement or token');
  }
});

t.test('a trailing-space twin of a stored id is refused at validation, not left to fail the insert', async (t) => {
  const { db, drop } = await freshDatabase('poison');
  t.teardown(drop);
  const app = await ingest(t, db, capture().logger);
  t.equal((await app.inject(post(person(1)))).statusCode, 202);
  const twin = await app.inject(post({ ...person(1), id: 'p1 ' }));
  t.equal(twin.statusCode, 400);
  t.match(twin.json(), { type: 'urn:onramp:problem:invalid_event', errors: [{ pointer: '/id', message: 'must not start or end with whitespace' }] });
  // Written as text: JSON.stringify itself overflows the stack at this depth.
  const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
  const nested = await app.inject(post(JSON.stringify({ ...person(2), data: { ...(person(2).data as object), deep: 'DEEP' } }).replace('"DEEP"', deep)));
  t.equal(nested.statusCode, 400);
  t.match(nested.json(), { errors: [{ pointer: '/data', message: /nest deeper/ }] });
  t.equal((await readEvents(db)).length, 1);
});

t.test('database down: 503 for every request, and the 5xx log lines carry no query string, person or token', async (t) => {
  const { db } = connectDatabase('mysql://root@127.0.0.1:1/onramp_nowhere', 1);
  t.teardown(() => db.destroy());
  const { lines, logger } = capture();
  const app = await ingest(t, db, logger);
  const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => app.inject(post(person(i)))));
  t.same(responses.map((r) => r.statusCode), Array.from({ length: 10 }, () => 503));
  t.match(responses[0]!.json(), { type: 'urn:onramp:problem:log_unavailable' });
  const read = await app.inject({ url: '/events?subject=user%2Fmei.wong.7%40corp.example', headers: { authorization: `Bearer ${tokens.admin}` } });
  t.equal(read.statusCode, 503);
  const failed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request failed');
  t.ok(failed.length > 0, '5xx responses are logged');
  t.ok(failed.every((l) => l.url === undefined && typeof l.route === 'string'), 'by route, not by URL');
  for (const line of lines) t.notMatch(line, /corp\.example|mei\.wong|Meixiu|Wongsakul|secret-token/, 'nothing personal or secret');
});
