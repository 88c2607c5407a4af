// Search's typed errors. `index_mismatch` is the one a start-up must stop on: an index built by another
// embedder (or dimension) would answer with garbage, so it is refused with the way out in the message.
import { OnrampError } from '@onramp/core';

export class SearchError extends OnrampError {}

export class IndexMismatch extends SearchError {
  constructor(message: string) {
    super('index_mismatch', message);
  }
}
