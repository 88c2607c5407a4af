// What an indexer event means for the index, as data: the source it concerns and its new drafts (or
// `null`: remove it). The live consumer and the reindex fold the same effects, so they cannot disagree.
import { LIFECYCLE, OUTCOME, type DocsRoots, type StoredEvent } from '@onramp/core';
import { documentDrafts, personSourceId, profileDraft, type IndexDraft } from '@onramp/search';
import { readDocument } from './read-document.js';

export interface IndexEffect {
  sourceId: string;
  drafts: IndexDraft[] | null;
  outcome: { type: string; data: Record<string, unknown> };
}

type Json = Record<string, unknown>;

export async function indexEffect(event: StoredEvent, docsRoots: DocsRoots): Promise<IndexEffect | undefined> {
  const data = (event.data ?? {}) as Json;
  switch (event.type) {
    case LIFECYCLE.userCreated:
    case LIFECYCLE.userUpdated: {
      const sourceId = personSourceId(data);
      // An update that says active=false is a leaver too.
      if (data.active === false) return { sourceId, drafts: null, outcome: { type: OUTCOME.profileRemoved, data: { sourceId } } };
      return { sourceId, drafts: [profileDraft(data)], outcome: { type: OUTCOME.profileIndexed, data: { sourceId } } };
    }
    case LIFECYCLE.userDeactivated:
    case LIFECYCLE.userDeleted: {
      const sourceId = personSourceId(data);
      return { sourceId, drafts: null, outcome: { type: OUTCOME.profileRemoved, data: { sourceId } } };
    }
    case LIFECYCLE.documentPublished: {
      const doc = await readDocument(data, docsRoots);
      const drafts = documentDrafts(doc);
      return { sourceId: drafts[0]!.sourceId, drafts, outcome: { type: OUTCOME.documentIndexed, data: { uri: doc.uri, chunks: drafts.length } } };
    }
    default:
      return undefined;
  }
}
