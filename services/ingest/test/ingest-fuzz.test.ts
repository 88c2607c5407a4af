// Generated CloudEvents (structured, batch, binary), headers, content types and bodies thrown at a real
// ingest on a real MariaDB for a fixed time. Whatever comes in: the answer is 202 or 4xx (never 5xx while
// the database is up), a 4xx writes nothing and a 202 writes all, the process keeps answering, and the
// valid requests sent alongside are all accepted.
import fc from 'fast-check';
import t from 'tap';
import { Registry } from 'prom-client';
import { appendEvents, createAppendBatcher, readEvents } from '@onramp/core';
import { eventBridgeJoiner, freshDatabase } from '@onramp/core/testing';
import { silentLogger } from '@onramp/core';
import { buildIngestApp } from '@onramp/ingest';

const RUN_MS = 15_000;
const MAX_RUNS = 3000;
const tokens = { ingest: 'fuzz-ingest-token-0123456789', admin: 'fuzz-admin-token-0123456789' };

// Every event carries a token `~r<request>e<event>~` in its id, so that the log can be checked per request.
const tokenOf = (request: number, event: number) => `~r${request}e${event}~`;
const TOKEN = /~r(\d+)e(\d+)~/;

const edge = fc.constantFrom('', ' ', '\t', '\n', '\u0000', '\u00a0', '\u3000', '\u007f', '\u0085', '\ud800', '\udc00', '😀', '\u202e', '\\', '"', "'");
const affix = fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: edge });
const plain = fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/);
const wild = fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ maxLength: 24 }), edge).map((s) => s.replaceAll('~', ''));
const rare = <T>(common: fc.Arbitrary<T>, other: fc.Arbitrary<T>, weight = 10) =>
  fc.oneof({ weight, arbitrary: common }, { weight: 1, arbitrary: other });

const identity = fc.record({ pre: affix, core: rare(plain, wild, 6), suf: affix });
const source = rare(fc.constant('com.aliyun.idaas'), fc.oneof(fc.constantFrom('onramp/mailer', 'com.example', 'com.aliyun.idaas ', 'com.aliyun.idaas\u0000x'), wild), 8);
const type = fc.oneof(
  { weight: 10, arbitrary: fc.constant('SCIM.UserCreated') },
  { weight: 2, arbitrary: fc.constantFrom('SCIM.UserUpdated', 'SCIM.UserDeactivated', 'SCIM.UserDeleted', 'Document.Published', 'onramp.mail.WelcomeSent', 'com.example.Other') },
  { weight: 1, arbitrary: wild },
);
const time = rare(fc.constant('2026-11-28T10:00:00Z'), fc.oneof(wild, fc.constant(`2026-11-28T10:00:00.${'9'.repeat(70)}Z`), fc.integer()));
const data = fc.oneof(
  { weight: 10, arbitrary: fc.constant({ kind: 'user' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('mutated' as const), key: fc.constantFrom('emails', 'userName', 'active', 'schemas', 'name', 'extra'), value: fc.jsonValue({ maxDepth: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), depth: fc.oneof(fc.integer({ min: 28, max: 36 }), fc.constant(5000)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('none' as const) }) },
);
const extensions = rare(
  fc.constant({}),
  fc.dictionary(fc.oneof(fc.stringMatching(/^[a-z0-9]{1,40}$/), wild), fc.oneof(fc.string({ maxLength: 3000 }), fc.integer(), fc.boolean(), fc.jsonValue({ maxDepth: 2 })), { maxKeys: 8 }),
  4,
);
const eventSpec = fc.record({
  id: identity,
  source,
  type,
  subject: rare(fc.constant('user'), fc.oneof(wild, fc.constant(undefined)), 6),
  time,
  specversion: rare(fc.constant<unknown>('1.0'), fc.constantFrom<unknown>('0.3', 1, null, '1.0 ')),
  data,
  extensions,
});
const contentType = fc.constantFrom(
  'application/cloudevents+json', 'application/cloudevents-batch+json', 'application/json', 'application/json; charset=utf-8',
  'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/vnd.example+json', 'multipart/form-data', '',
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const request = fc.record({
  mode: fc.oneof(
    { weight: 5, arbitrary: fc.constant('structured' as const) },
    { weight: 3, arbitrary: fc.constant('batch' as const) },
    { weight: 2, arbitrary: fc.constant('binary' as const) },
    { weight: 1, arbitrary: fc.constant('plain' as const) },
    { weight: 1, arbitrary: fc.constant('garbage' as const) },
  ),
  events: fc.array(eventSpec, { minLength: 1, maxLength: 4 }),
  repeatFirst: fc.boolean(),
  contentType: rare(fc.constant(undefined), contentType, 6),
  authorization: rare(fc.constant(`Bearer ${tokens.ingest}`), fc.constantFrom('', 'Bearer nope', `Basic ${tokens.ingest}`, `Bearer ${tokens.admin}`), 12),
  headers: rare(fc.constant({}), fc.dictionary(fc.stringMatching(/^(ce-)?[a-z0-9]{1,12}$/), headerValue, { maxKeys: 4 }), 6),
  garbage: fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), fc.constantFrom('{', '[]', 'null', '{"specversion":"1.0"}', '[[[[', '"x"', '1', '')),
});
type EventSpec = typeof eventSpec extends fc.Arbitrary<infer T> ? T : never;
type RequestSpec = typeof request extends fc.Arbitrary<infer T> ? T : never;

// Deep JSON goes in as a placeholder and is spliced into the text: JSON.stringify would overflow first.
const DEEP = /"@deep(\d+)@"/g;
const serialize = (value: unknown) => JSON.stringify(value).replace(DEEP, (_, n: string) => `${'['.repeat(Number(n))}1${']'.repeat(Number(n))}`);

function eventOf(spec: EventSpec, token: string, person: number): Record<string, unknown> {
  const user = eventBridgeJoiner(`f${person}`).data as Record<string, unknown>;
  const payload = spec.data.kind === 'user' ? user
    : spec.data.kind === 'mutated' ? { ...user, [spec.data.key]: spec.data.value }
      : spec.data.kind === 'json' ? spec.data.value
        : spec.data.kind === 'deep' ? { ...user, deep: `@deep${spec.data.depth}@` } : undefined;
  return {
    ...spec.extensions,
    specversion: spec.specversion,
    id: `${spec.id.pre}${spec.id.core}${token}${spec.id.suf}`,
    source: spec.source,
    type: spec.type,
    ...(spec.subject === undefined ? {} : { subject: spec.subject === 'user' ? `user/${person}` : spec.subject }),
    time: spec.time,
    datacontenttype: 'application/json',
    ...(payload === undefined ? {} : { data: payload }),
  };
}

/** A header value the HTTP binding carries: percent-encoded (ingest decodes it), lone surrogates replaced. */
function headerOf(value: unknown): string {
  const text = String(value);
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/gu, 'x'));
  }
}

