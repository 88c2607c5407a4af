// The `elasticsearch` VectorStore, for Alibaba Cloud Elasticsearch 8.12+. Everything goes through an alias
// (`onramp` by default) in front of a concrete index (`onramp-<n>`), so a rebuild fills a fresh index and
// swaps the alias in one `_aliases` call, as the OpenSearch store does.
import type { Client, estypes } from '@elastic/elasticsearch';
import { OnrampError, PermanentError, silentLogger, type Logger } from '@onramp/core';
import { fuse } from '../embedded/hybrid-fusion.js';
import { SearchIndexMismatch } from '../opensearch/errors.js';
import { IndexGone } from '../errors.js';
import { deleteReplaced, swapAlias, type AliasSwapCalls } from '../alias-swap.js';
import { modelsIndex, modelsIndexBody, sharedIndex } from '../models-index.js';
import type { RebuildTarget, SearchHit, SearchRequest, StoredModel, VectorStore } from '../ports.js';
import { VECTOR_FIELD, toStoredDocument, type StoredDocument } from '../stored-document.js';
import { createElasticsearchClient, type ElasticsearchConnection } from './client.js';
import { checkVersion, type HybridMode } from './engine-version.js';
import { ElasticsearchBulkRejected, ElasticsearchBulkThrottled, elasticsearchError, errorCause, isStatus, type ElasticsearchItemFailure } from './errors.js';
import { DEFAULT_DENSE_VECTOR, MAPPING_VERSION, MAX_DIMENSION, indexTemplate, type DenseVectorOptions, type ElasticsearchLayout, type EmbedderIdentity } from './index-template.js';
import { HYBRID_WINDOW, keywordRequest, rrfRequest, toSearchHits, vectorRequest } from './search-request.js';
import { DEFAULT_RETRY, backoffMs, withRetry, type RetryPolicy } from './with-retry.js';

export interface ElasticsearchStoreOptions extends Partial<ElasticsearchConnection> {
  /** An existing client (not closed by the store); otherwise one is made from `url`. */
  client?: Client;
  /** The alias searches and writes go through; concrete indices are `<index>-<suffix>`. */
  index: string;
  vector?: Partial<DenseVectorOptions>;
  /** `client` (default): BM25 and kNN fused here, as the other backends do; `rrf`: the engine's RRF retriever. */
  hybrid?: HybridMode;
  shards?: number;
  replicas?: number;
  /** Documents per `_bulk` request. */
  bulkSize?: number;
  retry?: RetryPolicy;
  logger?: Logger;
  /** Names rebuilt indices; injectable for tests. */
  now?: () => number;
}

interface ExistingIndex {
  name: string;
  embedder: string | undefined;
  dimension: number | undefined;
  mappingVersion: number | undefined;
  indexType: string | undefined;
}

