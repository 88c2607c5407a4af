// One log line for every request answered 4xx or 5xx, so rejected requests (bad token, invalid event, too
// large) can be seen and counted. It names the route pattern, never the URL: a query string or a path
// segment may carry a name or an address. Successful requests are counted in /metrics, not logged.
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';

export function registerAccessLog(app: FastifyInstance, logger: Logger): void {
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    if (status < 400) return;
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? '(no route)',
      status,
      ms: Math.round(reply.elapsedTime),
    };
    if (status >= 500) logger.error(line, 'failed request');
    else logger.info(line, 'request rejected');
  });
}
