// The `opensearch` VectorStore. Everything goes through an alias (`onramp` by default) in front of a concrete
// index (`onramp-<n>`), so a rebuild fills a fresh index and swaps the alias in one `_aliases` call.
import { errors, type API, type Client } from '@opensearch-project/opensearch';
import { OnrampError, silentLogger, type Logger } from '@onramp/core';
import { IndexGone } from '../errors.js';
import type { RebuildTarget, SearchHit, SearchRequest, StoredModel, VectorStore } from '../ports.js';
import { modelsIndex, modelsIndexBody, sharedIndex } from '../models-index.js';
import { createOpenSearchClient, type OpenSearchConnection } from './client.js';
import { BulkRejected, BulkThrottled, SearchIndexMismatch, openSearchError, type BulkItemFailure } from './errors.js';
import { DEFAULT_KNN, MAPPING_VERSION, VECTOR_FIELD, indexTemplate, templateName, type EmbedderIdentity, type IndexLayout, type KnnOptions } from './index-template.js';
import { fuseHits } from './client-fusion.js';
import { HYBRID_CANDIDATES, hybridPipeline, searchRequest, toSearchHits } from './search-query.js';
import { toStoredDocument } from '../stored-document.js';
import { deleteReplaced, swapAlias, type AliasSwapCalls } from '../alias-swap.js';

export interface OpenSearchStoreOptions extends Partial<OpenSearchConnection> {
  /** An existing client (not closed by the store); otherwise one is made from `url`. */
  client?: Client;
  /** The alias searches and writes go through; concrete indices are `<index>-<suffix>`. */
  index: string;
  knn?: Partial<KnnOptions>;
  /** Weights of the BM25 and k-NN halves of a hybrid query; they must add up to 1. */
  hybridWeights?: { keyword: number; vector: number };
  /**
   * Who fuses hybrid scores. `pipeline`: the neural-search plugin's normalization processor (a `hybrid` query);
   * `client`: onramp, from a BM25 and a k-NN search; `auto` (default): the pipeline when the cluster accepts it.
   */
  hybridFusion?: 'auto' | 'pipeline' | 'client';
  shards?: number;
  replicas?: number;
  /** Documents per `_bulk` request. */
  bulkSize?: number;
  logger?: Logger;
  /** Names rebuilt indices; injectable for tests. */
  now?: () => number;
}

interface ExistingIndex {
  name: string;
  embedder: string | undefined;
  dimension: number | undefined;
  mappingVersion: number | undefined;
  method: { engine?: string; space_type?: string } | undefined;
}

const isStatus = (error: unknown, status: number) => error instanceof errors.ResponseError && error.statusCode === status;
const errorType = (error: unknown) => (error instanceof errors.ResponseError ? (error.body as { error?: { type?: string } })?.error?.type : undefined);
const errorReason = (error: unknown) => (error instanceof errors.ResponseError ? ((error.body as { error?: { reason?: string } })?.error?.reason ?? '') : '');
/** What OpenSearch answers a search pipeline naming a processor no installed plugin provides. */
const noNormalizationProcessor = (error: unknown) => isStatus(error, 400) && /invalid processor type normalization-processor/i.test(errorReason(error));

