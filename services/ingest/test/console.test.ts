// The console over HTTP: a session is needed for every page, the login refuses a wrong token, the cookie
// is HttpOnly/SameSite=Strict (Secure in production), every POST needs the session's CSRF token, logout
// ends the session, pages escape person data and carry a strict CSP, and no log line names a person.
import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { appendEvents, createLogger, openDeliveryQueues, type Db } from '@onramp/core';
import { TEST_REDIS, freshDatabase, freshPrefix, joinerEvent, registerTestConsumers } from '@onramp/core/testing';
import { buildIngestApp, redisConsoleSessions, SESSION_COOKIE } from '@onramp/ingest';

const tokens = { ingest: 'ingest-token-0123456789', admin: 'admin-token-0123456789' };

async function consoleApp(t: Test, options: { production?: boolean; db?: Db; admin?: string; prefix?: string } = {}) {
  const database = options.db === undefined ? await freshDatabase('console') : undefined;
  const db = options.db ?? database!.db;
  if (database !== undefined) await registerTestConsumers(db);
  const prefix = options.prefix ?? freshPrefix('console');
  const redis = new Redis(TEST_REDIS);
  const queues = openDeliveryQueues(TEST_REDIS, prefix);
  const lines: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(...chunk.toString().split('\n').filter((l) => l !== '')); done(); } });
  const app = buildIngestApp({
    db,
    append: (events) => appendEvents(db, events),
    tokens: { ...tokens, admin: options.admin ?? tokens.admin },
    maxBodyBytes: 1024 * 1024,
    logger: createLogger('trace', 'test', stream),
    registry: new Registry(),
    checks: {},
    docsRoots: { paths: ['/tmp'], buckets: [] },
    console: { sessions: redisConsoleSessions(redis, prefix, 60), secureCookies: options.production === true, queues, consumers: ['mailer', 'gitbook-sync', 'indexer'] },
  });
  t.teardown(async () => {
    await app.close();
    await queues.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await database?.drop();
  });
  return { app, db, lines, prefix, redis };
}

const cookieOf = (setCookie: string | string[] | undefined, name: string) =>
  ([] as string[]).concat(setCookie ?? []).find((c) => c.startsWith(`${name}=`));
const valueOf = (cookie: string | undefined) => cookie?.split(';')[0]!.split('=')[1] ?? '';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

/** Logs in as a browser does: the login page (its cookie and hidden token), then the form. */
async function logIn(app: Awaited<ReturnType<typeof consoleApp>>['app'], token = tokens.admin) {
  const page = await app.inject({ method: 'GET', url: '/console/login' });
  const loginCookie = cookieOf(page.headers['set-cookie'], 'onramp_console_login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const answer = await app.inject({
    method: 'POST', url: '/console/login',
    headers: { 'content-type': FORM, cookie: `onramp_console_login=${valueOf(loginCookie)}` },
    payload: form({ _csrf: csrf, token }),
  });
  return { answer, loginCookie, session: cookieOf(answer.headers['set-cookie'], SESSION_COOKIE) };
}

async function pageCsrf(app: Awaited<ReturnType<typeof consoleApp>>['app'], cookie: string) {
  const page = await app.inject({ method: 'GET', url: '/console/held', headers: { cookie } });
  return /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
}

t.test('without a session every console page redirects to the login form', async (t) => {
  const { app } = await consoleApp(t);
  for (const url of ['/console', '/console/consumers', '/console/people?q=x', '/console/person?subject=user%2F1', '/console/held', '/console/queues/', '/console/queues/api/queues']) {
    const answer = await app.inject({ method: 'GET', url });
    t.equal(answer.statusCode, 303, url);
    t.equal(answer.headers.location, '/console/login', url);
  }
  const forged = await app.inject({ method: 'GET', url: '/console/consumers', headers: { cookie: `${SESSION_COOKIE}=made-up` } });
  t.equal(forged.headers.location, '/console/login', 'an unknown session id is no session');
  const post = await app.inject({ method: 'POST', url: '/console/held/decide', headers: { 'content-type': FORM }, payload: form({ seq: '1', decision: 'approved' }) });
  t.equal(post.statusCode, 303, 'a POST without a session goes to the login too');
  const login = await app.inject({ method: 'GET', url: '/console/login' });
  t.equal(login.statusCode, 200);
  t.match(login.body, /<form method="post" action="\/console\/login">/);
});

