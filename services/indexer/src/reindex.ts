// Rebuilds the search index from the log: folds every indexer event into the latest state of each person
// and document, (re)trains the local model on that corpus, embeds it into a new generation, catches up
// with events that arrived meanwhile, and swaps it in. For the last catch-up the live indexer is paused
// (its queue, in every process), so no event is written to the old generation after the new one read
// the log: the checkpoint then says exactly up to which seq the new generation holds the log, and the
// live indexer goes on from there. Queries keep hitting the old index until the swap, so none fails.
import { appendEvents, lastSeq, OUTCOME, onrampEvent, personState, readEvents, writeCheckpoint, type Db, type DocsRoots, type Logger } from '@onramp/core';
import { searchableText, type Embedder, type IndexDraft, type SearchRuntime } from '@onramp/search';
import { applyEffect, embedDrafts } from './apply-effect.js';
import { indexEffect, type PersonLookup } from './index-effect.js';
import { INDEXER_SUBSCRIBES } from './indexer-consumer.js';

export interface ReindexDeps {
  db: Db;
  search: SearchRuntime;
  logger: Logger;
  /** Where documents named by location may be read from (DOCS_ROOTS). */
  docsRoots: DocsRoots;
  /** Progress while embedding: items done of total. */
  /** `phase`: 'reading' the log (done/total in seqs), 'training' the local model (0/1, then 1/1), 'embedding' items. */
  onProgress?: (done: number, total: number, phase?: 'reading' | 'training' | 'embedding') => void;
  /** Events read from the log per query. */
  pageSize?: number;
  /** Holds the live indexer (every process) around the swap; without it, nothing is paused. */
  live?: { pause(): Promise<void>; resume(): Promise<void> };
}

/** The projection's name in `projection_checkpoints`. */
export const INDEX_PROJECTION = 'indexer';

export interface ReindexResult {
  indexName: string;
  embedder: string;
  events: number;
  sources: number;
  items: number;
  /** The last log position the new index includes. */
  seq: number;
}

const INDEXER_TYPES = new Set<string>(INDEXER_SUBSCRIBES);
const EMBED_BATCH = 256;

async function* indexerEvents(db: Db, after: number, upTo: number, pageSize: number) {
  for (let cursor = after; cursor < upTo; ) {
    const page = await readEvents(db, { after: cursor, upTo, limit: pageSize });
    if (page.length === 0) return;
    for (const event of page) if (INDEXER_TYPES.has(event.type)) yield event;
    cursor = page.at(-1)!.seq;
  }
}

/** The latest drafts per source, from the log up to `upTo`. */
async function foldLog(deps: ReindexDeps, upTo: number, person: PersonLookup): Promise<{ state: Map<string, IndexDraft[]>; events: number }> {
  const state = new Map<string, IndexDraft[]>();
  let events = 0;
  deps.onProgress?.(0, upTo, 'reading');
  for await (const event of indexerEvents(deps.db, 0, upTo, deps.pageSize ?? 1000)) {
    events++;
    if (events % 100 === 0) deps.onProgress?.(event.seq, upTo, 'reading');
    try {
      const effect = await indexEffect(event, deps.docsRoots, person);
      if (effect === undefined) continue;
      if (effect.drafts === null) state.delete(effect.sourceId);
      else state.set(effect.sourceId, effect.drafts);
    } catch (error) {
      // The live consumer dead-letters the same event; the rebuild goes on without it.
      deps.logger.warn({ seq: event.seq, err: error }, 'event skipped by reindex');
    }
  }
  return { state, events };
}

export async function reindex(deps: ReindexDeps): Promise<ReindexResult> {
  const { db, search, logger } = deps;
  const started = Date.now();
  let seq = await lastSeq(db);
  const person: PersonLookup = (subject) => personState(db, subject);
  const { state, events } = await foldLog(deps, seq, person);
  const drafts = [...state.values()].flat();

  if (search.train !== undefined) deps.onProgress?.(0, 1, 'training');
  const trained = search.train === undefined ? undefined : await search.train(drafts.map(searchableText));
  const embedder: Embedder = trained?.embedder ?? search.embedder;
  const target = await search.store.beginRebuild({ name: embedder.name, dimension: embedder.dimension });
  for (let i = 0; i < drafts.length; i += EMBED_BATCH) {
    await search.store.upsert(await embedDrafts(embedder, drafts.slice(i, i + EMBED_BATCH)), target);
    deps.onProgress?.(Math.min(i + EMBED_BATCH, drafts.length), drafts.length, 'embedding');
  }
  if (drafts.length === 0) deps.onProgress?.(0, 0, 'embedding');

  // Events that arrived while we worked, until a read finds none (bounded: the log may never be still).
  let caughtUp = events;
  const catchUp = async () => {
    const latest = await lastSeq(db);
    for await (const event of indexerEvents(db, seq, latest, deps.pageSize ?? 1000)) {
      const effect = await indexEffect(event, deps.docsRoots, person).catch(() => undefined);
      if (effect !== undefined) await applyEffect(effect, embedder, search.store, target);
      caughtUp++;
    }
    const moved = latest !== seq;
    seq = latest;
    return moved;
  };
  for (let round = 0; round < 10 && (await catchUp()); round++);
  await deps.live?.pause();
  try {
    await catchUp();
    await search.store.finishRebuild(target);
    await writeCheckpoint(db, INDEX_PROJECTION, target.indexName, seq);
  } finally {
    await deps.live?.resume();
  }
  await trained?.commit();

  const result = { indexName: target.indexName, embedder: embedder.name, events: caughtUp, sources: state.size, items: drafts.length, seq };
  await appendEvents(db, [onrampEvent('indexer', OUTCOME.reindexed, { ...result, tookMs: Date.now() - started })]);
  logger.info({ ...result, tookMs: Date.now() - started }, 'search index rebuilt and swapped in');
  return result;
}
