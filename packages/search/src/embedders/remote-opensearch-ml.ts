// The `opensearch-ml` embedder: a text-embedding model deployed in the cluster's ML Commons plugin,
// `POST /_plugins/_ml/_predict/text_embedding/<model id>` with `text_docs`, answered with one
// `sentence_embedding` output per document.
import { errors, type Client } from '@opensearch-project/opensearch';
import { PermanentError } from '@onramp/core';
import type { Embedder } from '../ports.js';
import { TransientFailure, inBatches, toVectors, withRetries } from './remote-call.js';

export interface OpenSearchMlEmbedderOptions {
  client: Client;
  modelId: string;
  dimension?: number;
  batchSize?: number;
  timeoutMs?: number;
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface PredictOutput {
  name?: string;
  data?: unknown;
}

const PROVIDER = 'OpenSearch ML';

export function createOpenSearchMlEmbedder(options: OpenSearchMlEmbedderOptions): Embedder {
  const dimension = options.dimension ?? 768;
  const batchSize = options.batchSize ?? 32;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function attempt(textDocs: string[]): Promise<Float32Array[]> {
    let body;
    try {
      const response = await options.client.ml.predict(
        {
          algorithm_name: 'text_embedding',
          model_id: options.modelId,
          body: { text_docs: textDocs, return_number: true, target_response: ['sentence_embedding'] },
        },
        // Retries are ours (with backoff and 429s); the client would retry at once.
        { requestTimeout: timeoutMs, maxRetries: 0 },
      );
      body = response.body;
    } catch (error) {
      if (error instanceof errors.ResponseError) {
        const reason = JSON.stringify(error.body ?? {}).slice(0, 200);
        if (error.statusCode === 429 || error.statusCode >= 500) throw new TransientFailure(`HTTP ${error.statusCode}: ${reason}`);
        throw new PermanentError(`${PROVIDER} predict for model ${options.modelId} failed with HTTP ${error.statusCode}: ${reason}`, 'embedding_rejected');
      }
      throw new TransientFailure(`request failed: ${(error as Error).message}`);
    }
    const vectors = (body.inference_results ?? []).map((result) => {
      const outputs = (result.output ?? []) as PredictOutput[];
      return (outputs.find((o) => o.name === 'sentence_embedding') ?? outputs[0])?.data;
    });
    return toVectors(PROVIDER, vectors, textDocs.length, dimension);
  }

  return {
    name: `opensearch-ml:${options.modelId}`,
    dimension,
    async embed(texts) {
      const vectors: Float32Array[] = [];
      for (const batch of inBatches(texts, batchSize)) {
        const policy = { maxRetries: options.maxRetries ?? 4, ...(options.sleep === undefined ? {} : { sleep: options.sleep }) };
        vectors.push(...(await withRetries(`${PROVIDER} predict`, () => attempt(batch), policy)));
      }
      return vectors;
    },
  };
}
