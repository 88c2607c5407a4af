// A local OpenAI-compatible embeddings service as PAI-EAS exposes it: `POST /v1/embeddings` with
// `{input, model}`, token in `Authorization`, 401 without it, and scripted answers (429 with Retry-After,
// 503, a hang, a wrong dimension) for the next requests.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeEmbedding } from './fake-opensearch.js';

export type Script = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang' | { dimension: number };

export interface FakeEmbeddingsService {
  url: string;
  requests: { path: string; authorization: string | undefined; body: { input: string[]; model?: string } }[];
  /** Answers for the next requests, in order; then normal answers. */
  script: Script[];
  close(): Promise<void>;
}

export async function startFakeEmbeddings(options: { token: string; dimension: number; basePath?: string }): Promise<FakeEmbeddingsService> {
  const base = options.basePath ?? '/api/predict/bge_m3';
  const service: FakeEmbeddingsService = { url: '', requests: [], script: [], close: async () => {} };
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== `${base}/v1/embeddings`) return json(404, { error: { message: 'not found', type: 'invalid_request_error' } });
      if (req.headers.authorization !== options.token) {
        // EAS gateway: the token is the whole header value.
        res.writeHead(401, { 'content-type': 'text/plain' });
        return res.end('Authorization Failed');
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[]; model?: string };
      service.requests.push({ path: req.url, authorization: req.headers.authorization, body });
      const step = service.script.shift();
      if (step === 'hang') return;
      if (step !== undefined && 'status' in step) return json(step.status, step.body ?? { error: { message: 'scripted', type: 'server_error' } }, step.headers);
      const dimension = step !== undefined && 'dimension' in step ? step.dimension : options.dimension;
      if (!Array.isArray(body.input) || body.input.length === 0) return json(400, { error: { message: "'input' must be a non-empty list", type: 'invalid_request_error' } });
      // Shuffled on purpose: clients must order by `index`, not by position.
      const data = body.input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text, dimension) })).reverse();
      json(200, { object: 'list', data, model: body.model ?? 'bge-m3', usage: { prompt_tokens: body.input.length, total_tokens: body.input.length } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${base}`;
  service.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return service;
}
