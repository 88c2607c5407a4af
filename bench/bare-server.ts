// The ceiling for ingest: Fastify answering 202 to the same requests, doing no work at all.
import Fastify from 'fastify';

const app = Fastify({ bodyLimit: 1024 * 1024 });
app.addContentTypeParser(['application/cloudevents+json', 'application/cloudevents-batch+json'], { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
app.post('/events', async (_request, reply) => reply.code(202).send({ appended: 1 }));
const url = await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening on ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
