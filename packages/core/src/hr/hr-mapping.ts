// The declarative mapping from an HR employee record to a SCIM core User with the enterprise extension
// (HR_MAPPING_FILE, format in docs/identity.md). Read and checked once at start, so that a wrong file stops
// the process with the file and the problem named, instead of refusing every webhook later.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { Type, type Static } from '@sinclair/typebox';
import { SCIM_ENTERPRISE_USER, SCIM_USER } from '../events/schemas.js';
import type { HrEmployeeRecord } from './hr-payload.js';

const WORK_EMAIL = 'emails[type eq "work"].value';

/** The SCIM attributes a mapping may set (paths as RFC 7644 §3.5.2 writes them), and where each goes. */
const CORE_TARGETS = [
  'userName', 'externalId', 'displayName', 'nickName', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone',
  'name.formatted', 'name.givenName', 'name.familyName', 'name.middleName', 'name.honorificPrefix', 'name.honorificSuffix',
  WORK_EMAIL, 'phoneNumbers[type eq "work"].value', 'phoneNumbers[type eq "mobile"].value',
] as const;
const ENTERPRISE_TARGETS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager.value'].map((a) => `${SCIM_ENTERPRISE_USER}:${a}`);
export const MAPPING_TARGETS: readonly string[] = [...CORE_TARGETS, ...ENTERPRISE_TARGETS];
/** What every mapping must set: the stored User needs a userName and a work email (the catalogue's ScimUser). */
const REQUIRED_TARGETS = ['userName', WORK_EMAIL];

const Transform = Type.Union([Type.Literal('trim'), Type.Literal('lowercase'), Type.Literal('uppercase'), Type.Literal('collapseSpaces')]);
const FieldName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' });

const Rule = Type.Object(
  {
    /** The HR field, or several joined with `join` (empty ones left out). */
    from: Type.Optional(Type.Union([FieldName, Type.Array(FieldName, { minItems: 1, maxItems: 10 })])),
    /** A constant instead of a field. */
    value: Type.Optional(Type.String({ maxLength: 1024 })),
    join: Type.Optional(Type.String({ maxLength: 16 })),
    transform: Type.Optional(Type.Array(Transform, { maxItems: 8 })),
    /** HR value (after the transforms) → SCIM value; values not listed pass unchanged. */
    map: Type.Optional(Type.Record(Type.String({ maxLength: 1024 }), Type.String({ maxLength: 1024 }))),
    /** When the field is missing or empty. */
    default: Type.Optional(Type.String({ maxLength: 1024 })),
    /** A payload without a value here is refused (400). */
    required: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const MappingFile = Type.Object(
  {
    version: Type.Literal(1),
    description: Type.Optional(Type.String()),
    attributes: Type.Record(Type.String(), Rule),
  },
  { additionalProperties: false },
);

export type HrMappingRule = Static<typeof Rule>;
export interface HrMapping {
  file: string;
  rules: ReadonlyArray<[target: string, rule: HrMappingRule]>;
}

const ajv = new Ajv({ allErrors: false, strict: false });
const checkFile = ajv.compile(MappingFile);

/** The mapping in `file`, or the problem with it (a sentence that names the file). */
export function readHrMapping(file: string): HrMapping | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as { code?: string }).code;
    return `HR_MAPPING_FILE ${file}: ${code === undefined ? `not JSON (${(error as Error).message})` : `cannot be read (${code})`}`;
  }
  return parseHrMapping(file, parsed);
}

export function parseHrMapping(file: string, parsed: unknown): HrMapping | string {
  if (!checkFile(parsed)) {
    const error = checkFile.errors?.[0];
    const where = error?.instancePath === '' || error === undefined ? 'the file' : error.instancePath;
    const extra = error?.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
    return `HR_MAPPING_FILE ${file}: ${where} ${error?.message ?? 'is invalid'}${extra}`;
  }
  const mapping = parsed as Static<typeof MappingFile>;
  const rules = Object.entries(mapping.attributes);
  for (const [target, rule] of rules) {
    if (!MAPPING_TARGETS.includes(target)) return `HR_MAPPING_FILE ${file}: "${target}" is not a SCIM attribute the mapping can set (one of: ${MAPPING_TARGETS.join(', ')})`;
    if ((rule.from === undefined) === (rule.value === undefined)) return `HR_MAPPING_FILE ${file}: "${target}" needs exactly one of "from" or "value"`;
  }
  for (const target of REQUIRED_TARGETS) {
    if (!rules.some(([t]) => t === target)) return `HR_MAPPING_FILE ${file}: "${target}" must be mapped (every stored User has one)`;
  }
  return { file, rules };
}

const asText = (value: string | number | boolean | null | undefined) => (value === null || value === undefined ? undefined : String(value));

function valueOf(rule: HrMappingRule, employee: HrEmployeeRecord): string | undefined {
  let value: string | undefined;
  if (rule.value !== undefined) value = rule.value;
  else {
    const fields = typeof rule.from === 'string' ? [rule.from] : (rule.from ?? []);
    const parts = fields.map((f) => asText(employee[f])?.trim()).filter((p): p is string => p !== undefined && p !== '');
    value = parts.length === 0 ? undefined : parts.join(rule.join ?? ' ');
  }
  for (const transform of rule.transform ?? []) {
    if (value === undefined) break;
    if (transform === 'trim') value = value.trim();
    else if (transform === 'lowercase') value = value.toLowerCase();
    else if (transform === 'uppercase') value = value.toUpperCase();
    else value = value.replace(/\s+/g, ' ');
  }
  if (value !== undefined && rule.map !== undefined && Object.hasOwn(rule.map, value)) value = rule.map[value];
  return value === undefined || value === '' ? rule.default : value;
}

/** One payload that the mapping cannot turn into a User (a required value missing). */
export class UnmappableEmployee extends Error {
  constructor(readonly target: string, readonly rule: HrMappingRule) {
    super(`no value for ${target} (from ${JSON.stringify(rule.from ?? rule.value)})`);
  }
}

/** The SCIM User the HR record becomes; `active` comes from the event (hire/change true, termination false). */
export function mapEmployee(mapping: HrMapping, employee: HrEmployeeRecord, active: boolean): Record<string, unknown> {
  const user: Record<string, unknown> = { schemas: [SCIM_USER] };
  const name: Record<string, string> = {};
  const enterprise: Record<string, unknown> = {};
  const phones: { value: string; type: string }[] = [];
  for (const [target, rule] of mapping.rules) {
    const value = valueOf(rule, employee);
    if (value === undefined) {
      if (rule.required === true || REQUIRED_TARGETS.includes(target)) throw new UnmappableEmployee(target, rule);
      continue;
    }
    if (target.startsWith(`${SCIM_ENTERPRISE_USER}:`)) {
      const attribute = target.slice(SCIM_ENTERPRISE_USER.length + 1);
      if (attribute === 'manager.value') enterprise.manager = { value };
      else enterprise[attribute] = value;
    } else if (target.startsWith('name.')) name[target.slice(5)] = value;
    else if (target === WORK_EMAIL) user.emails = [{ value, type: 'work', primary: true }];
    else if (target.startsWith('phoneNumbers')) phones.push({ value, type: /"(\w+)"/.exec(target)![1]! });
    else user[target] = value;
  }
  if (Object.keys(name).length > 0) user.name = name;
  if (phones.length > 0) user.phoneNumbers = phones;
  if (Object.keys(enterprise).length > 0) {
    user.schemas = [SCIM_USER, SCIM_ENTERPRISE_USER];
    user[SCIM_ENTERPRISE_USER] = enterprise;
  }
  user.active = active;
  return user;
}
