// A Document.Published as onramp's own `docs` component appends it (`onramp docs add`, POST /documents):
// its id is a digest of what was published, so the same document published again is a duplicate.
import type { CloudEvent } from './cloud-event.js';
import { LIFECYCLE } from './event-types.js';
import { onrampEvent } from './onramp-event.js';

export function documentPublishedEvent(digest: string, data: { uri: string } & Record<string, unknown>): CloudEvent {
  return onrampEvent('docs', LIFECYCLE.documentPublished, data, { id: `doc-${digest.slice(0, 32)}`, subject: data.uri.slice(0, 512) });
}
