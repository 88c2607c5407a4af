// For a remote store (OpenSearch, Elasticsearch) with the local embedder: which model to embed with is what
// the live index names, read from the alias, never what this host last trained or has on disk. The alias
// is read again at most every `pollMs` for queries (a query is then pinned to the index it read, so model and
// index always match) and at every passage batch (writes go through the alias, so they must use its model).
import type { Logger } from '@onramp/core';
import { IndexMismatch, SearchError } from './errors.js';
import { hashModel, type LocalModel } from './embedders/local-model.js';
import type { LiveIndex, SharedIndex } from './ports.js';

const LOCAL_NAME = /^local-(hash-\d+-v1|lsa-\d+-[0-9a-f]{12})$/;

export function isLocalModelName(name: string | undefined): name is string {
  return name !== undefined && LOCAL_NAME.test(name);
}

export interface Pin {
  /** undefined while the alias has no index (the first `open` creates one for the hash model). */
  index: string | undefined;
  model: LocalModel;
}

export interface LiveModel {
  /** The live index and its model; `fresh` reads the alias now instead of within the last `pollMs`. */
  pin(fresh?: boolean): Promise<Pin>;
}

export interface LiveModelOptions {
  shared: SharedIndex;
  /** The model of that name: from memory, the local cache, or the engine's models index. */
  modelNamed(name: string): Promise<LocalModel>;
  /** Tells the process's embedder to use this model (the indexer embeds with it). */
  onSwitch(model: LocalModel, index: string): void;
  alias: string;
  pollMs: number;
  logger: Logger;
  now?: () => number;
}

export function createLiveModel(options: LiveModelOptions): LiveModel {
  const now = options.now ?? Date.now;
  let state: Pin | undefined;
  let checkedAt = -Infinity;
  let reading: Promise<Pin> | undefined;

  async function resolve(live: LiveIndex | undefined): Promise<Pin> {
    if (live === undefined) return { index: undefined, model: state?.model ?? hashModel() };
    if (state?.index === live.index) return state;
    if (!isLocalModelName(live.embedder)) {
      throw new IndexMismatch(
        `search index "${live.index}" (alias "${options.alias}") was built with embedder ${live.embedder ?? '(unknown)'}, but EMBEDDING_PROVIDER=local: ` +
          'set EMBEDDING_PROVIDER (and its variables) to the embedder the index was built with, or run `onramp reindex`',
      );
    }
    const model = await options.modelNamed(live.embedder);
    if (model.dimension !== live.dimension) {
      throw new SearchError('model_corrupt', `local model ${model.name} has dimension ${model.dimension} but index "${live.index}" holds ${live.dimension ?? '?'}; run \`onramp reindex\``);
    }
    options.onSwitch(model, live.index);
    if (state !== undefined) options.logger.info({ index: live.index, embedder: model.name, previous: state.index }, 'live search index changed: switched model with it');
    return { index: live.index, model };
  }

  return {
    async pin(fresh = false) {
      if (!fresh && state !== undefined && now() - checkedAt < options.pollMs) return state;
      // One read of the alias at a time, shared by the queries waiting for it.
      reading ??= (async () => {
        try {
          const started = now();
          state = await resolve(await options.shared.live());
          checkedAt = started;
          return state;
        } finally {
          reading = undefined;
        }
      })();
      return reading;
    },
  };
}
