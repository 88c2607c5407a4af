// The end of a rebuild in either engine: the new index refreshed, the alias moved to it in one `_aliases`
// call, then the indices it replaced deleted. The engines differ only in how their clients spell these calls.
import type { Logger } from '@onramp/core';

export type AliasAction = { remove: { index: string; alias: string } } | { add: { index: string; alias: string } };

/** What each engine's client does for a swap; each call throws onramp's error for its operation. */
export interface AliasSwapCalls {
  refresh(index: string): Promise<void>;
  /** The concrete indices the alias points at now. */
  indicesBehind(): Promise<string[]>;
  updateAliases(actions: AliasAction[]): Promise<void>;
  deleteIndices(indices: string[]): Promise<void>;
}

/** Points the alias at `index` alone and returns the indices it pointed at before. */
export async function swapAlias(calls: AliasSwapCalls, alias: string, index: string, logger: Logger): Promise<string[]> {
  await calls.refresh(index);
  const old = (await calls.indicesBehind()).filter((name) => name !== index);
  // One call, so every search sees either the old index or the new one, never neither.
  await calls.updateAliases([...old.map((name) => ({ remove: { index: name, alias } })), { add: { index, alias } }]);
  logger.info({ index, alias, replaced: old }, 'search index swapped in');
  return old;
}

/** Deletes the indices a swap replaced; a failure is logged, not thrown. */
export async function deleteReplaced(calls: AliasSwapCalls, old: string[], logger: Logger): Promise<void> {
  if (old.length === 0) return;
  try {
    await calls.deleteIndices(old);
  } catch (error) {
    // The swap is done; a leftover index costs disk, not correctness.
    logger.warn({ indices: old, err: (error as Error).message }, 'could not delete the replaced index');
  }
}
