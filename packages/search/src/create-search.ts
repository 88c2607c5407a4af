// Chooses the embedder and the store from `Config.search` and wires them together: the local embedder
// and the embedded store by default, OpenSearch or Elasticsearch and the remote embedders (PAI-EAS, ML Commons)
// when configured.
import { join } from 'node:path';
import type { Config, Logger } from '@onramp/core';
import { createEmbeddedStore } from './embedded/embedded-store.js';
import { searchableText } from './embedded/generation.js';
import { readGenerationAlias } from './embedded/generation-alias.js';
import { SearchError } from './errors.js';
import { createLocalEmbedder, type LocalEmbedder } from './embedders/local-embedder.js';
import { createOpenSearchMlEmbedder } from './embedders/remote-opensearch-ml.js';
import { createPaiEasEmbedder } from './embedders/remote-pai-eas.js';
import { createOpenSearchClient } from './opensearch/client.js';
import { createOpenSearchStore } from './opensearch/create-opensearch-store.js';
import { trainLocalModel } from './embedders/local-lsa-train.js';
import { hashModel, type LocalModel } from './embedders/local-model.js';
import { loadLocalModel, readCurrentModelName, saveLocalModel, writeCurrentModelName } from './embedders/local-model-store.js';
import type { Embedder, IndexedItem, VectorStore } from './ports.js';

export type SearchConfig = Config['search'];

/** The adapters that talk to servers (OpenSearch, Elasticsearch, PAI-EAS); tests may replace them. */
export interface SearchAdapters {
  openSearchStore?: (config: SearchConfig, logger: Logger) => VectorStore;
  /** Loaded only when chosen: the Elasticsearch client is a large import every other process can skip. */
  elasticsearchStore?: (config: SearchConfig, logger: Logger) => Promise<VectorStore>;
  remoteEmbedder?: (config: SearchConfig, logger: Logger) => Embedder;
}

function openSearchClient(config: SearchConfig) {
  return createOpenSearchClient({
    url: config.opensearchUrl!, // required by config when either OpenSearch adapter is chosen
    username: config.opensearchUsername,
    password: config.opensearchPassword,
  });
}

const SERVER_ADAPTERS: Required<SearchAdapters> = {
  openSearchStore: (config, logger) =>
    createOpenSearchStore({
      client: openSearchClient(config),
      index: config.opensearchIndex,
      knn: config.knn,
      replicas: config.opensearchReplicas,
      hybridFusion: config.opensearchHybridFusion,
      logger: logger.child({ component: 'opensearch-store' }),
    }),
  elasticsearchStore: async ({ elasticsearch: es }, logger) =>
    (await import('./elasticsearch/create-elasticsearch-store.js')).createElasticsearchStore({
      url: es.url!, // required by config when SEARCH_BACKEND=elasticsearch
      username: es.username,
      password: es.password,
      index: es.index,
      replicas: es.replicas,
      hybrid: es.hybrid,
      vector: { indexType: es.indexType, m: es.m, efConstruction: es.efConstruction, numCandidates: es.numCandidates },
      logger: logger.child({ component: 'elasticsearch-store' }),
    }),
  remoteEmbedder: (config) => {
    const common = { dimension: config.embeddingDimension, batchSize: config.embeddingBatchSize, timeoutMs: config.embeddingTimeoutMs };
    if (config.embeddingProvider === 'pai-eas') {
      return createPaiEasEmbedder({ url: config.paiEasUrl!, token: config.paiEasToken, model: config.paiEasModel, ...common });
    }
    return createOpenSearchMlEmbedder({ client: openSearchClient(config), modelId: config.opensearchModelId!, ...common });
  },
};

export interface TrainedEmbedder {
  embedder: Embedder;
  /** Records the model as current (once the index built with it is live). */
  commit(): Promise<void>;
}

export interface SearchRuntime {
  embedder: Embedder;
  store: VectorStore;
  /** Learns a new embedder from the corpus, for a reindex; absent for embedders that do not learn. */
  train?: (texts: string[]) => Promise<TrainedEmbedder>;
  close(): Promise<void>;
}

/** `$ONRAMP_HOME/search`: the embedded indexes and the local models. */
export function searchHome(home: string): string {
  return join(home, 'search');
}

async function reembedWith(embedder: Embedder, items: IndexedItem[]): Promise<IndexedItem[]> {
  const vectors = await embedder.embed(items.map(searchableText), 'passage');
  return items.map((item, i) => ({ ...item, vector: vectors[i]! }));
}

export async function createSearch(config: Config, logger: Logger, adapters: SearchAdapters = SERVER_ADAPTERS): Promise<SearchRuntime> {
  const home = searchHome(config.home);
  const modelsDir = join(home, 'models');
  const { search } = config;
  let embedder: Embedder;
  let train: SearchRuntime['train'];
  let local: LocalEmbedder | undefined;
  const models = new Map<string, LocalModel>();
  const modelNamed = async (name: string) => {
    let model = models.get(name);
    if (model === undefined) models.set(name, (model = await loadLocalModel(modelsDir, name)));
    return model;
  };

  if (search.embeddingProvider === 'local') {
    // The model is the one the live index was built with, so that queries and index agree.
    const wanted = search.backend === 'embedded' ? await readGenerationAlias(home) : await readCurrentModelName(modelsDir);
    const current = createLocalEmbedder(wanted === undefined ? hashModel() : await modelNamed(wanted));
    embedder = local = current;
    train = async (texts) => {
      const model = trainLocalModel(texts);
      await saveLocalModel(modelsDir, model);
      models.set(model.name, model);
      return {
        embedder: createLocalEmbedder(model),
        async commit() {
          current.use(model);
          await writeCurrentModelName(modelsDir, model.name);
        },
      };
    };
  } else {
    if (adapters.remoteEmbedder === undefined) {
      throw new SearchError('adapter_missing', `EMBEDDING_PROVIDER=${search.embeddingProvider} is not available in this build`);
    }
    embedder = adapters.remoteEmbedder(search, logger);
  }

  let store: VectorStore;
  if (search.backend === 'embedded') {
    store = createEmbeddedStore({
      directory: home,
      logger: logger.child({ component: 'embedded-store' }),
      async prepareEmbedder(meta) {
        if (local === undefined) return () => undefined;
        const model = await modelNamed(meta.embedder);
        return () => local?.use(model);
      },
      async reembed(items, name) {
        return reembedWith(createLocalEmbedder(await modelNamed(name)), items);
      },
    });
  } else {
    const adapter = search.backend === 'elasticsearch' ? adapters.elasticsearchStore : adapters.openSearchStore;
    if (adapter === undefined) throw new SearchError('adapter_missing', `SEARCH_BACKEND=${search.backend} is not available in this build`);
    store = await adapter(search, logger);
  }
  return { embedder, store, ...(train === undefined ? {} : { train }), close: () => store.close() };
}
