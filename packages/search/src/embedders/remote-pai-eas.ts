// The `pai-eas` embedder: an embedding model deployed on Alibaba Cloud PAI-EAS behind its OpenAI-compatible
// API, `POST <service URL>/v1/embeddings` → `{data: [{embedding, index}]}`. EAS authenticates with the
// service token as the whole `Authorization` header value (no `Bearer` prefix), as its own SDKs send it.
import { PermanentError } from '@onramp/core';
import type { Embedder } from '../ports.js';
import { TransientFailure, inBatches, retryAfterMs, toVectors, withRetries } from './remote-call.js';

export interface PaiEasEmbedderOptions {
  /** The service endpoint, e.g. `http://<id>.cn-hangzhou.pai-eas.aliyuncs.com/api/predict/<service>`. */
  url: string;
  token?: string | undefined;
  /** Sent as `model`; the served model's name where the service hosts more than one. */
  model?: string | undefined;
  dimension?: number;
  /** Inputs per request. */
  batchSize?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** Instruction prefixes for asymmetric models (e.g. E5's `query: ` / `passage: `). */
  queryPrefix?: string;
  passagePrefix?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

interface EmbeddingsResponse {
  data?: { embedding?: unknown; index?: number }[];
}

const PROVIDER = 'PAI-EAS';

export function createPaiEasEmbedder(options: PaiEasEmbedderOptions): Embedder {
  const endpoint = `${options.url.replace(/\/+$/, '')}/v1/embeddings`;
  const dimension = options.dimension ?? 768;
  const batchSize = options.batchSize ?? 32;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const send = options.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.token !== undefined) headers.authorization = options.token;

  async function attempt(input: string[]): Promise<Float32Array[]> {
    let response: Response;
    let text: string;
    try {
      response = await send(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ input, ...(options.model === undefined ? {} : { model: options.model }) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const name = (error as Error).name;
      throw new TransientFailure(name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `request failed: ${(error as Error).message}`);
    }
    if (response.status === 429 || response.status === 408 || response.status >= 500) {
      throw new TransientFailure(`HTTP ${response.status}`, retryAfterMs(response.headers.get('retry-after')));
    }
    if (!response.ok) {
      throw new PermanentError(`${PROVIDER} embeddings rejected the request with HTTP ${response.status}: ${text.slice(0, 200)}`, 'embedding_rejected');
    }
    let body: EmbeddingsResponse;
    try {
      body = JSON.parse(text) as EmbeddingsResponse;
    } catch {
      throw new PermanentError(`${PROVIDER} embeddings answered with something that is not JSON`, 'embedding_bad_response');
    }
    const data = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return toVectors(PROVIDER, data.map((d) => d.embedding), input.length, dimension);
  }

  return {
    name: `pai-eas:${options.model ?? 'default'}`,
    dimension,
    async embed(texts, purpose) {
      const prefix = (purpose === 'query' ? options.queryPrefix : options.passagePrefix) ?? '';
      const vectors: Float32Array[] = [];
      for (const batch of inBatches(texts.map((t) => prefix + t), batchSize)) {
        const policy = { maxRetries: options.maxRetries ?? 4, ...(options.sleep === undefined ? {} : { sleep: options.sleep }) };
        vectors.push(...(await withRetries(`${PROVIDER} embeddings`, () => attempt(batch), policy)));
      }
      return vectors;
    },
  };
}