interface Sent {
  request: number;
  status: number;
  /** The token of each event, in request order; empty when the body carries no identifiable events. */
  tokens: string[];
  body: string;
  valid: boolean;
}

t.test('fuzzed requests: 202 or 4xx only, nothing partial, concurrent valid requests all accepted', async (t) => {
  const { db, drop } = await freshDatabase('fuzz');
  t.teardown(drop);
  const batcher = createAppendBatcher((events) => appendEvents(db, events));
  const app = buildIngestApp({
    db,
    append: (events) => batcher.append(events),
    tokens,
    // Above the data limit, so that the size check is reached as well as the body limit.
    maxBodyBytes: 8 * 1024 * 1024,
    docsRoots: { paths: [], buckets: [] },
    logger: silentLogger,
    registry: new Registry(),
    checks: { mysql: async () => readEvents(db, { limit: 1 }) },
  });
  t.teardown(() => app.close());

  let requests = 0;
  let people = 0;
  const sent: Sent[] = [];
  // fast-check may stop at its time limit while a run's requests are in flight: each answer is kept as it
  // comes, and every request is awaited before the log is compared with the answers.
  const inFlight: Promise<Sent>[] = [];
  const send = (spec: RequestSpec | 'valid'): Promise<Sent> => {
    const answer = sendOne(spec).then((a) => (sent.push(a), a));
    inFlight.push(answer);
    return answer;
  };
  const sendOne = async (spec: RequestSpec | 'valid'): Promise<Sent> => {
    const n = ++requests;
    if (spec === 'valid') {
      const event = { ...eventBridgeJoiner(`v${++people}`), id: `valid${tokenOf(n, 0)}` };
      const res = await app.inject({ method: 'POST', url: '/events', headers: { authorization: `Bearer ${tokens.ingest}`, 'content-type': 'application/cloudevents+json' }, payload: JSON.stringify(event) });
      return { request: n, status: res.statusCode, tokens: [tokenOf(n, 0)], body: res.body, valid: true };
    }
    const events = spec.events.map((e, k) => eventOf(e, tokenOf(n, k), ++people));
    const eventTokens = spec.events.map((_, k) => tokenOf(n, k));
    let payload: string | Buffer;
    let headers: Record<string, string> = { ...spec.headers };
    let tokensSent = eventTokens;
    if (spec.mode === 'batch') {
      const batch = spec.repeatFirst ? [...events, events[0]!] : events;
      if (spec.repeatFirst) tokensSent = [...eventTokens, eventTokens[0]!];
      payload = serialize(batch);
      headers['content-type'] = 'application/cloudevents-batch+json';
    } else if (spec.mode === 'binary') {
      const { data: body, datacontenttype: _ignored, ...attributes } = events[0]!;
      for (const [name, value] of Object.entries(attributes)) if (/^[a-z0-9]{1,40}$/.test(name)) headers[`ce-${name}`] = headerOf(value);
      payload = body === undefined ? '' : serialize(body);
      headers['content-type'] = 'application/json';
      tokensSent = eventTokens.slice(0, 1);
    } else if (spec.mode === 'plain') {
      payload = serialize(events);
      headers['content-type'] = 'application/json';
    } else if (spec.mode === 'garbage') {
      payload = spec.garbage;
      headers['content-type'] = spec.contentType ?? 'application/cloudevents+json';
      tokensSent = [];
    } else {
      payload = serialize(events[0]);
      headers['content-type'] = 'application/cloudevents+json';
      tokensSent = eventTokens.slice(0, 1);
    }
    if (spec.contentType !== undefined) headers['content-type'] = spec.contentType;
    headers = { ...headers, authorization: spec.authorization };
    const res = await app.inject({ method: 'POST', url: '/events', headers, payload });
    return { request: n, status: res.statusCode, tokens: tokensSent, body: res.body, valid: false };
  };

  const started = Date.now();
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 8 }), async (specs) => {
      runs++;
      // Valid requests race the fuzzed ones into the same group-commit transactions.
      const answers = await Promise.all([...specs.map((s) => send(s)), send('valid'), send('valid'), send('valid')]);
      for (const answer of answers) {
        if (answer.valid && answer.status !== 202) throw new Error(`a valid request got ${answer.status}: ${answer.body}`);
        if (answer.status !== 202 && (answer.status < 400 || answer.status >= 500)) {
          throw new Error(`request ${answer.request} got ${answer.status}: ${answer.body}`);
        }
      }
    }),
    { numRuns: MAX_RUNS, interruptAfterTimeLimit: RUN_MS, markInterruptAsFailure: false, endOnFailure: true },
  );
  await Promise.allSettled(inFlight);
  t.ok(runs > 10, `${runs} runs, ${sent.length} requests in ${Date.now() - started} ms`);
  const statuses = new Map<number, number>();
  for (const s of sent) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
  t.comment(`answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
  t.ok((statuses.get(202) ?? 0) > sent.length / 4, 'most generated requests are valid enough to be accepted');
  t.ok([...statuses.keys()].some((s) => s >= 400 && s < 500), 'and some are refused');

  // The log against the answers: every row belongs to an accepted request, and an accepted request's
  // results point at rows carrying its events' tokens.
  const rows = await db.selectFrom('events').select(['seq', 'id']).execute();
  const tokenBySeq = new Map(rows.map((r) => [Number(r.seq), TOKEN.exec(r.id)?.[0]]));
  const accepted = new Set(sent.filter((s) => s.status === 202).map((s) => s.request));
  const orphans = rows.filter((r) => !accepted.has(Number(TOKEN.exec(r.id)?.[1])));
  t.same(orphans.map((r) => r.id), [], 'nothing of a refused request is in the log');
  let mismatched = 0;
  for (const s of sent.filter((x) => x.status === 202)) {
    const body = JSON.parse(s.body) as { results: { seq: number }[] };
    if (body.results.length !== s.tokens.length) mismatched++;
    for (const [i, result] of body.results.entries()) if (tokenBySeq.get(result.seq) !== s.tokens[i]) mismatched++;
  }
  t.equal(mismatched, 0, 'every event of an accepted request is in the log, at the seq it was answered with');

  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'still up');
  t.equal((await send('valid')).status, 202, 'and still accepting');
});
