// /healthz, /readyz and /metrics, the same on every service.
import type { FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { within } from '../within.js';
import { requireBearer } from './bearer.js';

/** Each check answers whether one dependency is reachable now. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Whether a dependency answered within `ms`. */
const answers = async (ms: number, check: () => Promise<unknown>): Promise<boolean> => (await within(ms, Promise.resolve().then(check).then(() => true))) ?? false;

export interface OpsRouteOptions {
  /** When set (in production: the admin token), /metrics answers only to this bearer token. */
  metricsToken?: string | undefined;
}

/** The token /metrics requires: the admin token in production, none elsewhere. */
export function metricsToken(config: { production: boolean }, adminToken: string | undefined): string | undefined {
  return config.production ? adminToken : undefined;
}

export function registerOpsRoutes(app: FastifyInstance, registry: Registry, checks: ReadinessChecks, options: OpsRouteOptions = {}): void {
  const statusSchema = { response: { 200: { type: 'object', additionalProperties: true } } };
  app.get('/healthz', { schema: statusSchema }, async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => answers(2000, checks[name]!)));
    const dependencies = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'up' : 'down']));
    const ready = results.every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', dependencies });
  });
  // Metrics name queues, consumers and volumes: in production, not for anyone who can reach the port.
  const { metricsToken: token } = options;
  app.get('/metrics', {
    onRequest: async (request) => {
      if (token !== undefined) requireBearer(request.headers.authorization, token);
    },
  }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}
