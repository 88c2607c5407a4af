// The ops console at /console: a login with the admin token, a session cookie, and pages over the log
// and the delivery state (consumers, people, held deprovisionings, the queues' Bull Board). Every
// state-changing form carries the session's CSRF token; pages are server-rendered, escaped, and served
// under a Content-Security-Policy that allows no inline code.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  bearerMatches,
  completionCounts,
  consumerStatuses,
  decideHeldDeprovisionings,
  findPeople,
  listDeadLetters,
  listHeldDeprovisionings,
  OnrampError,
  problemFor,
  sendProblem,
  readEvents,
  replayRange,
  retryDeadLetters,
  subscribedConsumers,
  within,
  type DeliveryQueues,
  type Db,
  type Logger,
} from '@onramp/core';
import { QUEUE_BOARD_PATH, registerQueueBoard } from './queue-board.js';
import { sha256, type ConsoleSession, type ConsoleSessions } from './console-sessions.js';
import { consoleCookie, readCookie } from './cookies.js';
import { CONSOLE_CSS } from './console-page.js';
import { consumersPage, type ConsumerRow } from './consumers-page.js';
import { heldPage } from './held-page.js';
import { loginPage } from './login-page.js';
import { peoplePage, personPage } from './person-page.js';

export interface ConsoleDeps {
  db: Db;
  adminToken: string;
  sessions: ConsoleSessions;
  /** Secure cookies (production: the console is served over HTTPS, by ingest or a proxy in front). */
  secureCookies: boolean;
  /** The consumers' queues, shown by Bull Board, and the consumers it shows. */
  queues: DeliveryQueues;
  consumers: string[];
  /** Wakes the relay after a retry, replay or approval wrote delivery rows. */
  onScheduled?: () => void;
  logger: Logger;
}

export const SESSION_COOKIE = 'onramp_console';
const LOGIN_COOKIE = 'onramp_console_login';
const FORM_BYTES = 16 * 1024;
const RATE_WINDOW_SECONDS = 300;
const TIMELINE_LIMIT = 1000;

const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
// Bull Board's UI: its own scripts and styles (React sets inline style attributes), its JSON API, and a <base>.
const BOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const CONSUMER = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' };
const SUBJECT = { type: 'string', minLength: 1, maxLength: 512 };
const CSRF = { type: 'string', maxLength: 128 };
const formSchema = (properties: Record<string, object>, required: string[]) => ({
  body: { type: 'object', additionalProperties: false, properties: { _csrf: CSRF, ...properties }, required: ['_csrf', ...required] },
});
const NOTICE = { type: 'string', enum: ['retried', 'replayed', 'approved', 'rejected'] };
const COUNT = { type: 'integer', minimum: 0, maximum: 1_000_000 };