export function createElasticsearchStore(options: ElasticsearchStoreOptions): VectorStore {
  if (options.client === undefined && options.url === undefined) throw new TypeError('createElasticsearchStore needs a client or a url');
  const client = options.client ?? createElasticsearchClient(options as ElasticsearchConnection);
  const alias = options.index;
  const layout: ElasticsearchLayout = { alias, shards: options.shards ?? 1, replicas: options.replicas ?? 1, vector: { ...DEFAULT_DENSE_VECTOR, ...options.vector } };
  let hybrid: HybridMode = options.hybrid ?? 'client';
  const bulkSize = options.bulkSize ?? 500;
  const retry = options.retry ?? DEFAULT_RETRY;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;

  let embedder: EmbedderIdentity | undefined;
  let mismatch: SearchIndexMismatch | undefined;
  /** Indices being rebuilt in this process, with the embedder each is built for. */
  const rebuilding = new Map<string, EmbedderIdentity>();

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(retry, run);
    } catch (error) {
      throw elasticsearchError(operation, error);
    }
  }

  /** The concrete indices behind the alias, with what their mapping says; [] when the alias does not exist. */
  async function liveIndices(): Promise<ExistingIndex[]> {
    let body: estypes.IndicesGetResponse;
    try {
      body = await withRetry(retry, () => client.indices.get({ index: alias }));
    } catch (error) {
      if (isStatus(error, 404)) return [];
      throw elasticsearchError('indices.get', error);
    }
    return Object.entries(body).map(([name, state]) => {
      const meta = (state.mappings?._meta ?? {}) as { embedder?: string; dimension?: number; mapping_version?: number };
      const vector = state.mappings?.properties?.[VECTOR_FIELD] as estypes.MappingDenseVectorProperty | undefined;
      return { name, embedder: meta.embedder, dimension: vector?.dims, mappingVersion: meta.mapping_version, indexType: vector?.index_options?.type };
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
      if (index.indexType !== layout.vector.indexType) {
        logger.warn({ index: index.name, found: index.indexType, configured: layout.vector.indexType }, 'dense_vector index type differs from the configuration; it takes effect at the next reindex');
      }
    }
  }

  async function putTemplate(wanted: EmbedderIdentity): Promise<void> {
    if (wanted.dimension > MAX_DIMENSION) throw new PermanentError(`Elasticsearch indexes vectors of at most ${MAX_DIMENSION} dimensions; the embedder has ${wanted.dimension}`, 'search_vector_dimension');
    await call('indices.put_index_template', () => client.indices.putIndexTemplate(indexTemplate(layout, wanted)));
  }

  const swapCalls: AliasSwapCalls = {
    refresh: async (index) => void (await call('indices.refresh', () => client.indices.refresh({ index }))),
    indicesBehind: async () => (await liveIndices()).map((i) => i.name),
    updateAliases: async (actions) => void (await call('indices.update_aliases', () => client.indices.updateAliases({ actions }))),
    deleteIndices: async (index) => void (await call('indices.delete', () => client.indices.delete({ index }))),
  };

  function requireOpen(): EmbedderIdentity {
    if (embedder === undefined) throw new OnrampError('search_store_not_open', 'the Elasticsearch store was used before open()');
    return embedder;
  }

  /** Where a write goes, and with which dimension: the target; else the live alias and a rebuild of the same embedder. */
  function writeTargets(target: RebuildTarget | undefined): { index: string; embedder: EmbedderIdentity }[] {
    if (target !== undefined) return [{ index: target.indexName, embedder: rebuilding.get(target.indexName) ?? requireOpen() }];
    const live = requireOpen();
    if (mismatch !== undefined) throw mismatch;
    // A rebuild with another embedder re-embeds everything itself; this write's vector would not fit it.
    const same = [...rebuilding].filter(([, e]) => e.name === live.name && e.dimension === live.dimension);
    return [{ index: alias, embedder: live }, ...same.map(([index, e]) => ({ index, embedder: e }))];
  }

  /** One `_bulk` request; items refused with 429 are sent again (a few times), other refusals are final. */
  async function bulk(operations: estypes.BulkOperationContainer[], documents: Record<string, unknown>[]): Promise<void> {
    let pending = operations.map((operation, i) => ({ operation, document: documents[i]! }));
    for (let attempt = 0; ; attempt++) {
      const sent = pending;
      const response = await call('bulk', () => client.bulk({ operations: sent.flatMap((p) => [p.operation, p.document]) }));
      if (!response.errors) return;
      const failures: (ElasticsearchItemFailure & { at: number })[] = [];
      response.items.forEach((entry, at) => {
        for (const item of Object.values(entry)) {
          if (item?.error == null) continue;
          failures.push({ at, id: item._id ?? '?', index: item._index, status: item.status, type: item.error.type, reason: item.error.reason ?? '' });
        }
      });
      if (failures.length === 0) return;
      const report = failures.map(({ at: _, ...failure }) => failure);
      if (!failures.every((f) => f.status === 429)) throw new ElasticsearchBulkRejected(report);
      if (attempt + 1 >= retry.attempts) throw new ElasticsearchBulkThrottled(report);
      await (retry.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(backoffMs(retry, attempt));
      pending = failures.map((f) => sent[f.at]!);
    }
  }

  async function searchOnce(operation: string, request: estypes.SearchRequest): Promise<estypes.SearchResponse<StoredDocument>> {
    return call(operation, () => client.search<StoredDocument>(request));
  }

  /** The index a search goes to: the pinned one when the request names it, else the alias. */
  const target = (request: SearchRequest) => request.index ?? alias;

  async function pinned<T>(request: SearchRequest, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      // A swap deleted the pinned index: the caller reads the alias again.
      const cause = error instanceof OnrampError ? (error as Error & { cause?: unknown }).cause : error;
      if (request.index !== undefined && isStatus(cause, 404) && errorCause(cause)?.type === 'index_not_found_exception') throw new IndexGone(request.index);
      throw error;
    }
  }

  const models = modelsIndex(alias);
  const shared = sharedIndex({
    liveIndices,
    createIndex: async () => void (await withRetry(retry, () => client.indices.create({ index: models, ...modelsIndexBody(layout.replicas) }))),
    alreadyExists: (error) => errorCause(error)?.type === 'resource_already_exists_exception',
    failure: elasticsearchError,
    index: (model) => call('index', async () => void (await client.index({ index: models, id: model.name, document: model, refresh: 'wait_for' }))),
    async get(name) {
      try {
        const response = await withRetry(retry, () => client.get<StoredModel>({ index: models, id: name }));
        return response.found ? response._source : undefined;
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw elasticsearchError('get', error);
      }
    },
  });



  async function clientHybrid(request: SearchRequest): Promise<SearchHit[]> {
    const window = Math.max(request.k, HYBRID_WINDOW);
    const [keyword, vector] = await Promise.all([
      searchOnce('search', keywordRequest(target(request), request, window)),
      searchOnce('search', vectorRequest(target(request), request, layout.vector.numCandidates, window)),
    ]);
    // The embedded store's fusion, on numeric labels that stand for ids: one ranking rule for every backend.
    const hits: SearchHit[] = [];
    const labels = new Map<string, number>();
    const scored = (list: SearchHit[]) =>
      list.map((hit) => {
        let label = labels.get(hit.id);
        if (label === undefined) labels.set(hit.id, (label = hits.push(hit) - 1));
        return { label, score: hit.score };
      });
    const fused = fuse(scored(toSearchHits(keyword)), scored(toSearchHits(vector)), request.k);
    return fused.map(({ label, score }) => ({ ...hits[label]!, score }));
  }

  return {
    shared,

    async open(wanted) {
      embedder = wanted;
      mismatch = undefined;
      const info = await call('info', () => client.info());
      checkVersion(info.version.number, layout.vector.indexType, hybrid);
      check(await liveIndices(), wanted);
      await putTemplate(wanted);
      if ((await liveIndices()).length > 0) return;
      // Index and alias in one call, under a fixed name, so that two processes opening at once create one
      // index: the loser gets resource_already_exists_exception and checks the winner's index.
      try {
        await withRetry(retry, () => client.indices.create({ index: `${alias}-1`, aliases: { [alias]: {} } }));
        logger.info({ index: `${alias}-1`, alias, embedder: wanted.name, dimension: wanted.dimension }, 'created search index');
      } catch (error) {
        if (errorCause(error)?.type !== 'resource_already_exists_exception') throw elasticsearchError('indices.create', error);
        const existing = await liveIndices();
        if (existing.length === 0) {
          throw new OnrampError('search_index_not_aliased', `index "${alias}-1" exists but the alias "${alias}" does not point at it; add the alias or delete the index`);
        }
        check(existing, wanted);
      }
    },

    async upsert(items, target) {
      const targets = writeTargets(target);
      for (let start = 0; start < items.length; start += bulkSize) {
        const operations: estypes.BulkOperationContainer[] = [];
        const documents: Record<string, unknown>[] = [];
        for (const item of items.slice(start, start + bulkSize)) {
          for (const { index, embedder: e } of targets) {
            operations.push({ index: { _index: index, _id: item.id } });
            documents.push(toStoredDocument(item, e.dimension));
          }
        }
        await bulk(operations, documents);
      }
    },

    async deleteBySource(sourceId, target) {
      const index = writeTargets(target).map((t) => t.index);
      // delete_by_query sees only refreshed documents; a chunk written a moment ago must go too.
      await call('indices.refresh', () => client.indices.refresh({ index }));
      // conflicts=proceed: a chunk rewritten meanwhile (409 version conflict) is counted, not fatal; the
      // newer write then stands, which is what a later upsert of the same source wants.
      const response = await call('delete_by_query', () => client.deleteByQuery({ index, conflicts: 'proceed', refresh: true, query: { term: { sourceId } } }));
      const failures = response.failures ?? [];
      if (failures.length > 0) throw new OnrampError('search_delete_failed', `Elasticsearch could not delete ${failures.length} document(s) of ${sourceId}`);
      if ((response.version_conflicts ?? 0) > 0) logger.warn({ conflicts: response.version_conflicts }, 'documents changed while their source was being deleted; the newer writes stand');
    },

    async search(request) {
      requireOpen();
      if (mismatch !== undefined) throw mismatch;
      if (request.mode === 'keyword') return toSearchHits(await pinned(request, () => searchOnce('search', keywordRequest(target(request), request))));
      if (request.mode === 'vector') return toSearchHits(await pinned(request, () => searchOnce('search', vectorRequest(target(request), request, layout.vector.numCandidates))));
      if (hybrid === 'client') return pinned(request, () => clientHybrid(request));
      try {
        return toSearchHits(await withRetry(retry, () => client.search<StoredDocument>(rrfRequest(target(request), request, layout.vector.numCandidates))));
      } catch (error) {
        if (request.index !== undefined && isStatus(error, 404) && errorCause(error)?.type === 'index_not_found_exception') throw new IndexGone(request.index);
        const cause = errorCause(error);
        // Elastic licenses RRF at the Enterprise tier; a cluster with a lower licence refuses it with 403.
        if (!isStatus(error, 403) || !/licen[cs]e/i.test(cause?.reason ?? '')) throw elasticsearchError('search', error);
        logger.warn({ reason: cause?.reason }, 'the cluster refuses the RRF retriever (licence); hybrid search fuses on the client from now on');
        hybrid = 'client';
        return clientHybrid(request);
      }
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
