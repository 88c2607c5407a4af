// The ingest HTTP service: the door through which events enter the log.
import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  appendFailure,
  checkDoor,
  CLOUDEVENTS_DOOR,
  countHeldDeprovisionings,
  OnrampError,
  parseEvents,
  readEvents,
  registerOpsRoutes,
  registerProblemHandlers,
  requireBearer,
  toStructured,
  traceRequests,
  type AppendResult,
  type CloudEvent,
  type Db,
  type DocsRoots,
  type DoorPolicy,
  type Logger,
  type ReadinessChecks,
  type Tokens,
} from '@onramp/core';
import { BATCH, STRUCTURED, checkEventMediaType, eventsInRequest } from './cloud-event-http.js';
import { registerConsole, type ConsoleDeps } from './console/console-routes.js';
import { registerDocumentsRoute } from './documents-route.js';
import { registerHrWebhookRoute, type HrWebhookDeps } from './hr/hr-webhook-route.js';
import { registerIdaasCallbackRoute } from './idaas/idaas-callback-route.js';
import type { CallbackKeys } from './idaas/idaas-token.js';
import { registerScimRoutes } from './scim/scim-routes.js';

export const MAX_EVENTS_PER_REQUEST = 1000;

export interface IngestDeps {
  db: Db;
  append: (events: CloudEvent[]) => Promise<AppendResult[]>;
  tokens: Tokens;
  maxBodyBytes: number;
  logger: Logger;
  registry: Registry;
  checks: ReadinessChecks;
  /** Called after events were appended (the in-process dispatcher wakes up). */
  onAppended?: () => void;
  /** Which (source, type) pairs POST /events accepts; CLOUDEVENTS_DOOR unless configured. */
  door?: DoorPolicy;
  /** Where documents posted to POST /documents may be located (DOCS_ROOTS). */
  docsRoots: DocsRoots;
  /** When set, /metrics requires it as bearer token (the admin token in production). */
  metricsToken?: string | undefined;
  /** The IDaaS event callback door (POST /idaas/events), when configured. */
  idaasCallback?: CallbackKeys | undefined;
  /** The SCIM 2.0 endpoint's bearer token (SCIM_SERVER_TOKEN); the endpoint is off without it. */
  scimServerToken?: string | undefined;
  /** The ops console at /console (sessions, queues), when given; it logs in with the admin token. */
  console?: Pick<ConsoleDeps, 'sessions' | 'secureCookies' | 'queues' | 'consumers'> | undefined;
  /** The HR webhook door (POST /hr/events), when configured. */
  hrWebhook?: Pick<HrWebhookDeps, 'keys' | 'mapping' | 'toleranceSeconds'> | undefined;
}

const REJECT_REASONS: Record<number, string> = {
  400: 'invalid', 401: 'unauthorized', 403: 'forbidden', 413: 'too_large', 415: 'unsupported_media_type', 503: 'log_unavailable',
};

const postEventsSchema = {
  headers: { type: 'object', properties: { authorization: { type: 'string' } } },
  body: { anyOf: [{ type: 'object' }, { type: 'array', maxItems: MAX_EVENTS_PER_REQUEST }] },
  response: {
    202: {
      type: 'object',
      properties: {
        appended: { type: 'integer' },
        duplicates: { type: 'integer' },
        results: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              index: { type: 'integer' },
              source: { type: 'string' },
              id: { type: 'string' },
              status: { type: 'string', enum: ['appended', 'duplicate'] },
              seq: { type: 'integer' },
            },
          },
        },
      },
    },
  },
};

const getEventsSchema = {
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      after: { type: 'integer', minimum: 0, default: 0 },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      type: { type: 'string', minLength: 1, maxLength: 255 },
      subject: { type: 'string', minLength: 1, maxLength: 512 },
    },
  },
};

