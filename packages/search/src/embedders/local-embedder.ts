// The `local` embedder: offline, deterministic, in-process. It embeds with one local model at a time;
// `use` switches model when a reindex has trained a new one and swapped the index built with it.
import type { Embedder } from '../ports.js';
import { embedWithModel, hashModel, type LocalModel } from './local-model.js';

export interface LocalEmbedder extends Embedder {
  readonly model: LocalModel;
  use(model: LocalModel): void;
}

export function createLocalEmbedder(initial: LocalModel = hashModel()): LocalEmbedder {
  let model = initial;
  return {
    get name() {
      return model.name;
    },
    get dimension() {
      return model.dimension;
    },
    get model() {
      return model;
    },
    use(next) {
      model = next;
    },
    // The local models are symmetric: a query and a passage are embedded alike.
    async embed(texts) {
      const current = model;
      return texts.map((text) => embedWithModel(current, text));
    },
  };
}
