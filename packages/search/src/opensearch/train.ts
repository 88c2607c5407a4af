// `onramp train`: trains a faiss IVF+PQ model from vectors already in an index, for corpora too large for
// HNSW graphs in memory. Training runs in the cluster; we start it, then poll the model until it is
// `created` or `failed`. IVF in faiss has no cosinesimil: the stored vectors are unit length (see
// vectors.ts), so innerproduct ranks exactly as cosine does.
import type { Client } from '@opensearch-project/opensearch';
import { OnrampError } from '@onramp/core';
import { openSearchError } from './errors.js';

export interface TrainKnnModelOptions {
  modelId: string;
  trainingIndex: string;
  trainingField: string;
  dimension?: number;
  spaceType?: 'innerproduct' | 'l2';
  /** IVF lists (centroids); about the square root of the corpus size is the usual start. */
  nlist?: number;
  /** Lists probed per query. */
  nprobes?: number;
  /** PQ sub-vectors; must divide the dimension. */
  pqM?: number;
  /** Bits per PQ sub-vector code; training needs at least 2^codeSize vectors. */
  codeSize?: number;
  maxTrainingVectorCount?: number;
  description?: string;
  timeoutMs?: number;
  pollIntervalMs?: number;
  onState?: (state: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface TrainedKnnModel {
  modelId: string;
  state: 'created';
  description: string | undefined;
  elapsedMs: number;
}

export class KnnTrainingFailed extends OnrampError {
  constructor(modelId: string, reason: string) {
    super('knn_training_failed', `k-NN model ${modelId} failed to train: ${reason}`);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function trainingRequest(options: TrainKnnModelOptions) {
  const dimension = options.dimension ?? 768;
  const pqM = options.pqM ?? 96;
  const codeSize = options.codeSize ?? 8;
  if (dimension % pqM !== 0) throw new RangeError(`PQ m (${pqM}) must divide the dimension (${dimension})`);
  return {
    model_id: options.modelId,
    body: {
      training_index: options.trainingIndex,
      training_field: options.trainingField,
      dimension,
      description: options.description ?? `onramp IVF-PQ model, ${dimension} dimensions`,
      ...(options.maxTrainingVectorCount === undefined ? {} : { max_training_vector_count: options.maxTrainingVectorCount }),
      method: {
        name: 'ivf',
        engine: 'faiss',
        space_type: options.spaceType ?? 'innerproduct',
        parameters: {
          nlist: options.nlist ?? 1024,
          nprobes: options.nprobes ?? 16,
          encoder: { name: 'pq', parameters: { m: pqM, code_size: codeSize } },
        },
      },
    },
  };
}

interface ModelState {
  model_id?: string;
  state?: string;
  error?: string;
  description?: string;
}

export async function trainKnnModel(client: Client, options: TrainKnnModelOptions): Promise<TrainedKnnModel> {
  const sleep = options.sleep ?? delay;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 60 * 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const request = trainingRequest(options);
  const started = now();
  try {
    await client.knn.trainModel(request);
  } catch (error) {
    throw openSearchError('knn.train_model', error);
  }
  options.onState?.('training');
  for (;;) {
    let model: ModelState;
    try {
      // filter_path: the model blob can be hundreds of megabytes, and we only need its state.
      const response = await client.knn.getModel({ model_id: options.modelId, filter_path: ['model_id', 'state', 'error', 'description'] });
      model = response.body as ModelState;
    } catch (error) {
      throw openSearchError('knn.get_model', error);
    }
    if (model.state === 'created') return { modelId: options.modelId, state: 'created', description: model.description, elapsedMs: now() - started };
    if (model.state === 'failed') throw new KnnTrainingFailed(options.modelId, model.error || 'no reason given');
    options.onState?.(model.state ?? 'unknown');
    if (now() - started + pollIntervalMs > timeoutMs) {
      throw new OnrampError('knn_training_timeout', `k-NN model ${options.modelId} is still ${model.state ?? 'training'} after ${Math.round(timeoutMs / 1000)} s; training goes on in the cluster, check GET /_plugins/_knn/models/${options.modelId}`);
    }
    await sleep(pollIntervalMs);
  }
}
