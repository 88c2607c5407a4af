// Where the remote stores keep local models: `<alias>.models`, one document per model name (outside the
// `<alias>-*` pattern of the search indices' template). Nothing in it is searched: the mapping indexes no
// field and keeps each model whole in `_source`.
import type { LiveIndex, SharedIndex, StoredModel } from './ports.js';
export function modelsIndex(alias: string): string {
  return `${alias}.models`;
}

export function modelsIndexBody(replicas: number) {
  return {
    settings: { index: { number_of_shards: 1, number_of_replicas: replicas } },
    mappings: { dynamic: false as const, properties: {} },
  };
}

/** What each engine's client does for the alias and the models index. */
export interface SharedIndexCalls {
  /** The concrete indices behind the alias with their metadata. */
  liveIndices(): Promise<{ name: string; embedder: string | undefined; dimension: number | undefined }[]>;
  createIndex(): Promise<void>;
  /** The engine's answer to creating an index that exists (another host created it first). */
  alreadyExists(error: unknown): boolean;
  /** Wraps an engine error as onramp's error for that operation. */
  failure(operation: string, error: unknown): Error;
  index(model: StoredModel): Promise<void>;
  get(name: string): Promise<StoredModel | undefined>;
}

/** The alias and the models index, the models index created at the first write (a reading host never creates it). */
export function sharedIndex(calls: SharedIndexCalls): SharedIndex {
  let ready = false;
  return {
    live: async () => liveIndexOf(await calls.liveIndices()),
    models: {
      async put(model) {
        if (!ready) {
          try {
            await calls.createIndex();
          } catch (error) {
            if (!calls.alreadyExists(error)) throw calls.failure('indices.create', error);
          }
        }
        ready = true;
        // A model's name is a hash of its content: writing it again writes the same document.
        await calls.index(model);
      },
      get: (name) => calls.get(name),
    },
  };
}

/** The live index among those behind the alias (one, but the first by name should a swap leave two). */
export function liveIndexOf(indices: { name: string; embedder: string | undefined; dimension: number | undefined }[]): LiveIndex | undefined {
  const [index] = [...indices].sort((a, b) => a.name.localeCompare(b.name));
  return index === undefined ? undefined : { index: index.name, embedder: index.embedder, dimension: index.dimension };
}
