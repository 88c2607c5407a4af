// Search's typed errors. `index_mismatch` is the one a start-up must stop on: an index built by another
// embedder (or dimension) would answer with garbage, so it is refused with the way out in the message.
import { OnrampError } from '@onramp/core';

export class SearchError extends OnrampError {}

export class IndexMismatch extends SearchError {
  constructor(message: string) {
    super('index_mismatch', message);
  }
}

/** A search pinned to a concrete index found it gone (a swap deleted it): the caller reads the alias again. */
export class IndexGone extends SearchError {
  constructor(readonly index: string) {
    super('index_gone', `search index "${index}" no longer exists (the alias moved)`);
  }
}
