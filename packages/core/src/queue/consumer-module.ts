// A consumer as a module: what it is called, what it takes and emits, what it reads from the
// environment, and how it starts. Each service exports one; the composition root lists them in one
// place (packages/cli/src/consumer-modules.ts) and nothing else names them.
import type { Config } from '../config.js';
import type { ServiceWorkerOptions } from './consumer-worker.js';

export interface RunningConsumer {
  close(): Promise<void>;
}

export interface ConsumerModule<Options extends ServiceWorkerOptions = ServiceWorkerOptions> {
  /** The queue's name and the key of its rows in the log: renaming it strands its work. */
  readonly name: string;
  /** `reactor`: effects once (email, accounts); `projection`: a rebuildable view (the search index). */
  readonly kind: 'reactor' | 'projection';
  readonly subscribes: readonly string[];
  readonly emits: readonly string[];
  /** The environment variables it reads (beyond the shared ones): for docs and deployment files. */
  readonly variables: readonly string[];
  /** One line for `onramp start`'s output: where its effects go. */
  describe(config: Config): string;
  /** The warning when the configuration makes it a stand-in (captured mail, a dry run); undefined when real. */
  standIn?(config: Config): string | undefined;
  start(config: Config, options: Options): Promise<RunningConsumer>;
}
