// `onramp reindex`: rebuild the search index from the log and swap it in, with a progress bar on a
// terminal. A running `onramp start` notices the swap and moves to the new index by itself.
import { Queue } from 'bullmq';
import { redisOptions, waitForRedis } from '@onramp/core';
import { indexerModule, reindex, type ReindexResult } from '@onramp/indexer';
import { createSearch } from '@onramp/search';
import type { CommandContext, Io } from './context.js';
import { progressBar } from './progress.js';

/**
 * Holds the live indexer of every process around the swap: its queue is paused (BullMQ, in Redis) and
 * the jobs already running finish first. Deliveries go on piling up as rows meanwhile; none is lost.
 */
function liveIndexer(ctx: CommandContext) {
  const queue = new Queue(indexerModule.name, { connection: redisOptions(ctx.config.redisUrl, 'producer'), prefix: ctx.queuePrefix });
  return {
    async pause() {
      await queue.pause();
      // Running jobs end within their own time; a lock that outlives a killed worker ends within a minute.
      for (const started = Date.now(); (await queue.getActiveCount()) > 0 && Date.now() - started < 60_000; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async resume() {
      await queue.resume();
      await queue.close();
    },
  };
}

export async function reindexCommand(ctx: CommandContext, io: Io): Promise<ReindexResult> {
  // It pauses the live indexer's queue in Redis: a Redis that is not there, or not as configured, is said first.
  await waitForRedis(ctx.config.redisUrl, { onWaiting: io.err });
  const search = await createSearch(ctx.config, ctx.logger);
  const bar = progressBar(io, 'embedding');
  try {
    try {
      await search.store.open({ name: search.embedder.name, dimension: search.embedder.dimension });
    } catch (error) {
      // An index built by another embedder is exactly what a reindex is for.
      if ((error as { code?: unknown }).code !== 'index_mismatch') throw error;
    }
    const result = await reindex({
      db: ctx.db,
      search,
      logger: ctx.logger,
      live: liveIndexer(ctx),
      docsRoots: ctx.config.docsRoots,
      onProgress: (done, total, phase) => bar.update(done, total, phase === 'reading' ? 'reading the log' : phase),
    });
    bar.stop();
    io.out(`reindexed ${result.items} item(s) from ${result.sources} people and documents (${result.events} events, up to seq ${result.seq}) into ${result.indexName} with ${result.embedder}`);
    return result;
  } finally {
    bar.stop();
    await search.close();
  }
}
