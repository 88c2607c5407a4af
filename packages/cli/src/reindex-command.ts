// `onramp reindex`: rebuild the search index from the log and swap it in, with a progress bar on a
// terminal. A running `onramp start` notices the swap and moves to the new index by itself.
import { Presets, SingleBar } from 'cli-progress';
import { reindex, type ReindexResult } from '@onramp/indexer';
import { createSearch } from '@onramp/search';
import type { CommandContext, Io } from './context.js';

export async function reindexCommand(ctx: CommandContext, io: Io): Promise<ReindexResult> {
  const search = await createSearch(ctx.config, ctx.logger);
  const bar = io.isTty ? new SingleBar({ clearOnComplete: true, format: 'embedding {bar} {value}/{total} items' }, Presets.shades_classic) : undefined;
  try {
    try {
      await search.store.open({ name: search.embedder.name, dimension: search.embedder.dimension });
    } catch (error) {
      // An index built by another embedder is exactly what a reindex is for.
      if ((error as { code?: unknown }).code !== 'index_mismatch') throw error;
    }
    let started = false;
    const result = await reindex({
      db: ctx.db,
      search,
      logger: ctx.logger,
      docsRoots: ctx.config.docsRoots,
      onProgress: (done, total) => {
        if (!started) bar?.start(total, 0);
        started = true;
        bar?.update(done);
      },
    });
    bar?.stop();
    io.out(`reindexed ${result.items} item(s) from ${result.sources} people and documents (${result.events} events, up to seq ${result.seq}) into ${result.indexName} with ${result.embedder}`);
    return result;
  } finally {
    bar?.stop();
    await search.close();
  }
}
