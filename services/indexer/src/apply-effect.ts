// Embeds an effect's drafts and writes them: a document's new chunks replace all of its old ones.
import { searchableText, type Embedder, type IndexDraft, type IndexedItem, type RebuildTarget, type VectorStore } from '@onramp/search';
import type { IndexEffect } from './index-effect.js';

export async function embedDrafts(embedder: Embedder, drafts: IndexDraft[]): Promise<IndexedItem[]> {
  const vectors = await embedder.embed(drafts.map(searchableText), 'passage');
  return drafts.map((draft, i) => ({ ...draft, vector: vectors[i]! }));
}

export async function applyEffect(effect: IndexEffect, embedder: Embedder, store: VectorStore, target?: RebuildTarget): Promise<void> {
  const items = effect.drafts === null ? [] : await embedDrafts(embedder, effect.drafts);
  await store.deleteBySource(effect.sourceId, target);
  if (items.length > 0) await store.upsert(items, target);
}
