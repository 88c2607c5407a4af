// The embedded VectorStore: in-process, persistent under `$ONRAMP_HOME/search/`, no server.
// Like an OpenSearch alias, `live.json` names the generation that answers queries; a rebuild fills a
// new generation and swaps the name. Another process (`onramp reindex`) may do the swap: every store
// watches `live.json`, loads the new generation, and re-applies its own writes made since that rebuild
// began reading the log, so nothing the live indexer did meanwhile is lost.
import { randomBytes } from 'node:crypto';
import { unwatchFile, watchFile } from 'node:fs';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@onramp/core';
import { IndexMismatch, SearchError } from '../errors.js';
import type { IndexedItem, RebuildTarget, SearchHit, SearchRequest, VectorStore } from '../ports.js';
import { createGeneration, DEFAULT_HNSW, type Generation, type GenerationMeta, type HnswParameters } from './generation.js';
import { captureSnapshot, loadGeneration, removeGeneration, writeSnapshot, type LoadedGeneration } from './generation-files.js';
import { createGenerationJournal, type GenerationJournal } from './generation-journal.js';
import { fuse, type Scored } from './hybrid-fusion.js';
import { snippetFor } from './snippet.js';

export interface EmbeddedStoreOptions {
  /** `$ONRAMP_HOME/search`; without it the store lives in memory only (tests, benchmarks). */
  directory?: string;
  hnsw?: Partial<HnswParameters>;
  logger?: Logger;
  /**
   * Before a generation built by another embedder (a newly trained local model) goes live: load that
   * model, and return the switch, which the store calls in the same tick as it swaps the index.
   */
  prepareEmbedder?: (meta: GenerationMeta) => Promise<() => void>;
  /** Re-embeds this process's recent writes for a swapped-in generation built by another embedder. */
  reembed?: (items: IndexedItem[], embedder: string) => Promise<IndexedItem[]>;
  /** How often `live.json` is checked for a swap by another process. */
  watchIntervalMs?: number;
  /**
   * A new snapshot is written once this many writes are journaled since the last one (or as many as the
   * index holds, if more), so that a journal never grows past the index it describes; and at close.
   */
  snapshotAfterWrites?: number;
}

export interface EmbeddedStore extends VectorStore {
  readonly live: GenerationMeta | undefined;
  readonly size: number;
  /** Resolves once every write so far is on disk (journaled), and any snapshot being written is done. */
  flush(): Promise<void>;
}

type WriteChange = { kind: 'upsert'; items: IndexedItem[] } | { kind: 'delete'; sourceId: string };
type WriteOp = { at: number; embedder: string } & WriteChange;

/** Own writes kept for replay into a generation that another process swaps in. */
const OP_HISTORY_MS = 30 * 60_000;
/** How many candidates each list brings to the hybrid fusion (or k, if larger). */
export const HYBRID_DEPTH = 100;