t.test('the login: a wrong token is refused, the right one opens a session with a strict cookie', async (t) => {
  const { app, lines, redis, prefix } = await consoleApp(t);
  const wrong = await logIn(app, 'admin-token-0123456788');
  t.equal(wrong.answer.statusCode, 401);
  t.match(wrong.answer.body, /That is not the admin token/);
  t.equal(wrong.session, undefined, 'no session cookie');
  t.ok(lines.some((l) => l.includes('console login refused')), 'the refusal is logged');
  t.notOk(lines.some((l) => l.includes('admin-token-0123456788')), 'the presented token is not');

  const noCsrf = await app.inject({ method: 'POST', url: '/console/login', headers: { 'content-type': FORM }, payload: form({ token: tokens.admin }) });
  t.equal(noCsrf.statusCode, 403, 'a login form without its double-submit token is refused');
  t.equal(cookieOf(noCsrf.headers['set-cookie'], SESSION_COOKIE), undefined);

  const { answer, session, loginCookie } = await logIn(app);
  t.equal(answer.statusCode, 303);
  t.equal(answer.headers.location, '/console/consumers');
  t.match(loginCookie, /; HttpOnly; SameSite=Strict$/);
  t.match(session, new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict$`), 'HttpOnly, SameSite=Strict, no Secure outside production');
  const stored = await redis.keys(`${prefix}:console-session:*`);
  t.equal(stored.length, 1, 'one session in Redis');
  t.notOk(stored[0]!.includes(valueOf(session)), 'keyed by a hash of the cookie, not the cookie');
  const ttl = await redis.ttl(stored[0]!);
  t.ok(ttl > 0 && ttl <= 60, 'and it expires');
  const page = await app.inject({ method: 'GET', url: '/console/consumers', headers: { cookie: session!.split(';')[0]! } });
  t.equal(page.statusCode, 200);
  t.match(page.body, /<table id="consumers">/);
  t.match(page.headers['content-security-policy'], /^default-src 'none'; style-src 'self'/);
  t.notMatch(page.headers['content-security-policy'], /unsafe-inline|script-src/, 'no script at all on the console pages');
  t.equal(page.headers['x-frame-options'], 'DENY');
  t.equal(page.headers['cache-control'], 'no-store');
});

t.test('in production the cookies are Secure', async (t) => {
  const { app } = await consoleApp(t, { production: true });
  const { session, loginCookie } = await logIn(app);
  t.match(session, /; HttpOnly; SameSite=Strict; Secure$/);
  t.match(loginCookie, /; Secure$/);
});

t.test('every POST needs the session’s CSRF token; logout ends the session', async (t) => {
  const { app, db } = await consoleApp(t);
  const cookie = (await logIn(app)).session!.split(';')[0]!;
  const csrf = await pageCsrf(app, cookie);
  await appendEvents(db, [joinerEvent(1)]);
  for (const [url, fields] of [
    ['/console/held/decide', { seq: '1', decision: 'approved' }],
    ['/console/person/retry', { subject: 'user/1', consumer: 'mailer', seq: '1' }],
    ['/console/person/replay', { subject: 'user/1', consumer: 'mailer' }],
    ['/console/logout', {}],
  ] as const) {
    const missing = await app.inject({ method: 'POST', url, headers: { cookie, 'content-type': FORM }, payload: form(fields) });
    t.equal(missing.statusCode, 403, `${url} without the token`);
    t.match(missing.json(), { type: 'urn:onramp:problem:forbidden', detail: /CSRF/ });
    const wrong = await app.inject({ method: 'POST', url, headers: { cookie, 'content-type': FORM }, payload: form({ ...fields, _csrf: `${csrf.slice(0, -1)}x` }) });
    t.equal(wrong.statusCode, 403, `${url} with a wrong token`);
  }
  t.same(await db.selectFrom('deliveries').select('seq').where('redelivery', 'is not', null).execute(), [], 'nothing was replayed or retried');

  const replay = await app.inject({ method: 'POST', url: '/console/person/replay', headers: { cookie, 'content-type': FORM }, payload: form({ _csrf: csrf, subject: 'user/1', consumer: 'mailer' }) });
  t.equal(replay.statusCode, 303, 'with the token the replay is done');
  t.equal(replay.headers.location, '/console/person?subject=user%2F1&done=replayed&n=1');
  const invalid = await app.inject({ method: 'POST', url: '/console/person/replay', headers: { cookie, 'content-type': FORM }, payload: form({ _csrf: csrf, subject: 'user/1', consumer: 'Mailer; DROP' }) });
  t.equal(invalid.statusCode, 400, 'fields are validated by schema');
  const big = await app.inject({ method: 'POST', url: '/console/person/replay', headers: { cookie, 'content-type': FORM }, payload: form({ _csrf: csrf, subject: 'x'.repeat(20_000), consumer: 'mailer' }) });
  t.equal(big.statusCode, 413, 'form bodies are capped');
  const board = await app.inject({ method: 'PUT', url: '/console/queues/api/queues/mailer/retry/failed', headers: { cookie } });
  t.equal(board.statusCode, 403, 'the queue board is read-only');

  const out = await app.inject({ method: 'POST', url: '/console/logout', headers: { cookie, 'content-type': FORM }, payload: form({ _csrf: csrf }) });
  t.equal(out.statusCode, 303);
  t.match(cookieOf(out.headers['set-cookie'], SESSION_COOKIE), /Max-Age=0/);
  const after = await app.inject({ method: 'GET', url: '/console/consumers', headers: { cookie } });
  t.equal(after.headers.location, '/console/login', 'the old cookie opens nothing after logout');
});

t.test('a session opened with an earlier admin token ends when the token changes', async (t) => {
  const first = await consoleApp(t);
  const cookie = (await logIn(first.app)).session!.split(';')[0]!;
  const rotated = await consoleApp(t, { db: first.db, prefix: first.prefix, admin: 'admin-token-rotated-0123456789' });
  const answer = await rotated.app.inject({ method: 'GET', url: '/console/consumers', headers: { cookie } });
  t.equal(answer.headers.location, '/console/login');
});

t.test('person data is escaped, and the access log names no one from the query string', async (t) => {
  const { app, db, lines } = await consoleApp(t);
  const hostile = joinerEvent('x');
  const data = hostile.data as Record<string, unknown>;
  data.displayName = '<script>alert(1)</script><img src=x onerror=alert(2)>';
  data.userName = 'mallory"><b>@example.com';
  await appendEvents(db, [{ ...hostile, subject: 'user/<i>mallory</i>' }]);
  const cookie = (await logIn(app)).session!.split(';')[0]!;
  const people = await app.inject({ method: 'GET', url: '/console/people?q=script', headers: { cookie } });
  t.equal(people.statusCode, 303, 'one match goes straight to the person');
  const person = await app.inject({ method: 'GET', url: people.headers.location as string, headers: { cookie } });
  t.equal(person.statusCode, 200);
  t.notMatch(person.body, /<script>|<img|<i>mallory|"><b>/, 'nothing of the data is markup');
  t.match(person.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  t.match(person.body, /Person user\/&lt;i&gt;mallory&lt;\/i&gt;/);

  const rejected = await app.inject({ method: 'GET', url: '/console/person?subject=user%2F1&email=li.wei%40example.com', headers: { cookie } });
  t.equal(rejected.statusCode, 400, 'an unknown query parameter is refused');
  const logged = lines.filter((l) => l.includes('request rejected'));
  t.ok(logged.some((l) => l.includes('"route":"/console/person"')), 'the rejection is logged by route');
  t.notOk(lines.some((l) => l.includes('li.wei') || l.includes('mallory')), 'no line names the person');
});
