// The HR webhook's payload (docs/identity.md, "HR system → IDaaS"): Standard Webhooks' recommended shape
// {type, timestamp, data}, where `data` is the employee record as the HR system holds it. Which of its
// fields become which SCIM attributes is the mapping file's business, so the record is open: any field
// name, scalar values only, capped in number and size.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Type, type Static } from '@sinclair/typebox';
import { OnrampError } from '../errors.js';
import { HR } from '../events/event-types.js';

/** The payload's `type` → the stored event type. */
export const HR_PAYLOAD_TYPES = {
  'employee.hired': HR.employeeHired,
  'employee.changed': HR.employeeChanged,
  'employee.terminated': HR.employeeTerminated,
} as const;

export type HrPayloadType = keyof typeof HR_PAYLOAD_TYPES;

const FieldValue = Type.Union([Type.String({ maxLength: 1024 }), Type.Number(), Type.Boolean(), Type.Null()]);

export const HrEmployee = Type.Object(
  { employeeId: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' }) },
  { additionalProperties: FieldValue, maxProperties: 100, propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' } },
);

export const HrPayload = Type.Object(
  {
    type: Type.Union(Object.keys(HR_PAYLOAD_TYPES).map((t) => Type.Literal(t as HrPayloadType))),
    timestamp: Type.String({ format: 'date-time', maxLength: 64 }),
    data: HrEmployee,
  },
  { additionalProperties: false },
);

export type HrPayload = Static<typeof HrPayload>;
export type HrEmployeeRecord = Record<string, string | number | boolean | null> & { employeeId: string };

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };
const ajv = new Ajv({ allErrors: false, strict: false });
addFormats.default(ajv);
const checkPayload = ajv.compile(HrPayload);

/** The payload, or OnrampError invalid_request naming the first thing wrong with it. */
export function parseHrPayload(input: unknown): HrPayload {
  if (checkPayload(input)) return input as HrPayload;
  const error = checkPayload.errors?.[0];
  const pointer = error?.keyword === 'required' ? `${error.instancePath}/${String(error.params.missingProperty)}` : (error?.instancePath ?? '');
  const extra = error?.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
  const message = error?.keyword === 'required' ? 'is required' : `${error?.message ?? 'is invalid'}${extra}`;
  throw new OnrampError('invalid_request', `HR payload ${pointer || '/'} ${message}`);
}
