// What an operator reads: a line for every rejected or failed request (route, status, time; no URL, so no
// query string or path value with a name in it), readable logs on a terminal and JSON elsewhere, and a
// Redis outage as one line every few seconds.
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import Fastify from 'fastify';
import { createLogger, redisErrorReporter, registerProblemHandlers, Unauthorized } from '@onramp/core';

function captured() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', 'test', new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  }));
  return { lines, logger };
}

t.test('every 4xx and 5xx gets one access line with the route pattern, never the URL; 2xx none', async (t) => {
  const { lines, logger } = captured();
  const app = Fastify({ logger: false });
  registerProblemHandlers(app, logger);
  app.get('/people/:email', async (request) => {
    if (request.headers.authorization === undefined) throw new Unauthorized();
    if (request.headers.authorization === 'Bearer boom') throw new Error('database on fire');
    return { ok: true };
  });
  t.teardown(() => app.close());
  const answer = async (url: string, authorization?: string) =>
    (await app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } })).statusCode;
  t.equal(await answer('/people/ada@example.com?name=Ada+Lovelace'), 401);
  t.equal(await answer('/nowhere/grace@example.com?q=Grace'), 404);
  t.equal(await answer('/people/linus@example.com', 'Bearer boom'), 500);
  t.equal(await answer('/people/barbara@example.com', 'Bearer fine'), 200);
  const access = lines.filter((line) => line.msg === 'request rejected' || line.msg === 'failed request');
  t.match(access, [
    { msg: 'request rejected', method: 'GET', route: '/people/:email', status: 401, ms: Number },
    { msg: 'request rejected', method: 'GET', route: '(no route)', status: 404 },
    { msg: 'failed request', method: 'GET', route: '/people/:email', status: 500, level: 50 },
  ]);
  t.equal(access.length, 3, 'the 200 is not logged');
  const text = JSON.stringify(lines);
  for (const secret of ['ada@', 'Ada', 'grace@', 'Grace', 'linus@', 'barbara@']) t.notOk(text.includes(secret), `no "${secret}" in the logs`);
});

t.test('a Redis outage is one warning line per interval, with the address and REDIS_URL, no stack', async (t) => {
  const { lines, logger } = captured();
  const report = redisErrorReporter(logger, 'redis://:secret@10.0.0.7:6380/2', 5000);
  const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:6380'), { code: 'ECONNREFUSED' });
  for (let i = 0; i < 20; i++) report(refused);
  t.same(lines.map((line) => [line.level, line.msg, line.code, line.err]), [
    [40, 'Redis at 10.0.0.7:6380 (REDIS_URL) refused the connection; reconnecting', 'ECONNREFUSED', undefined],
  ]);
  t.notOk(JSON.stringify(lines).includes('secret'), 'no password from the URL');
});

const script = fileURLToPath(new URL('./fixtures/log-one-line.mjs', import.meta.url));

t.test('logs are pretty on a terminal and JSON otherwise', async (t) => {
  const run = promisify(execFile);
  const piped = await run(process.execPath, [script]);
  t.match(JSON.parse(piped.stdout.trim()), { level: 30, msg: 'hello operator' }, 'JSON when stdout is not a terminal');
  // `script` gives the child a pseudo-terminal (util-linux, on every Debian).
  const tty = await run('script', ['-qec', `${process.execPath} ${script}`, '/dev/null']);
  t.match(tty.stdout, /INFO.*hello operator/, 'pretty on a terminal');
  t.notMatch(tty.stdout, /"level":/, 'not JSON');
});
