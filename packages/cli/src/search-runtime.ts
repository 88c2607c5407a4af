// One search runtime per process, shared by the indexer and search-api when `start` runs both, so that
// they use one embedded index (and one model) and see each other's writes at once. Closed with the last user.
import { createSearch, type SearchRuntime } from '@onramp/search';
import type { CommandContext } from './context.js';

interface Shared {
  runtime: Promise<SearchRuntime>;
  users: number;
}

const shared = new WeakMap<CommandContext, Shared>();

export async function acquireSearch(ctx: CommandContext): Promise<{ search: SearchRuntime; release(): Promise<void> }> {
  let entry = shared.get(ctx);
  if (entry === undefined) {
    entry = { runtime: createSearch(ctx.config, ctx.logger), users: 0 };
    shared.set(ctx, entry);
  }
  entry.users++;
  const current = entry;
  const search = await current.runtime;
  let released = false;
  return {
    search,
    async release() {
      if (released) return;
      released = true;
      if (--current.users === 0) {
        shared.delete(ctx);
        await search.close();
      }
    },
  };
}
