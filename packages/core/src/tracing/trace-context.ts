// The trace context travels with the event: a door stamps its request's context on each event it
// appends as the CloudEvents `traceparent` / `tracestate` extensions (unless the sender set them), and
// each consumer's span for that event is its child. So one trace runs from the POST to every outcome,
// through the log and the queue, and a replay of the event joins the same trace.
import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import type { CloudEvent } from '../events/cloud-event.js';

const TRACE_EXTENSIONS = ['traceparent', 'tracestate'] as const;

/** The events, each carrying the active trace context unless it carries its own. */
export function stampTraceContext<E extends CloudEvent>(events: E[], active: Context = context.active()): E[] {
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  if (carrier.traceparent === undefined) return events;
  return events.map((event) => {
    if (typeof event.extensions.traceparent === 'string') return event;
    const extensions = { ...event.extensions };
    for (const name of TRACE_EXTENSIONS) if (carrier[name] !== undefined) extensions[name] = carrier[name];
    return { ...event, extensions };
  });
}

/** The trace context an event carries (the root context when it carries none). */
export function eventTraceContext(event: CloudEvent): Context {
  const carrier: Record<string, string> = {};
  for (const name of TRACE_EXTENSIONS) {
    const value = event.extensions[name];
    if (typeof value === 'string') carrier[name] = value;
  }
  return propagation.extract(ROOT_CONTEXT, carrier);
}
