// Wires search-api for a process: the caller authentication from config (disabled only on request, and
// then loudly), the search runtime, and the HTTP listener.
import { createRegistry, metricsToken, type Config, type Logger } from '@onramp/core';
import type { SearchRuntime } from '@onramp/search';
import { createAuthenticator, type Authenticate } from './authenticate.js';
import { buildSearchApp } from './search-app.js';

export const AUTH_DISABLED_WARNING = 'SEARCH_AUTH=disabled: callers are not authenticated and every caller may read every document';

/**
 * The caller authentication the configuration asks for; ConfigError when it cannot be had. Cheap and
 * offline (a JWKS is fetched on the first request), so `onramp start` checks it before starting anything.
 */
export function searchApiAuthenticator(config: Config): Authenticate {
  const { search } = config;
  return createAuthenticator({
    mode: search.auth,
    jwksUrl: search.jwksUrl,
    jwtSecret: search.jwtSecret,
    audience: search.jwtAudience,
    issuer: search.jwtIssuer,
  });
}

export interface RunningSearchApi {
  url: string;
  auth: Config['search']['auth'];
  close(): Promise<void>;
}

export async function startSearchApi(
  config: Config,
  deps: { logger: Logger; search: SearchRuntime; host?: string },
): Promise<RunningSearchApi> {
  const logger = deps.logger.child({ service: 'search-api' });
  const { search } = config;
  const authenticate = searchApiAuthenticator(config);
  if (search.auth === 'disabled') logger.warn({ production: config.production }, AUTH_DISABLED_WARNING);
  const { embedder, store } = deps.search;
  await store.open({ name: embedder.name, dimension: embedder.dimension });
  const app = await buildSearchApp({
    embedder,
    store,
    ...(deps.search.query === undefined ? {} : { query: deps.search.query }),
    authenticate,
    logger,
    registry: createRegistry('search-api'),
    checks: { index: () => store.search({ query: 'readiness', k: 1, mode: 'keyword', filter: { groups: 'all' } }) },
    metricsToken: metricsToken(config, config.adminToken),
  });
  const url = await app.listen({ port: search.port, host: deps.host ?? config.search.host });
  logger.info({ url, auth: search.auth, backend: search.backend, embedder: embedder.name }, 'search-api listening');
  return { url, auth: search.auth, close: () => app.close() };
}
