// The search-api HTTP app: POST /search, its OpenAPI document and UI at /docs, and the ops routes.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { registerOpsRoutes, registerProblemHandlers, traceRequests, type Logger, type ReadinessChecks } from '@onramp/core';
import { createQueryEmbeddingCache, type Embedder, type SearchFilter, type SearchHit, type SearchRequest, type VectorStore } from '@onramp/search';
import type { Authenticate, Caller } from './authenticate.js';
import { SEARCH_BODY_LIMIT, searchRouteSchema, type SearchBody } from './search-schemas.js';

export interface SearchAppDeps {
  embedder: Embedder;
  store: VectorStore;
  /**
   * Embeds and searches together, pinning the index whose model embedded the query (SearchRuntime.query);
   * without it, the embedder and the store are used as given.
   */
  query?: (request: Omit<SearchRequest, 'vector' | 'index'>) => Promise<{ hits: SearchHit[]; embedder: string; index: string | undefined }>;
  authenticate: Authenticate;
  logger: Logger;
  registry: Registry;
  checks: ReadinessChecks;
  /** When set, /metrics requires it as bearer token (the admin token in production). */
  metricsToken?: string | undefined;
  /** Query vectors remembered (@onramp/search query-embedding-cache.ts) when no pinned query is given; 0 embeds every query. */
  queryCacheEntries?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

function publicHit(hit: SearchHit): Record<string, unknown> {
  const uri = hit.fields?.uri;
  return {
    id: hit.id,
    score: Number(hit.score.toFixed(6)),
    kind: hit.kind,
    title: hit.title,
    snippet: hit.snippet,
    ...(hit.department === undefined ? {} : { department: hit.department }),
    ...(typeof uri === 'string' ? { uri } : {}),
    ...(hit.fields === undefined ? {} : { fields: hit.fields }),
  };
}

export async function buildSearchApp(deps: SearchAppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: SEARCH_BODY_LIMIT,
    logger: false,
    // Reject what the schema does not allow instead of quietly dropping or converting it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  traceRequests(app, 'onramp-search-api');
  registerProblemHandlers(app, deps.logger);
  await app.register(swagger, {
    openapi: {
      info: { title: 'onramp search-api', version: '1', description: 'Search over people and documents, filtered by the caller’s groups.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerOpsRoutes(app, deps.registry, deps.checks, { metricsToken: deps.metricsToken });

  const latency = new Histogram({
    name: 'onramp_search_request_duration_seconds',
    help: 'Time to answer POST /search, by mode',
    labelNames: ['mode'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [deps.registry],
  });

  const queryVectors = createQueryEmbeddingCache(deps.embedder, deps.queryCacheEntries);
  app.post<{ Body: SearchBody }>('/search', {
    schema: searchRouteSchema,
    onRequest: async (request) => {
      request.caller = await deps.authenticate(request.headers.authorization);
    },
    handler: async (request, reply) => {
      const started = performance.now();
      const { query, k, mode, filter = {} } = request.body;
      const searchFilter: SearchFilter = { groups: request.caller!.groups };
      if (filter.kind !== undefined) searchFilter.kind = filter.kind;
      if (filter.department !== undefined) searchFilter.department = filter.department;
      const searchRequest: SearchRequest = { query, k, mode, filter: searchFilter };
      let hits: SearchHit[];
      if (deps.query !== undefined) {
        const answer = await deps.query(searchRequest);
        hits = answer.hits;
        // Which model embedded the query and which index answered it: they always belong together.
        reply.header('onramp-embedder', answer.embedder);
        if (answer.index !== undefined) reply.header('onramp-index', answer.index);
      } else {
        if (mode !== 'keyword') searchRequest.vector = await queryVectors.embed(query);
        hits = await deps.store.search(searchRequest);
      }
      const seconds = (performance.now() - started) / 1000;
      latency.observe({ mode }, seconds);
      return { hits: hits.map(publicHit), took_ms: Number((seconds * 1000).toFixed(3)) };
    },
  });
  return app;
}