export function buildIngestApp(deps: IngestDeps): FastifyInstance {
  // Unknown query parameters are an error, not silently dropped (Fastify's default strips them).
  const app = Fastify({ bodyLimit: deps.maxBodyBytes, logger: false, ajv: { customOptions: { removeAdditional: false } } });
  traceRequests(app, 'onramp-ingest');
  registerProblemHandlers(app, deps.logger);
  registerOpsRoutes(app, deps.registry, deps.checks, { metricsToken: deps.metricsToken });

  const door = deps.door ?? CLOUDEVENTS_DOOR;
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser([STRUCTURED, BATCH], { parseAs: 'string' }, json);
  app.addContentTypeParser(/^application\/[a-z0-9.-]+\+json$/, { parseAs: 'string' }, json);

  const accepted = new Counter({ name: 'onramp_ingest_events_accepted_total', help: 'Events appended to the log', registers: [deps.registry] });
  const duplicates = new Counter({ name: 'onramp_ingest_events_duplicate_total', help: 'Events already in the log', registers: [deps.registry] });
  const rejected = new Counter({ name: 'onramp_ingest_requests_rejected_total', help: 'Requests refused, by reason', labelNames: ['reason'], registers: [deps.registry] });
  // Read from the log at each scrape: the holds are rows, whichever process wrote them.
  new Gauge({
    name: 'onramp_deprovisionings_held',
    help: 'Leavers whose deprovisioning is held at the deletion threshold, waiting for onramp lifecycle approve or reject',
    labelNames: ['consumer'],
    registers: [deps.registry],
    async collect() {
      const held = await countHeldDeprovisionings(deps.db).catch(() => undefined);
      this.reset();
      for (const [consumer, count] of held ?? []) this.set({ consumer }, count);
    },
  });
  const appendSeconds = new Histogram({
    name: 'onramp_event_log_append_seconds',
    help: 'Time to append a request’s events (including waiting for the shared transaction)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [deps.registry],
  });

  app.post('/events', {
    schema: postEventsSchema,
    onRequest: async (request) => requireBearer(request.headers.authorization, deps.tokens.ingest),
    preParsing: async (request) => checkEventMediaType(request),
    onResponse: async (_request, reply) => {
      const reason = REJECT_REASONS[reply.statusCode];
      if (reason !== undefined) rejected.inc({ reason });
    },
    handler: async (request, reply) => {
      const inputs = eventsInRequest(request);
      checkDoor(door, inputs);
      const events = parseEvents(inputs);
      const stopTimer = appendSeconds.startTimer();
      let results: AppendResult[];
      try {
        results = await deps.append(events);
      } catch (error) {
        // Unstorable input is the sender's problem (4xx, a warning); an unwritable log is ours (503).
        const failure = appendFailure(error);
        if (failure.code === 'unstorable_event') deps.logger.warn({ err: error }, 'events refused by the log');
        else deps.logger.error({ err: error }, 'append failed');
        throw failure;
      } finally {
        stopTimer();
      }
      const appended = results.filter((r) => r.status === 'appended').length;
      accepted.inc(appended);
      duplicates.inc(results.length - appended);
      if (appended > 0) deps.onAppended?.();
      return reply.code(202).send({
        appended,
        duplicates: results.length - appended,
        results: results.map((r, index) => ({ index, source: events[index]!.source, id: events[index]!.id, ...r })),
      });
    },
  });

  app.get<{ Querystring: { after: number; limit: number; type?: string; subject?: string } }>('/events', {
    schema: getEventsSchema,
    onRequest: async (request) => requireBearer(request.headers.authorization, deps.tokens.admin),
    handler: async (request) => {
      const events = await readEvents(deps.db, request.query).catch((error: unknown) => {
        deps.logger.error({ err: error }, 'reading the log failed');
        throw new OnrampError('unavailable', 'the event log cannot be read right now', { cause: error });
      });
      return {
        events: events.map((e) => ({ seq: e.seq, recorded_at: e.recordedAt.toISOString(), event: toStructured(e) })),
        next: events.at(-1)?.seq ?? request.query.after,
      };
    },
  });
  registerDocumentsRoute(app, {
    adminToken: deps.tokens.admin,
    docsRoots: deps.docsRoots,
    maxBodyBytes: deps.maxBodyBytes,
    append: deps.append,
    logger: deps.logger,
    ...(deps.onAppended === undefined ? {} : { onAppended: deps.onAppended }),
  });
  if (deps.idaasCallback !== undefined) {
    registerIdaasCallbackRoute(app, {
      db: deps.db,
      keys: deps.idaasCallback,
      maxBodyBytes: deps.maxBodyBytes,
      append: deps.append,
      logger: deps.logger,
      ...(deps.onAppended === undefined ? {} : { onAppended: deps.onAppended }),
    });
  }
  if (deps.scimServerToken !== undefined) {
    registerScimRoutes(app, {
      db: deps.db,
      token: deps.scimServerToken,
      maxBodyBytes: deps.maxBodyBytes,
      logger: deps.logger,
      ...(deps.onAppended === undefined ? {} : { onAppended: deps.onAppended }),
    });
  }
  if (deps.hrWebhook !== undefined) {
    registerHrWebhookRoute(app, {
      ...deps.hrWebhook,
      maxBodyBytes: deps.maxBodyBytes,
      append: deps.append,
      logger: deps.logger,
      ...(deps.onAppended === undefined ? {} : { onAppended: deps.onAppended }),
    });
  }
  if (deps.console !== undefined) {
    registerConsole(app, {
      ...deps.console,
      db: deps.db,
      adminToken: deps.tokens.admin,
      logger: deps.logger,
      ...(deps.onAppended === undefined ? {} : { onScheduled: deps.onAppended }),
    });
  }
  return app;
}
