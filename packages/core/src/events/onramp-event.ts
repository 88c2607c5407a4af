// An event onramp's own components append (outcomes, replays, restores, reindexes, documents): one
// envelope, so they differ only in what they say.
import { randomUUID } from 'node:crypto';
import type { CloudEvent } from './cloud-event.js';
import { onrampSource } from './event-types.js';

export function onrampEvent(
  component: string,
  type: string,
  data: Record<string, unknown>,
  options: { id?: string; subject?: string | undefined } = {},
): CloudEvent {
  const event: CloudEvent = {
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    source: onrampSource(component),
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    extensions: {},
  };
  if (options.subject !== undefined) event.subject = options.subject;
  return event;
}
