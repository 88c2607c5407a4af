// The CloudEvents 1.0 envelope as onramp keeps it: the context attributes, the JSON data,
// and every extension attribute (EventBridge's aliyun* among them) kept as it came.

export type ExtensionValue = string | number | boolean;

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  extensions: Record<string, ExtensionValue>;
}

export interface StoredEvent extends CloudEvent {
  seq: number;
  recordedAt: Date;
  /** The version of its type's data schema it was validated against (see catalogue.ts). */
  schemaVersion?: number;
}

export const CONTEXT_ATTRIBUTES = [
  'specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema',
] as const;

/** Splits a structured-mode JSON object into context attributes, data and extensions. */
export function fromStructured(input: Record<string, unknown>): CloudEvent {
  const event: Record<string, unknown> = { extensions: {} };
  const extensions: Record<string, ExtensionValue> = {};
  for (const [key, value] of Object.entries(input)) {
    if ((CONTEXT_ATTRIBUTES as readonly string[]).includes(key) || key === 'data') event[key] = value;
    else extensions[key] = value as ExtensionValue;
  }
  event.extensions = extensions;
  return event as unknown as CloudEvent;
}

/** The structured-mode JSON form, for reading the log back out. */
export function toStructured(event: CloudEvent): Record<string, unknown> {
  const { extensions, ...rest } = event;
  const out: Record<string, unknown> = { ...rest, ...extensions };
  delete out.seq;
  delete out.recordedAt;
  delete out.schemaVersion;
  return out;
}
