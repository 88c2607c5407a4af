// What an indexer event means for the index, as data: the source it concerns and its new drafts (or
// `null`: remove it). The live consumer and the reindex fold the same effects, so they cannot disagree.
import { LIFECYCLE, OUTCOME, isEventOf, type DocsRoots, type StoredEvent } from '@onramp/core';
import { documentDrafts, personSourceId, profileDraft, type IndexDraft } from '@onramp/search';
import { readDocument } from './read-document.js';

export interface IndexEffect {
  sourceId: string;
  drafts: IndexDraft[] | null;
  outcome: { type: string; data: Record<string, unknown> };
}

type Json = Record<string, unknown>;

export async function indexEffect(event: StoredEvent, docsRoots: DocsRoots): Promise<IndexEffect | undefined> {
  if (isEventOf(event, LIFECYCLE.userCreated, LIFECYCLE.userUpdated)) {
    const data: Json = event.data;
    const sourceId = personSourceId(data);
    // An update that says active=false is a leaver too.
    if (event.data.active === false) return { sourceId, drafts: null, outcome: { type: OUTCOME.profileRemoved, data: { sourceId } } };
    return { sourceId, drafts: [profileDraft(data)], outcome: { type: OUTCOME.profileIndexed, data: { sourceId } } };
  }
  if (isEventOf(event, LIFECYCLE.userDeactivated, LIFECYCLE.userDeleted)) {
    const sourceId = personSourceId(event.data);
    return { sourceId, drafts: null, outcome: { type: OUTCOME.profileRemoved, data: { sourceId } } };
  }
  if (isEventOf(event, LIFECYCLE.documentPublished)) {
    const doc = await readDocument(event.data, docsRoots);
    const drafts = documentDrafts(doc);
    return { sourceId: drafts[0]!.sourceId, drafts, outcome: { type: OUTCOME.documentIndexed, data: { uri: doc.uri, chunks: drafts.length } } };
  }
  return undefined;
}