export function createOpenSearchStore(options: OpenSearchStoreOptions): VectorStore {
  if (options.client === undefined && options.url === undefined) throw new TypeError('createOpenSearchStore needs a client or a url');
  const client = options.client ?? createOpenSearchClient(options as OpenSearchConnection);
  const alias = options.index;
  const layout: IndexLayout = { alias, shards: options.shards ?? 1, replicas: options.replicas ?? 1, knn: { ...DEFAULT_KNN, ...options.knn } };
  const weights = options.hybridWeights ?? { keyword: 0.3, vector: 0.7 };
  if (Math.abs(weights.keyword + weights.vector - 1) > 1e-6) throw new RangeError('hybrid weights must add up to 1');
  const pipeline = `${alias}-hybrid`;
  const bulkSize = options.bulkSize ?? 500;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const hybridFusion = options.hybridFusion ?? 'auto';

  let fusion: 'pipeline' | 'client' = hybridFusion === 'client' ? 'client' : 'pipeline';
  let embedder: EmbedderIdentity | undefined;
  let mismatch: SearchIndexMismatch | undefined;
  /** Indices being rebuilt in this process, with the embedder each is built for. */
  const rebuilding = new Map<string, EmbedderIdentity>();

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw openSearchError(operation, error);
    }
  }

  /** The concrete indices behind the alias, with what their mapping says; [] when the alias does not exist. */
  async function liveIndices(): Promise<ExistingIndex[]> {
    let body: API.Indices_Get_ResponseBody;
    try {
      body = (await client.indices.get({ index: alias })).body;
    } catch (error) {
      if (isStatus(error, 404)) return [];
      throw openSearchError('indices.get', error);
    }
    return Object.entries(body).map(([name, state]) => {
      const meta = (state.mappings?._meta ?? {}) as { embedder?: string; dimension?: number; mapping_version?: number };
      const vector = state.mappings?.properties?.[VECTOR_FIELD] as { dimension?: number; method?: ExistingIndex['method'] } | undefined;
      return { name, embedder: meta.embedder, dimension: vector?.dimension, mappingVersion: meta.mapping_version, method: vector?.method };
    });
  }

  function check(existing: ExistingIndex[], wanted: EmbedderIdentity): void {
    if (existing.some((i) => i.name === alias)) {
      throw new OnrampError('search_index_not_aliased', `"${alias}" is a concrete index, not an alias: onramp needs an alias it can swap; reindex into a new index or delete "${alias}"`);
    }
    for (const index of existing) {
      if (index.embedder !== wanted.name || index.dimension !== wanted.dimension || index.mappingVersion !== MAPPING_VERSION) {
        mismatch = new SearchIndexMismatch(alias, { embedder: index.embedder, dimension: index.dimension }, { embedder: wanted.name, dimension: wanted.dimension });
        throw mismatch;
      }
      if (index.method?.engine !== layout.knn.engine || index.method?.space_type !== layout.knn.spaceType) {
        logger.warn({ index: index.name, found: index.method, configured: { engine: layout.knn.engine, spaceType: layout.knn.spaceType } }, 'k-NN method differs from the configuration; it takes effect at the next reindex');
      }
    }
  }

  async function putTemplate(wanted: EmbedderIdentity): Promise<void> {
    await call('indices.put_index_template', () => client.indices.putIndexTemplate({ name: templateName(alias), body: indexTemplate(layout, wanted) }));
  }

  /** Puts the hybrid search pipeline, or settles for onramp's own fusion where the cluster has no neural-search. */
  async function putHybridPipeline(): Promise<void> {
    if (hybridFusion === 'client') return;
    try {
      await client.searchPipeline.put({ id: pipeline, body: hybridPipeline(weights) });
      fusion = 'pipeline';
    } catch (error) {
      if (!noNormalizationProcessor(error)) throw openSearchError('search_pipeline.put', error);
      if (hybridFusion === 'pipeline') {
        throw new OnrampError(
          'search_hybrid_unavailable',
          'the OpenSearch cluster has no normalization-processor (the neural-search plugin): install it, or set OPENSEARCH_HYBRID_FUSION=client (or auto) to let onramp fuse hybrid results',
          { cause: error },
        );
      }
      fusion = 'client';
      logger.warn({ alias }, 'the cluster has no neural-search plugin: hybrid results are fused by onramp');
    }
  }

  /** Hybrid without the plugin: the two halves as two searches, fused here with the pipeline's weights. */
  async function clientHybrid(request: SearchRequest): Promise<SearchHit[]> {
    const candidates = Math.max(request.k, HYBRID_CANDIDATES);
    const run = async (mode: 'keyword' | 'vector') => toSearchHits((await searchOnce({ ...request, mode, k: candidates })).body);
    const [keyword, vector] = await Promise.all([run('keyword'), run('vector')]);
    return fuseHits(keyword, vector, request.k, weights.keyword);
  }

  /** One search, on the pinned index when the request names one (a 404 there means a swap deleted it). */
  async function searchOnce(request: SearchRequest) {
    try {
      return await client.search(searchRequest(request, { index: request.index ?? alias, engine: layout.knn.engine, hybridPipeline: pipeline }));
    } catch (error) {
      if (request.index !== undefined && isStatus(error, 404) && errorType(error) === 'index_not_found_exception') throw new IndexGone(request.index);
      throw openSearchError('search', error);
    }
  }

  const models = modelsIndex(alias);
  const shared = sharedIndex({
    liveIndices,
    createIndex: async () => void (await client.indices.create({ index: models, body: modelsIndexBody(layout.replicas) })),
    alreadyExists: (error) => errorType(error) === 'resource_already_exists_exception',
    failure: openSearchError,
    index: (model) => call('index', async () => void (await client.index({ index: models, id: model.name, body: model as unknown as Record<string, unknown>, refresh: 'wait_for' }))),
    async get(name) {
      try {
        const { body } = await client.get({ index: models, id: name });
        return body.found ? (body._source as unknown as StoredModel) : undefined;
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw openSearchError('get', error);
      }
    },
  });

  const swapCalls: AliasSwapCalls = {
    refresh: async (index) => void (await call('indices.refresh', () => client.indices.refresh({ index }))),
    indicesBehind: async () => (await liveIndices()).map((i) => i.name),
    updateAliases: async (actions) => void (await call('indices.update_aliases', () => client.indices.updateAliases({ body: { actions } }))),
    deleteIndices: async (index) => void (await call('indices.delete', () => client.indices.delete({ index }))),
  };

  function requireOpen(): EmbedderIdentity {
    if (embedder === undefined) throw new OnrampError('search_store_not_open', 'the OpenSearch store was used before open()');
    return embedder;
  }


  /** Where a write without an explicit target goes: the live index, and a rebuild in progress so it misses nothing. */
  function writeTargets(target: RebuildTarget | undefined): string[] {
    if (target !== undefined) return [target.indexName];
    if (mismatch !== undefined) throw mismatch;
    // A rebuild with another embedder re-embeds everything itself; this write's vector would not fit it.
    const live = requireOpen();
    const same = [...rebuilding].filter(([, e]) => e.name === live.name && e.dimension === live.dimension).map(([index]) => index);
    return [alias, ...same];
  }

  async function bulk(body: API.Bulk_RequestBody): Promise<void> {
    const response = (await call('bulk', () => client.bulk({ body }))).body;
    if (!response.errors) return;
    const failures: BulkItemFailure[] = [];
    for (const entry of response.items) {
      for (const item of Object.values(entry)) {
        if (item?.error == null) continue;
        failures.push({ id: item._id ?? '?', index: item._index, status: item.status, type: item.error.type, reason: item.error.reason ?? '' });
      }
    }
    if (failures.length === 0) return;
    throw failures.every((f) => f.status === 429) ? new BulkThrottled(failures) : new BulkRejected(failures);
  }

  return {
    shared,

    async open(wanted) {
      embedder = wanted;
      mismatch = undefined;
      check(await liveIndices(), wanted);
      await putTemplate(wanted);
      await putHybridPipeline();
      if ((await liveIndices()).length > 0) return;
      // Index and alias are created in one call; the name is fixed so that two processes opening at once
      // (indexer and search-api) create one index, the loser getting resource_already_exists_exception.
      try {
        await client.indices.create({ index: `${alias}-1`, body: { aliases: { [alias]: {} } } });
        logger.info({ index: `${alias}-1`, alias, embedder: wanted.name, dimension: wanted.dimension }, 'created search index');
      } catch (error) {
        if (errorType(error) !== 'resource_already_exists_exception') throw openSearchError('indices.create', error);
        const existing = await liveIndices();
        if (existing.length === 0) {
          throw new OnrampError('search_index_not_aliased', `index "${alias}-1" exists but the alias "${alias}" does not point at it; add the alias or delete the index`);
        }
        check(existing, wanted);
      }
    },

    async upsert(items, target) {
      const dimension = (target === undefined ? undefined : rebuilding.get(target.indexName)?.dimension) ?? requireOpen().dimension;
      const indices = writeTargets(target);
      for (let start = 0; start < items.length; start += bulkSize) {
        const body: API.Bulk_RequestBody = [];
        for (const item of items.slice(start, start + bulkSize)) {
          const doc = toStoredDocument(item, dimension);
          for (const index of indices) body.push({ index: { _index: index, _id: item.id } }, doc);
        }
        await bulk(body);
      }
    },

    async deleteBySource(sourceId, target) {
      requireOpen();
      const index = writeTargets(target);
      // delete_by_query sees only refreshed documents; a chunk written a moment ago must go too.
      await call('indices.refresh', () => client.indices.refresh({ index }));
      const response = (
        await call('delete_by_query', () => client.deleteByQuery({ index, conflicts: 'proceed', refresh: true, body: { query: { term: { sourceId } } } }))
      ).body;
      const failures = 'failures' in response ? (response.failures ?? []) : [];
      if (failures.length > 0) throw new OnrampError('search_delete_failed', `OpenSearch could not delete ${failures.length} document(s) of ${sourceId}`);
    },

    async search(request: SearchRequest): Promise<SearchHit[]> {
      requireOpen();
      if (mismatch !== undefined) throw mismatch;
      if (request.mode === 'hybrid' && fusion === 'client') return clientHybrid(request);
      return toSearchHits((await searchOnce(request)).body);
    },

    async beginRebuild(next) {
      const wanted = next ?? requireOpen();
      const indexName = `${alias}-${now()}`;
      await putTemplate(wanted);
      await call('indices.create', () => client.indices.create({ index: indexName }));
      rebuilding.set(indexName, wanted);
      logger.info({ index: indexName, alias, embedder: wanted.name }, 'rebuilding search index');
      return { indexName };
    },

    async finishRebuild(target) {
      const built = rebuilding.get(target.indexName) ?? requireOpen();
      const old = await swapAlias(swapCalls, alias, target.indexName, logger);
      rebuilding.delete(target.indexName);
      embedder = built;
      mismatch = undefined;
      await deleteReplaced(swapCalls, old, logger);
    },

    async close() {
      if (options.client === undefined) await client.close();
    },
  };
}