function newIndexName(): string {
  return `onramp-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}

export function createEmbeddedStore(options: EmbeddedStoreOptions = {}): EmbeddedStore {
  const params: HnswParameters = { ...DEFAULT_HNSW, ...options.hnsw };
  const { directory, logger } = options;
  const aliasPath = directory === undefined ? undefined : join(directory, 'live.json');
  const indexDir = (name: string) => join(directory!, 'indexes', name);
  let embedder: { name: string; dimension: number } | undefined;
  let live: Generation | undefined;
  const rebuilds = new Map<string, Generation>();
  let ops: WriteOp[] = [];
  /** Where the live generation's writes are journaled (none in memory-only mode). */
  let journal: GenerationJournal | undefined;
  let snapshotting: Promise<void> = Promise.resolve();
  let swapping: Promise<void> = Promise.resolve();
  let closed = false;

  function requireLive(): Generation {
    if (live === undefined) throw new SearchError('unavailable', 'the search index is not open');
    return live;
  }

  /** Starts journaling the live generation's writes; `loaded` says which journal a loaded one continues. */
  function journalFor(generation: Generation, loaded?: Pick<LoadedGeneration, 'journal'>): void {
    journal = directory === undefined ? undefined : createGenerationJournal(indexDir(generation.meta.name), loaded?.journal ?? 0, logger);
  }

  /**
   * Writes a snapshot of the live generation (everything journaled so far) and moves the journal on. The
   * capture is synchronous, the writing is not; one at a time.
   */
  function snapshot(): Promise<void> {
    const generation = live;
    const current = journal;
    if (generation === undefined || current === undefined || current.pending === 0) return snapshotting;
    const next = current.number + 1;
    current.rotate(next);
    const finish = captureSnapshot(current.dir, generation, next);
    snapshotting = snapshotting
      .then(() => current.flushed())
      .then(finish)
      .catch((error: unknown) => logger?.error({ err: error, index: generation.meta.name }, 'writing a search index snapshot failed'));
    return snapshotting;
  }

  function journaled(op: WriteChange): void {
    if (journal === undefined) return;
    if (op.kind === 'upsert') journal.upsert(op.items);
    else journal.deleteBySource(op.sourceId);
    if (journal.pending >= Math.max(options.snapshotAfterWrites ?? 10_000, live?.items.size ?? 0)) void snapshot();
  }

  async function flush(): Promise<void> {
    await journal?.flushed();
    await snapshotting;
  }

  async function writeAlias(name: string): Promise<void> {
    if (aliasPath === undefined) return;
    await writeFile(`${aliasPath}.tmp`, JSON.stringify({ index: name }));
    await rename(`${aliasPath}.tmp`, aliasPath);
  }

  async function readAlias(): Promise<string | undefined> {
    if (aliasPath === undefined) return undefined;
    try {
      return (JSON.parse(await readFile(aliasPath, 'utf8')) as { index: string }).index;
    } catch {
      return undefined;
    }
  }

  function record(op: WriteOp): void {
    const horizon = Date.now() - OP_HISTORY_MS;
    if (ops.length > 0 && ops[0]!.at < horizon) ops = ops.filter((o) => o.at >= horizon);
    ops.push(op);
  }

  /** Re-applies this process's writes made since `since` (ms) to a generation about to go live. */
  async function replayOwnWrites(into: Generation, since: number, applied: (change: WriteChange) => void = () => undefined): Promise<number> {
    let replayed = 0;
    // A write made before the rebuild began is for an event already in the log, which the rebuild read;
    // replaying it could put back an older state over a newer one. Both sides use this machine's clock.
    for (const op of ops.filter((o) => o.at >= since)) {
      if (op.kind === 'delete') {
        into.deleteBySource(op.sourceId);
        applied(op);
      } else if (op.embedder === into.meta.embedder) {
        into.upsert(op.items);
        applied(op);
      } else if (options.reembed !== undefined) {
        const items = await options.reembed(op.items, into.meta.embedder);
        into.upsert(items);
        applied({ kind: 'upsert', items });
      } else {
        logger?.warn({ items: op.items.length }, 'recent writes made with another embedder could not be carried into the new index');
        continue;
      }
      replayed++;
    }
    return replayed;
  }

  /** Makes `next` live: the embedder switch (if the model changed) and the index swap in one tick. */
  async function goLive(next: Generation, loaded?: Pick<LoadedGeneration, 'journal'>): Promise<void> {
    const switchEmbedder =
      embedder !== undefined && next.meta.embedder !== embedder.name && options.prepareEmbedder !== undefined
        ? await options.prepareEmbedder(next.meta)
        : undefined;
    switchEmbedder?.();
    live = next;
    journalFor(next, loaded);
    embedder = { name: next.meta.embedder, dimension: next.meta.dimension };
  }

  async function onAliasChange(): Promise<void> {
    const name = await readAlias();
    if (name === undefined || closed || name === live?.meta.name || rebuilds.has(name)) return;
    const loaded = await loadGeneration(indexDir(name), params, logger);
    if (loaded === undefined || closed) return;
    const next = loaded.generation;
    await flush();
    const since = next.meta.rebuildStartedAt ?? next.meta.createdAt;
    await goLive(next, loaded);
    const replayed = await replayOwnWrites(next, since, journaled);
    logger?.info({ index: name, embedder: next.meta.embedder, replayed }, 'search index swapped by another process');
  }

  function onWatch(): void {
    swapping = swapping.then(onAliasChange).catch((error: unknown) => logger?.error({ err: error }, 'could not load the swapped-in search index'));
  }

  function hitsFrom(generation: Generation, scored: Scored[], query: string): SearchHit[] {
    return scored.flatMap(({ label, score }) => {
      const stored = generation.byLabel.get(label);
      if (stored === undefined) return [];
      const { meta } = stored;
      const hit: SearchHit = { id: meta.id, sourceId: meta.sourceId, score, kind: meta.kind, title: meta.title, snippet: snippetFor(meta.text, query) };
      if (meta.department !== undefined) hit.department = meta.department;
      if (meta.fields !== undefined) hit.fields = meta.fields;
      return [hit];
    });
  }

  /** A write goes to the rebuild it names, or to the live generation, where it is also kept for replay. */
  function write(into: RebuildTarget | undefined, op: WriteChange): void {
    const generation = target(into) ?? requireLive();
    if (op.kind === 'upsert') generation.upsert(op.items);
    else generation.deleteBySource(op.sourceId);
    if (into !== undefined) return;
    record({ ...op, at: Date.now(), embedder: generation.meta.embedder });
    journaled(op);
  }

  function target(t: RebuildTarget | undefined): Generation | undefined {
    if (t === undefined) return undefined;
    const generation = rebuilds.get(t.indexName);
    if (generation === undefined) throw new SearchError('rebuild_unknown', `no rebuild in progress into ${t.indexName}`);
    return generation;
  }

  return {
    get live() {
      return live?.meta;
    },
    get size() {
      return live?.items.size ?? 0;
    },
    flush,

    async open(wanted) {
      embedder = { name: wanted.name, dimension: wanted.dimension };
      if (live === undefined) {
        const name = await readAlias();
        const loaded = name === undefined ? undefined : await loadGeneration(indexDir(name), params, logger);
        live = loaded?.generation;
        if (loaded !== undefined) {
          journalFor(loaded.generation, loaded);
          if (loaded.replayed > 0) logger?.info({ index: name, writes: loaded.replayed }, 'search index loaded with the writes journaled since its last snapshot');
        }
        if (live === undefined) {
          live = createGeneration({ name: newIndexName(), embedder: wanted.name, dimension: wanted.dimension, createdAt: Date.now() }, params);
          journalFor(live);
          if (directory !== undefined) {
            await mkdir(join(directory, 'indexes'), { recursive: true });
            await writeSnapshot(indexDir(live.meta.name), live, 0);
            await writeAlias(live.meta.name);
          }
        }
        if (aliasPath !== undefined) {
          watchFile(aliasPath, { interval: options.watchIntervalMs ?? 1000, persistent: false }, onWatch);
        }
      }
      const { meta } = live;
      if (meta.dimension !== wanted.dimension || meta.embedder !== wanted.name) {
        throw new IndexMismatch(
          `the search index ${meta.name} holds ${meta.dimension}-dimensional vectors from embedder "${meta.embedder}", ` +
            `but the configured embedder is "${wanted.name}" (${wanted.dimension} dimensions); run \`onramp reindex\` to rebuild it`,
        );
      }
    },

    async upsert(items, into) {
      write(into, { kind: 'upsert', items });
    },

    async deleteBySource(sourceId, from) {
      write(from, { kind: 'delete', sourceId });
    },

    async search(request: SearchRequest) {
      const generation = requireLive();
      const { query, k, mode, filter, vector } = request;
      if (mode === 'keyword') return hitsFrom(generation, generation.keywordSearch(query, k, filter), query);
      if (vector === undefined) throw new SearchError('invalid_request', `mode "${mode}" needs the query's vector`);
      if (vector.length !== generation.meta.dimension) {
        throw new IndexMismatch(`the query vector has ${vector.length} dimensions; the index holds ${generation.meta.dimension}`);
      }
      if (mode === 'vector') return hitsFrom(generation, generation.vectorSearch(vector, k, filter), query);
      const depth = Math.max(k, HYBRID_DEPTH);
      const fused = fuse(generation.keywordSearch(query, depth, filter), generation.vectorSearch(vector, depth, filter), k, generation.byId);
      return hitsFrom(generation, fused, query);
    },

    async beginRebuild(builtWith) {
      const using = builtWith ?? embedder;
      if (using === undefined) throw new SearchError('unavailable', 'open the store before rebuilding it');
      const now = Date.now();
      const meta = { name: newIndexName(), embedder: using.name, dimension: using.dimension, createdAt: now, rebuildStartedAt: now };
      rebuilds.set(meta.name, createGeneration(meta, params));
      return { indexName: meta.name };
    },

    async finishRebuild(t) {
      const next = target(t)!;
      const previous = live;
      await replayOwnWrites(next, next.meta.rebuildStartedAt ?? next.meta.createdAt);
      if (directory !== undefined) {
        await flush();
        await writeSnapshot(indexDir(next.meta.name), next, 0);
        await writeAlias(next.meta.name);
      }
      await goLive(next);
      rebuilds.delete(t.indexName);
      if (directory !== undefined) {
        // Keep the previous generation (a way back by hand); older ones go.
        const keep = new Set([next.meta.name, previous?.meta.name]);
        for (const name of await readdir(join(directory, 'indexes'))) if (!keep.has(name)) await removeGeneration(indexDir(name));
      }
    },

    async close() {
      if (closed) return;
      if (aliasPath !== undefined) unwatchFile(aliasPath, onWatch);
      await swapping;
      // A snapshot of what this process journaled, so that the next start loads without replaying.
      await snapshot();
      await flush();
      closed = true;
      rebuilds.clear();
    },
  };
}
