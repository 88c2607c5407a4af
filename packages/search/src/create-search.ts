// Chooses the embedder and the store from `Config.search` and wires them together: the local embedder
// and the embedded store by default, OpenSearch or Elasticsearch and the remote embedders (PAI-EAS, ML Commons)
// when configured. With a remote store and the local embedder, the model is the one the live index names,
// loaded from the engine's models index (cached on disk by name) and followed across alias swaps.
import { join } from 'node:path';
import type { Config, Logger } from '@onramp/core';
import { createEmbeddedStore } from './embedded/embedded-store.js';
import { searchableText } from './embedded/generation.js';
import { readGenerationAlias } from './embedded/generation-alias.js';
import { IndexGone, IndexMismatch, SearchError } from './errors.js';
import { createQueryEmbeddingCache } from './query-embedding-cache.js';
import { createLocalEmbedder, type LocalEmbedder } from './embedders/local-embedder.js';
import { createOpenSearchMlEmbedder } from './embedders/remote-opensearch-ml.js';
import { createPaiEasEmbedder } from './embedders/remote-pai-eas.js';
import { createOpenSearchClient } from './opensearch/client.js';
import { createOpenSearchStore } from './opensearch/create-opensearch-store.js';
import { trainLocalModel } from './embedders/local-lsa-train.js';
import { decodeModel, encodeModel } from './embedders/local-model-codec.js';
import { embedWithModel, hashModel, type LocalModel } from './embedders/local-model.js';
import { loadLocalModel, saveLocalModel, writeCurrentModelName } from './embedders/local-model-store.js';
import { createLiveModel, isLocalModelName, type LiveModel } from './live-model.js';
import { modelsIndex } from './models-index.js';
import type { Embedder, IndexedItem, SearchHit, SearchRequest, SharedIndex, VectorStore } from './ports.js';

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

/** A query's answer, with the model that embedded it and the index it searched (they always belong together). */
export interface QueryAnswer {
  hits: SearchHit[];
  embedder: string;
  /** The concrete index searched; undefined when the store searches its alias (embedded store, remote embedder). */
  index: string | undefined;
}

/** How often a host reads the alias to notice a swap made by another host. */
export const LIVE_INDEX_POLL_MS = 1000;

export interface SearchRuntime {
  embedder: Embedder;
  store: VectorStore;
  /**
   * Embeds the query with the model of the index it searches, and searches that index (always set by
   * createSearch; optional for runtimes assembled by hand, which search-api then uses as embedder + store).
   */
  query?(request: Omit<SearchRequest, 'vector' | 'index'>): Promise<QueryAnswer>;
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

/** Says which variables to change when the live index and the configured embedder cannot go together. */
function explainMismatch(search: SearchConfig, alias: string, cause: IndexMismatch): IndexMismatch {
  if (search.embeddingProvider === 'local') return cause;
  const model = search.embeddingProvider === 'pai-eas' ? `PAI_EAS_MODEL=${search.paiEasModel ?? '(unset)'}` : `OPENSEARCH_MODEL_ID=${search.opensearchModelId ?? '(unset)'}`;
  const mismatch = new IndexMismatch(
    `${cause.message} (EMBEDDING_PROVIDER=${search.embeddingProvider}, ${model}, EMBEDDING_DIMENSION=${search.embeddingDimension}, index alias "${alias}"): ` +
      'a remote embedder must declare the model and dimension the live index was built with',
  );
  return Object.assign(mismatch, { cause });
}

function aliasOf(search: SearchConfig): string {
  return search.backend === 'elasticsearch' ? search.elasticsearch.index : search.opensearchIndex;
}

export async function createSearch(config: Config, logger: Logger, adapters: SearchAdapters = SERVER_ADAPTERS): Promise<SearchRuntime> {
  const home = searchHome(config.home);
  const modelsDir = join(home, 'models');
  const { search } = config;
  let embedder: Embedder;
  let train: SearchRuntime['train'];
  let local: LocalEmbedder | undefined;
  const models = new Map<string, LocalModel>();
  let shared: SharedIndex | undefined;

  /** A model by name: memory, then this host's cache, then (remote stores) the engine's models index. */
  const modelNamed = async (name: string) => {
    let model = models.get(name);
    if (model !== undefined) return model;
    try {
      model = await loadLocalModel(modelsDir, name);
    } catch (error) {
      if (shared === undefined || (error as SearchError).code !== 'model_missing') throw error;
      const stored = await shared.models.get(name);
      if (stored === undefined) {
        throw new SearchError('model_missing', `the live search index names local model ${name}, which is not in the ${modelsIndex(aliasOf(search))} index; run \`onramp reindex\` to train and store one`);
      }
      model = decodeModel(stored, name);
      // The name is a hash of the content: a cached copy can never be stale.
      await saveLocalModel(modelsDir, model);
    }
    models.set(name, model);
    return model;
  };

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
    shared = store.shared;
  }

