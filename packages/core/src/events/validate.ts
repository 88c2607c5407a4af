// Compiles the schemas once and checks a batch of structured-mode events, all of them, before any write.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { InvalidEvent, type InvalidField } from '../errors.js';
import { fromStructured, toStructured, type CloudEvent } from './cloud-event.js';
import { CATALOGUE } from './catalogue.js';
import { envelopeSchema } from './schemas.js';
import { storableProblems } from './storable.js';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);

const envelope = ajv.compile(envelopeSchema());
const byType = new Map<string, ValidateFunction>(
  Object.entries(CATALOGUE).map(([type, { data }]) => [type, ajv.compile(envelopeSchema(data))]),
);

function describe(errors: ErrorObject[] | null | undefined): InvalidField[] {
  return (errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : '';
    const extra = e.keyword === 'additionalProperties' ? `/${String(e.params.additionalProperty)}` : '';
    const message = missing !== '' ? 'is required' : extra !== '' ? 'is not allowed' : (e.message ?? 'is invalid');
    return { pointer: `${e.instancePath}${missing}${extra}`, message };
  });
}

/** Events that came out of parseEvent: validated already, so an append need not check them again. */
const validated = new WeakSet<CloudEvent>();

/** Validates one structured-mode event; `index` is its place in the request, for the error. */
export function parseEvent(input: unknown, index: number): CloudEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidEvent(index, [{ pointer: '', message: 'must be a JSON object' }]);
  }
  // A type's validator checks the envelope too, so each event is validated once.
  const type = (input as { type?: unknown }).type;
  const validate = (typeof type === 'string' ? byType.get(type) : undefined) ?? envelope;
  if (!validate(input)) throw new InvalidEvent(index, describe(validate.errors));
  const event = fromStructured(input as Record<string, unknown>);
  // Only after the schema passed: extension values are then scalars, safe to serialize.
  const problems = storableProblems(input as Record<string, unknown>, event.extensions);
  if (problems.length > 0) throw new InvalidEvent(index, problems);
  validated.add(event);
  return event;
}

/**
 * Every append goes through here: events from a door were validated on the way in; the others (outcomes,
 * replays, reindexes, documents) are validated now, so nothing enters the log unchecked.
 */
export function requireValid(events: readonly CloudEvent[]): void {
  for (const [index, event] of events.entries()) {
    if (validated.has(event)) continue;
    parseEvent(toStructured(event), index);
    validated.add(event);
  }
}

export function parseEvents(inputs: unknown[]): CloudEvent[] {
  return inputs.map((input, index) => parseEvent(input, index));
}