export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): void {
  const sessionOf = new WeakMap<FastifyRequest, ConsoleSession>();
  const adminDigest = sha256(deps.adminToken);
  const cookie = (name: string, value: string, maxAge: number) => consoleCookie(name, value, maxAge, deps.secureCookies);

  app.register(async (console) => {
    console.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BYTES }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    console.addHook('onSend', async (request, reply, payload) => {
      const board = request.routeOptions.url?.startsWith(QUEUE_BOARD_PATH) === true;
      void reply.header('content-security-policy', board ? BOARD_CSP : PAGE_CSP);
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('x-frame-options', 'DENY');
      void reply.header('referrer-policy', 'no-referrer');
      void reply.header('cache-control', 'no-store');
      return payload;
    });

    // Every page but the login form and the stylesheet needs a session.
    console.addHook('onRequest', async (request, reply) => {
      // The matched route's pattern, not the raw URL: no spelling of a path reaches a page unchecked.
      const route = request.routeOptions.url;
      if (route === '/console/login' || route === '/console/console.css') return;
      const id = readCookie(request.headers.cookie, SESSION_COOKIE);
      // Answered here, not thrown: Bull Board's routes have an error handler of their own.
      const refuse = (code: string, message: string) => sendProblem(reply, problemFor(new OnrampError(code, message)));
      let session: ConsoleSession | undefined;
      try {
        session = id === undefined ? undefined : await deps.sessions.find(id);
      } catch (error) {
        deps.logger.error({ err: error }, 'console sessions cannot be read');
        return refuse('unavailable', 'console sessions cannot be read (Redis)');
      }
      // A session opened with an earlier ADMIN_TOKEN ended when the token changed.
      if (session === undefined || !sameText(session.adminDigest, adminDigest)) return reply.redirect('/console/login', 303);
      sessionOf.set(request, session);
      // Bull Board is for looking: jobs are retried through the log (dead letters), not by moving them in Redis.
      if (route?.startsWith(QUEUE_BOARD_PATH) === true && request.method !== 'GET' && request.method !== 'HEAD') {
        return refuse('forbidden', 'the queue board is read-only; retry dead letters on the person page');
      }
    });

    // The synchronizer token: every POST of a session carries the session's CSRF token.
    console.addHook('preValidation', async (request) => {
      if (request.method !== 'POST' || request.routeOptions.url === '/console/login') return;
      const presented = (request.body as { _csrf?: unknown } | undefined)?._csrf;
      const session = sessionOf.get(request);
      if (session === undefined || typeof presented !== 'string' || !sameText(presented, session.csrf)) {
        throw new OnrampError('forbidden', 'missing or wrong CSRF token: reload the page and try again');
      }
    });

    const csrfOf = (request: FastifyRequest) => sessionOf.get(request)!.csrf;
    const htmlReply = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);

    console.get('/console/console.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(CONSOLE_CSS));

    const showLogin = (reply: FastifyReply, status: number, error?: string) => {
      const csrf = randomBytes(24).toString('base64url');
      void reply.header('set-cookie', cookie(LOGIN_COOKIE, csrf, 600));
      return htmlReply(reply, loginPage(csrf, error), status);
    };
    console.get('/console/login', async (_request, reply) => showLogin(reply, 200));
    console.post<{ Body: { token: string; _csrf: string } }>('/console/login', {
      bodyLimit: FORM_BYTES,
      schema: formSchema({ token: { type: 'string', maxLength: 1024 } }, ['token']),
      // Login is guarded by a double-submit token: the form's value must be the login cookie's.
      preValidation: async (request) => {
        const presented = (request.body as { _csrf?: unknown } | undefined)?._csrf;
        const expected = readCookie(request.headers.cookie, LOGIN_COOKIE);
        if (typeof presented !== 'string' || expected === undefined || !sameText(presented, expected)) {
          throw new OnrampError('forbidden', 'missing or wrong CSRF token: reload the login page and try again');
        }
      },
    }, async (request, reply) => {
      if (!bearerMatches(`Bearer ${request.body.token}`, deps.adminToken)) {
        deps.logger.warn({ route: '/console/login' }, 'console login refused: wrong admin token');
        return showLogin(reply, 401, 'That is not the admin token.');
      }
      const { id } = await deps.sessions.open(adminDigest);
      void reply.header('set-cookie', [cookie(SESSION_COOKIE, id, deps.sessions.ttlSeconds), cookie(LOGIN_COOKIE, '', 0)]);
      return reply.redirect('/console/consumers', 303);
    });
    console.post('/console/logout', { bodyLimit: FORM_BYTES, schema: formSchema({}, []) }, async (request, reply) => {
      await deps.sessions.close(readCookie(request.headers.cookie, SESSION_COOKIE)!);
      void reply.header('set-cookie', cookie(SESSION_COOKIE, '', 0));
      return reply.redirect('/console/login', 303);
    });

    for (const home of ['/console', '/console/']) console.get(home, async (_request, reply) => reply.redirect('/console/consumers', 303));
    console.get('/console/consumers', async (request, reply) => {
      const [statuses, completed, deadLetters] = await Promise.all([consumerStatuses(deps.db), completionCounts(deps.db, RATE_WINDOW_SECONDS), listDeadLetters(deps.db)]);
      const rows: ConsumerRow[] = await Promise.all(statuses.map(async (status) => ({
        ...status,
        completed: completed.get(status.consumer) ?? 0,
        jobs: await within(2000, deps.queues.queue(status.consumer).getJobCounts('wait', 'active', 'delayed', 'failed')),
      })));
      return htmlReply(reply, consumersPage(rows, deadLetters, RATE_WINDOW_SECONDS, csrfOf(request)));
    });

    console.get<{ Querystring: { q?: string } }>('/console/people', {
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { q: { type: 'string', maxLength: 320 } } } },
    }, async (request, reply) => {
      const q = request.query.q;
      const matches = q === undefined ? [] : await findPeople(deps.db, q);
      // One match: straight to the person.
      if (q !== undefined && matches.length === 1) return reply.redirect(`/console/person?subject=${encodeURIComponent(matches[0]!.subject)}`, 303);
      return htmlReply(reply, peoplePage(q, matches, csrfOf(request)));
    });

    console.get<{ Querystring: { subject: string; done?: string; n?: number } }>('/console/person', {
      schema: { querystring: { type: 'object', additionalProperties: false, required: ['subject'], properties: { subject: SUBJECT, done: NOTICE, n: COUNT } } },
    }, async (request, reply) => {
      const { subject, done, n } = request.query;
      const [events, deadLetters, consumers] = await Promise.all([
        readEvents(deps.db, { subject, limit: TIMELINE_LIMIT + 1 }),
        listDeadLetters(deps.db),
        subscribedConsumers(deps.db),
      ]);
      const notice = done === undefined ? undefined : `${n ?? 0} ${done === 'retried' ? 'dead letter(s) scheduled again' : 'event(s) scheduled for replay'}; the relay hands them to the consumer behind what is still in progress.`;
      return htmlReply(reply, personPage({
        subject,
        events: events.slice(0, TIMELINE_LIMIT),
        truncated: events.length > TIMELINE_LIMIT,
        deadLetters: deadLetters.filter((d) => d.subject === subject),
        consumers: [...consumers.keys()],
      }, csrfOf(request), notice));
    });
    const backToPerson = (reply: FastifyReply, subject: string, done: string, n: number) =>
      reply.redirect(`/console/person?subject=${encodeURIComponent(subject)}&done=${done}&n=${n}`, 303);

    console.post<{ Body: { subject: string; consumer: string; seq: number } }>('/console/person/retry', {
      bodyLimit: FORM_BYTES,
      schema: formSchema({ subject: SUBJECT, consumer: CONSUMER, seq: { type: 'integer', minimum: 1 } }, ['subject', 'consumer', 'seq']),
    }, async (request, reply) => {
      const { subject, consumer, seq } = request.body;
      const n = await retryDeadLetters(deps.db, consumer, seq);
      if (n > 0) deps.onScheduled?.();
      deps.logger.info({ consumer, seq, scheduled: n }, 'console: dead letter retried');
      return backToPerson(reply, subject, 'retried', n);
    });

    console.post<{ Body: { subject: string; consumer: string } }>('/console/person/replay', {
      bodyLimit: FORM_BYTES,
      schema: formSchema({ subject: SUBJECT, consumer: CONSUMER }, ['subject', 'consumer']),
    }, async (request, reply) => {
      const { subject, consumer } = request.body;
      const summary = await replayRange(deps.db, { consumer, subject }, undefined, 'console-replay');
      if (summary.enqueued > 0) deps.onScheduled?.();
      deps.logger.info({ consumer, replayId: summary.replayId, enqueued: summary.enqueued }, 'console: person replayed');
      return backToPerson(reply, subject, 'replayed', summary.enqueued);
    });

    console.get<{ Querystring: { done?: string; n?: number } }>('/console/held', {
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { done: NOTICE, n: COUNT } } },
    }, async (request, reply) => {
      const { done, n } = request.query;
      const notice = done === undefined ? undefined : `${n ?? 0} deprovisioning(s) ${done}.`;
      return htmlReply(reply, heldPage(await listHeldDeprovisionings(deps.db), csrfOf(request), notice));
    });
    console.post<{ Body: { seq: number; decision: 'approved' | 'rejected' } }>('/console/held/decide', {
      bodyLimit: FORM_BYTES,
      schema: formSchema({ seq: { type: 'integer', minimum: 1 }, decision: { type: 'string', enum: ['approved', 'rejected'] } }, ['seq', 'decision']),
    }, async (request, reply) => {
      const { seq, decision } = request.body;
      const decided = await decideHeldDeprovisionings(deps.db, decision, { seq });
      if (decision === 'approved' && decided.length > 0) deps.onScheduled?.();
      deps.logger.info({ seq, decision }, 'console: held deprovisioning decided');
      return reply.redirect(`/console/held?done=${decision}&n=${decided.length}`, 303);
    });

    await registerQueueBoard(console, deps.queues, deps.consumers);
  });
}