  let live: LiveModel | undefined;
  if (search.embeddingProvider === 'local') {
    // The model is the one the live index was built with, so that queries and index agree: the embedded
    // store's live.json (one host), or the remote alias's index metadata (every host reads the same).
    let wanted: string | undefined;
    if (shared === undefined) wanted = await readGenerationAlias(home);
    else {
      const current = await shared.live();
      // An index of another embedder, or of a model the engine lacks, stays for `open` to refuse (and reindex to replace).
      if (current !== undefined && isLocalModelName(current.embedder)) wanted = await modelNamed(current.embedder).then((m) => m.name, (error: unknown) => {
        logger.error({ index: current.index, embedder: current.embedder, err: (error as Error).message }, 'the live index names a local model this host cannot load');
        return undefined;
      });
    }
    const current = createLocalEmbedder(wanted === undefined ? hashModel() : await modelNamed(wanted));
    local = current;
    if (shared !== undefined) {
      live = createLiveModel({
        shared,
        modelNamed,
        onSwitch: (model) => current.use(model),
        alias: aliasOf(search),
        pollMs: LIVE_INDEX_POLL_MS,
        logger: logger.child({ component: 'live-model' }),
      });
      const follow = live;
      // Passages go to the alias: embed them with the model of the index it points at right now.
      embedder = {
        get name() {
          return current.name;
        },
        get dimension() {
          return current.dimension;
        },
        async embed(texts, purpose) {
          const model = purpose === 'passage' ? (await follow.pin(true)).model : current.model;
          return texts.map((text) => embedWithModel(model, text));
        },
      };
    } else embedder = current;
    const stored = shared;
    train = async (texts) => {
      const model = trainLocalModel(texts);
      await saveLocalModel(modelsDir, model);
      // Before the index naming it exists, so that every host can load it the moment the alias moves.
      if (stored !== undefined && model.kind === 'lsa') await stored.models.put(encodeModel(model));
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
    if (shared !== undefined) {
      const open = store.open.bind(store);
      const alias = aliasOf(search);
      store = Object.assign(Object.create(store) as VectorStore, {
        async open(identity: { name: string; dimension: number }) {
          try {
            await open(identity);
          } catch (error) {
            throw error instanceof IndexMismatch ? explainMismatch(search, alias, error) : error;
          }
        },
      });
    }
  }

  const plain = embedder;
  // A query asked again is not embedded again (the remote embedders' round trip, the local model's work).
  const queryVectors = createQueryEmbeddingCache(plain);
  const query: SearchRuntime['query'] = async (request) => {
    if (live === undefined) {
      const vector = request.mode === 'keyword' ? undefined : await queryVectors.embed(request.query);
      return { hits: await store.search({ ...request, ...(vector === undefined ? {} : { vector }) }), embedder: plain.name, index: undefined };
    }
    for (let attempt = 0; ; attempt++) {
      const pin = await live.pin(attempt > 0);
      const vector = request.mode === 'keyword' ? undefined : embedWithModel(pin.model, request.query);
      try {
        const hits = await store.search({ ...request, ...(vector === undefined ? {} : { vector }), ...(pin.index === undefined ? {} : { index: pin.index }) });
        return { hits, embedder: pin.model.name, index: pin.index };
      } catch (error) {
        // The pinned index was swapped out and deleted meanwhile: read the alias again, embed again.
        if (!(error instanceof IndexGone) || attempt > 0) throw error;
      }
    }
  };
  return { embedder, store, query, ...(train === undefined ? {} : { train }), close: () => store.close() };
}
