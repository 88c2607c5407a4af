// What an indexer event means for the index, as data: the source it concerns and its new drafts (or
// `null`: remove it). The live consumer and the reindex fold the same effects, so they cannot disagree.
import { LIFECYCLE, OUTCOME, foldPersonState, isEventOf, type DocsRoots, type PersonState, type StoredEvent } from '@onramp/core';
import { documentDrafts, personSourceId, profileDraft, type IndexDraft } from '@onramp/search';
import { readDocument } from './read-document.js';

export interface IndexEffect {
  sourceId: string;
  drafts: IndexDraft[] | null;
  outcome: { type: string; data: Record<string, unknown> };
}

type Json = Record<string, unknown>;

/** A person's state from all their events (person-state.ts); without it, the event alone decides. */
export type PersonLookup = (subject: string) => Promise<PersonState | undefined>;

function personEffect(state: PersonState): IndexEffect {
  const profile: Json | undefined = state.profile as Json | undefined;
  // The profile's id names the entry; a leaver's event often carries only the userName.
  const sourceId = personSourceId(profile ?? (state.decidedBy.data as Json));
  if (state.status === 'left' || profile === undefined) return { sourceId, drafts: null, outcome: { type: OUTCOME.profileRemoved, data: { sourceId } } };
  return { sourceId, drafts: [profileDraft(profile)], outcome: { type: OUTCOME.profileIndexed, data: { sourceId } } };
}

export async function indexEffect(event: StoredEvent, docsRoots: DocsRoots, person?: PersonLookup): Promise<IndexEffect | undefined> {
  if (isEventOf(event, LIFECYCLE.userCreated, LIFECYCLE.userUpdated, LIFECYCLE.userDeactivated, LIFECYCLE.userDeleted)) {
    // Events appended out of order: the entry follows the person's latest state by time, not this event.
    const state = person !== undefined && event.subject !== undefined ? await person(event.subject) : undefined;
    return personEffect(state ?? foldPersonState([event])!);
  }
  if (isEventOf(event, LIFECYCLE.documentPublished)) {
    const doc = await readDocument(event.data, docsRoots);
    const drafts = documentDrafts(doc);
    return { sourceId: drafts[0]!.sourceId, drafts, outcome: { type: OUTCOME.documentIndexed, data: { uri: doc.uri, chunks: drafts.length } } };
  }
  return undefined;
}
