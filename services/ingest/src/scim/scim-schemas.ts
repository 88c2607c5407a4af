// What the endpoint says about itself (RFC 7644 §4, RFC 7643 §5–§7): ServiceProviderConfig, the two
// resource types and their schemas, and the canonical spelling of attribute names (names are
// case-insensitive on the wire; stored resources use the schema's spelling).
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_USER } from '@onramp/core';

export const MAX_RESULTS = 200;
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

export function isExtensionUrn(name: string): boolean {
  return name.toLowerCase() === SCIM_ENTERPRISE_USER.toLowerCase();
}

interface AttributeOptions {
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned?: 'always' | 'never' | 'default' | 'request';
  uniqueness?: 'none' | 'server' | 'global';
  subAttributes?: Attribute[];
  referenceTypes?: string[];
  description?: string;
}

interface Attribute extends Required<Omit<AttributeOptions, 'subAttributes' | 'referenceTypes'>> {
  name: string;
  type: 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex';
  subAttributes?: Attribute[];
  referenceTypes?: string[];
}

function attribute(name: string, type: Attribute['type'], options: AttributeOptions = {}): Attribute {
  const { subAttributes, referenceTypes, ...rest } = options;
  return {
    name,
    type,
    multiValued: false,
    description: name,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...rest,
    ...(subAttributes === undefined ? {} : { subAttributes }),
    ...(referenceTypes === undefined ? {} : { referenceTypes }),
  };
}

const s = (name: string, options?: AttributeOptions) => attribute(name, 'string', options);
const multi = (name: string, subAttributes: Attribute[]) =>
  attribute(name, 'complex', { multiValued: true, subAttributes: [...subAttributes, s('type'), attribute('primary', 'boolean'), s('display')] });

const USER_ATTRIBUTES: Attribute[] = [
  s('userName', { required: true, uniqueness: 'server', description: 'Unique identifier for the User; compared without regard to case.' }),
  attribute('name', 'complex', {
    subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => s(n)),
  }),
  ...['displayName', 'nickName', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'].map((n) => s(n)),
  attribute('profileUrl', 'reference', { referenceTypes: ['external'] }),
  attribute('active', 'boolean', { description: 'false deactivates the User (a leaver); the strings "True"/"False" are read as booleans' }),
  attribute('password', 'string', { mutability: 'writeOnly', returned: 'never', description: 'Accepted and dropped: never stored or logged.' }),
  multi('emails', [s('value', { required: true })]),
  multi('phoneNumbers', [s('value')]),
  multi('ims', [s('value')]),
  multi('photos', [attribute('value', 'reference', { referenceTypes: ['external'] })]),
  attribute('addresses', 'complex', {
    multiValued: true,
    subAttributes: ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((n) => s(n)).concat(attribute('primary', 'boolean')),
  }),
  multi('entitlements', [s('value')]),
  multi('roles', [s('value')]),
  multi('x509Certificates', [attribute('value', 'string')]),
];

const ENTERPRISE_ATTRIBUTES: Attribute[] = [
  ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((n) => s(n)),
  attribute('manager', 'complex', {
    subAttributes: [attribute('value', 'string'), attribute('$ref', 'reference', { referenceTypes: ['User'] }), s('displayName', { mutability: 'readOnly' })],
    description: 'A manager id given as a plain string (as Entra ID sends it) is stored as {"value": id}.',
  }),
];

const GROUP_ATTRIBUTES: Attribute[] = [
  s('displayName', { required: true, uniqueness: 'server', description: 'Unique per endpoint, compared without regard to case.' }),
  attribute('members', 'complex', {
    multiValued: true,
    subAttributes: [
      attribute('value', 'string', { mutability: 'immutable', caseExact: true }),
      attribute('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
      s('display', { mutability: 'readOnly' }),
      s('type', { mutability: 'immutable' }),
    ],
  }),
];

const CANONICAL = new Map<string, string>();
for (const a of [...USER_ATTRIBUTES, ...ENTERPRISE_ATTRIBUTES, ...GROUP_ATTRIBUTES, s('externalId'), s('id')]) {
  CANONICAL.set(a.name.toLowerCase(), a.name);
  for (const sub of a.subAttributes ?? []) CANONICAL.set(sub.name.toLowerCase(), sub.name);
}
CANONICAL.set(SCIM_ENTERPRISE_USER.toLowerCase(), SCIM_ENTERPRISE_USER);

/** The schema's spelling of an attribute name (`USERNAME` → `userName`); unknown names as given. */
export function canonicalName(name: string): string {
  return CANONICAL.get(name.toLowerCase()) ?? name;
}

const location = (base: string, path: string) => `${base}${path}`;

export function serviceProviderConfig(base: string): Record<string, unknown> {
  return {
    schemas: [SPC_SCHEMA],
    documentationUri: 'https://github.com/onramp/onramp/blob/main/docs/identity.md',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      { type: 'oauthbearertoken', name: 'Bearer token', description: 'Authorization: Bearer <SCIM_SERVER_TOKEN>', primary: true },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: location(base, '/ServiceProviderConfig') },
  };
}

export function resourceTypes(base: string): Record<string, unknown>[] {
  return [
    {
      schemas: [RESOURCE_TYPE_SCHEMA], id: 'User', name: 'User', endpoint: '/Users', description: 'User Account', schema: SCIM_USER,
      schemaExtensions: [{ schema: SCIM_ENTERPRISE_USER, required: false }],
      meta: { resourceType: 'ResourceType', location: location(base, '/ResourceTypes/User') },
    },
    {
      schemas: [RESOURCE_TYPE_SCHEMA], id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Group', schema: SCIM_GROUP,
      meta: { resourceType: 'ResourceType', location: location(base, '/ResourceTypes/Group') },
    },
  ];
}

export function schemas(base: string): Record<string, unknown>[] {
  const schema = (id: string, name: string, description: string, attributes: Attribute[]) => ({
    schemas: [SCHEMA_SCHEMA], id, name, description, attributes,
    meta: { resourceType: 'Schema', location: location(base, `/Schemas/${id}`) },
  });
  return [
    schema(SCIM_USER, 'User', 'User Account', USER_ATTRIBUTES),
    schema(SCIM_ENTERPRISE_USER, 'EnterpriseUser', 'Enterprise User', ENTERPRISE_ATTRIBUTES),
    schema(SCIM_GROUP, 'Group', 'Group', GROUP_ATTRIBUTES),
  ];
}
