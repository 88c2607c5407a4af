// OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS as a deployment sets them: spans reach the
// collector's /v1/traces with the headers, and a malformed header list is a configuration error that
// does not print the secret in it.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import t from 'tap';
import { ConfigError, loadConfig, startTracing } from '../src/index.js';

const BASE = { DATABASE_URL: 'mysql://root@127.0.0.1:3306/x', REDIS_URL: 'redis://127.0.0.1:6379' };

t.test('spans are exported over OTLP/HTTP to the configured collector, with its headers', async (t) => {
  const received: { path: string | undefined; authorization: string | undefined; body: string }[] = [];
  const collector = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url, authorization: req.headers.authorization, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => collector.close(() => resolve())));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  const config = loadConfig({ ...BASE, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20collector-secret,x-tenant=onramp' });
  t.same(config.tracing.otlpHeaders, { authorization: 'Bearer collector-secret', 'x-tenant': 'onramp' });

  const tracing = await startTracing({ ...config.tracing, serviceName: 'onramp-export-test' });
  const span = trace.getTracer('test').startSpan('exported span');
  const traceId = span.spanContext().traceId;
  span.end();
  await tracing.shutdown();
  const request = received.find((r) => r.body.includes(traceId));
  t.ok(request, 'the collector received the span');
  t.equal(request?.path, '/v1/traces');
  t.equal(request?.authorization, 'Bearer collector-secret');
  t.match(request?.body, /onramp-export-test/, 'named by its service');
});

t.test('without an endpoint nothing is recorded', async (t) => {
  const tracing = await startTracing({ serviceName: 'off' });
  const span = trace.getTracer('test').startSpan('not recorded');
  t.equal(span.isRecording(), false);
  span.end();
  await tracing.shutdown();
});

t.test('a malformed OTEL_EXPORTER_OTLP_HEADERS names the variable, not the secret', async (t) => {
  const error = t.throws(() => loadConfig({ ...BASE, OTEL_EXPORTER_OTLP_HEADERS: 'Bearer super-secret-value' })) as ConfigError;
  t.ok(error instanceof ConfigError);
  t.match(error.message, /OTEL_EXPORTER_OTLP_HEADERS must be name=value pairs/);
  t.notMatch(error.message, /super-secret-value/);
  t.throws(() => loadConfig({ ...BASE, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }), /OTEL_EXPORTER_OTLP_ENDPOINT must be a URL/);
});
