// One trace from the door to every outcome: a joiner POSTed with a `traceparent` header goes through the
// real ingest, the log, the relay and the three consumers, and every span — the request, each consumer's
// handling, each call to Resend and to GitBook's SCIM API — belongs to the caller's trace. Spans are
// caught by an in-memory exporter; the providers (local servers) see the trace context too.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import { createRegistry, loadConfig, readEvents, silentLogger, startTracing, type CloudEvent } from '@onramp/core';
import { eventBridgeJoiner, freshDatabase, freshPrefix, startTestDelivery, TEST_JOB_OPTIONS, TEST_REDIS, waitFor } from '@onramp/core/testing';
import { startGitbookSync } from '@onramp/gitbook-sync';
import { startIndexer } from '@onramp/indexer';
import { startIngest } from '@onramp/ingest';
import { startMailer } from '@onramp/mailer';
import { startResendServer, startScimServer } from '@onramp/provider-servers';
import { createEmbeddedStore, createLocalEmbedder } from '@onramp/search';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const SCIM_TOKEN = 'tracing-scim-token-0123456789';
const INGEST_TOKEN = 'tracing-ingest-token-0123456789abcdef';
const OUTCOMES = ['onramp.mail.WelcomeSent', 'onramp.gitbook.AccessGranted', 'onramp.index.ProfileIndexed'];

t.test('a joiner is one trace from POST /events to its three outcomes, provider calls included', async (t) => {
  const spans = new InMemorySpanExporter();
  const tracing = await startTracing({ serviceName: 'onramp-test', exporter: spans });
  const { db, url, drop } = await freshDatabase('tracing');
  const prefix = freshPrefix('tracing');
  const home = await mkdtemp(join(tmpdir(), 'onramp-tracing-'));
  const resend = await startResendServer({ apiKey: 're_tracing_key', ratePerSecond: 100 });
  const scim = await startScimServer({ token: SCIM_TOKEN });
  const config = loadConfig({
    DATABASE_URL: url, REDIS_URL: TEST_REDIS, ONRAMP_HOME: home, INGEST_PORT: '0', INGEST_TOKEN,
    MAIL_MODE: 'send', RESEND_API_KEY: 're_tracing_key', RESEND_BASE_URL: resend.url, MAIL_RATE_PER_SECOND: '100',
    GITBOOK_SCIM_URL: scim.url, GITBOOK_SCIM_TOKEN: SCIM_TOKEN,
  });
  const registry = createRegistry('tracing-test');
  const worker = { db, logger: silentLogger, queuePrefix: prefix, runtime: { jobOptions: TEST_JOB_OPTIONS, registry } };
  const store = createEmbeddedStore();
  const search = { embedder: createLocalEmbedder(), store, close: () => store.close() };
  const ingest = await startIngest(config, { db, logger: silentLogger, tokens: { ingest: INGEST_TOKEN, admin: 'tracing-admin-token-0123456789abcdef' }, registry });
  const mailer = await startMailer(config, { ...worker, lingerMs: 0 });
  const gitbook = await startGitbookSync(config, worker);
  const indexer = await startIndexer(config, { ...worker, acquireSearch: async () => ({ search, release: () => store.close() }) });
  const delivery = await startTestDelivery(db, TEST_REDIS, prefix, silentLogger);
  t.teardown(async () => {
    for (const running of [mailer, gitbook, indexer, delivery, ingest]) await running.close();
    await resend.close();
    await scim.close();
    await tracing.shutdown();
    await drop();
    await rm(home, { recursive: true, force: true });
  });

  const posted = await fetch(`${ingest.url}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json', traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
    body: JSON.stringify(eventBridgeJoiner('traced')),
  });
  t.equal(posted.status, 202);
  await waitFor(async () => {
    const events = await readEvents(db, { limit: 100 });
    return OUTCOMES.every((type) => events.some((e) => e.type === type));
  }, 60_000, 'the three outcomes');

  const finished = spans.getFinishedSpans();
  const inTrace = finished.filter((s) => s.spanContext().traceId === TRACE_ID);
  const byId = new Map(inTrace.map((s) => [s.spanContext().spanId, s]));
  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

  const server = inTrace.find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /events');
  t.ok(server, 'the request has a server span in the caller’s trace');
  t.equal(server && parentOf(server), CALLER_SPAN, 'whose parent is the caller’s span');
  t.equal(server?.attributes['http.response.status_code'], 202);

  const [joiner] = await readEvents(db, { type: 'SCIM.UserCreated', limit: 1 });
  t.equal(joiner?.extensions.traceparent, `00-${TRACE_ID}-${server?.spanContext().spanId}-01`, 'the stored event carries the door’s trace context');

  for (const consumer of ['mailer', 'gitbook-sync', 'indexer']) {
    const span = inTrace.find((s) => s.kind === SpanKind.CONSUMER && s.attributes['onramp.consumer'] === consumer);
    t.ok(span, `${consumer} handled the event in the same trace`);
    t.equal(span && parentOf(span), server?.spanContext().spanId, `${consumer}'s span is a child of the door's`);
  }
  const clientSpans = inTrace.filter((s) => s.kind === SpanKind.CLIENT);
  const consumerOf = (s: ReadableSpan) => byId.get(parentOf(s) ?? '')?.attributes['onramp.consumer'];
  t.ok(clientSpans.some((s) => consumerOf(s) === 'mailer' && String(s.attributes['url.full']).startsWith(resend.url)), 'the call to Resend is a client span of the mailer’s');
  t.ok(clientSpans.some((s) => consumerOf(s) === 'gitbook-sync' && String(s.attributes['url.full']).startsWith(scim.url)), 'the calls to GitBook are client spans of gitbook-sync’s');
  t.ok(resend.requests.some((r) => r.traceparent?.includes(TRACE_ID)), 'Resend received the trace context');
  t.ok(scim.requests.some((r) => r.traceparent?.includes(TRACE_ID)), 'GitBook’s SCIM API received the trace context');

  // Spans leave the process: nothing in them may name the person (the SCIM look-up filters by email).
  const exported = JSON.stringify(finished.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
  t.notOk(exported.includes('hiretraced@example.com') || exported.includes('filter='), 'no email address or SCIM filter in any span');

  const metrics = await registry.metrics();
  t.match(metrics, /onramp_consumer_effect_seconds_count\{[^}]*consumer="mailer"[^}]*result="done"[^}]*\} 1/, 'the mailer’s effect latency is measured');
});

t.test('an event that carries its own trace context keeps it; without tracing, none is added', async (t) => {
  const { stampTraceContext, startTracing: start } = await import('@onramp/core');
  const { context, trace } = await import('@opentelemetry/api');
  const event: CloudEvent = { specversion: '1.0', id: 'x', source: 's', type: 'SCIM.UserCreated', extensions: {} };
  t.same(stampTraceContext([event])[0]?.extensions, {}, 'no tracing, no active span: nothing stamped');
  const tracing = await start({ serviceName: 'stamp-test', exporter: new InMemorySpanExporter() });
  t.teardown(() => tracing.shutdown());
  const span = trace.getTracer('t').startSpan('door');
  const active = trace.setSpan(context.active(), span);
  const own: CloudEvent = { ...event, extensions: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` } };
  const [stamped, kept] = stampTraceContext([event, own], active);
  t.match(stamped?.extensions.traceparent, new RegExp(`^00-${span.spanContext().traceId}-${span.spanContext().spanId}-01$`));
  t.equal(kept?.extensions.traceparent, own.extensions.traceparent, 'the sender’s own context is kept');
  span.end();
});
