// `onramp train`: trains the faiss IVF-PQ k-NN model of the seed design from the vectors already indexed,
// for corpora too large for in-memory HNSW graphs. Needs SEARCH_BACKEND=opensearch's OPENSEARCH_URL.
import { ConfigError, type Config } from '@onramp/core';
import { createOpenSearchClient, trainKnnModel, type TrainKnnModelOptions } from '@onramp/search';
import type { Io } from './context.js';

export interface TrainFlags {
  modelId?: string | undefined;
  trainingIndex?: string | undefined;
  field?: string | undefined;
  nlist?: number | undefined;
}

export async function trainCommand(
  config: Config,
  io: Io,
  flags: TrainFlags,
  tuning: Pick<TrainKnnModelOptions, 'pollIntervalMs' | 'timeoutMs' | 'sleep'> = {},
): Promise<void> {
  const url = config.search.opensearchUrl;
  if (url === undefined) throw new ConfigError(['OPENSEARCH_URL is required for onramp train']);
  const client = createOpenSearchClient({ url, username: config.search.opensearchUsername, password: config.search.opensearchPassword });
  try {
    const modelId = flags.modelId ?? 'onramp-ivfpq';
    const named = flags.trainingIndex ?? config.search.opensearchIndex;
    // The training API reads one index; our data sits behind an alias, so resolve it to the index it names.
    const concrete = Object.keys((await client.indices.get({ index: named })).body);
    const trainingIndex = concrete.length === 1 ? concrete[0]! : named;
    io.out(`training k-NN model ${modelId} from ${trainingIndex}.${flags.field ?? 'vector'} (${config.search.embeddingDimension} dimensions, faiss IVF-PQ)`);
    let last = '';
    const model = await trainKnnModel(client, {
      ...tuning,
      modelId,
      trainingIndex,
      trainingField: flags.field ?? 'vector',
      dimension: config.search.embeddingDimension,
      ...(flags.nlist === undefined ? {} : { nlist: flags.nlist }),
      onState: (state) => {
        if (state !== last) io.out(`  ${state}…`);
        last = state;
      },
    });
    io.out(`model ${model.modelId} created in ${Math.round(model.elapsedMs / 1000)} s`);
  } finally {
    await client.close();
  }
}
