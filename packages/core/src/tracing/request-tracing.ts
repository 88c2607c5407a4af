// A server span for every request a Fastify app answers, child of the caller's `traceparent` header when
// it sends one, and active while the route's handler runs: what the handler appends or calls joins it.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';

const spans = new WeakMap<FastifyRequest, Span>();

/** Call before the app's routes are added: only routes added afterwards run inside their span. */
export function traceRequests(app: FastifyInstance, tracerName: string): void {
  const tracer = trace.getTracer(tracerName);
  app.addHook('onRequest', async (request) => {
    // The route's pattern, never the URL: a query can carry a person's name.
    const route = request.routeOptions.url ?? 'unknown route';
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    spans.set(request, tracer.startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route },
    }, parent));
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (span === undefined) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  app.addHook('onRequestAbort', async (request) => {
    spans.get(request)?.setStatus({ code: SpanStatusCode.ERROR, message: 'client closed the request' }).end();
  });
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function tracedHandler(this: FastifyInstance, request, reply) {
      const span = spans.get(request);
      if (span === undefined) return handler.call(this, request, reply);
      return context.with(trace.setSpan(context.active(), span), () => handler.call(this, request, reply));
    };
  });
}
