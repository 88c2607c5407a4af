// A Document.Published as onramp's own `docs` component appends it (`onramp docs add`, POST /documents):
// its id is a digest of what was published, so the same document published again is a duplicate.
import type { CloudEvent } from './cloud-event.js';
import { LIFECYCLE, onrampSource } from './event-types.js';

export function documentPublishedEvent(digest: string, data: { uri: string } & Record<string, unknown>): CloudEvent {
  return {
    specversion: '1.0',
    id: `doc-${digest.slice(0, 32)}`,
    source: onrampSource('docs'),
    type: LIFECYCLE.documentPublished,
    subject: data.uri.slice(0, 512),
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    extensions: {},
  };
}
