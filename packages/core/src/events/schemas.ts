// JSON Schemas of the envelope and of each lifecycle event's data. Validation happens before any write.
import { Type, type TSchema } from '@sinclair/typebox';

export const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const ExtensionValue = Type.Union([Type.String({ maxLength: 2048 }), Type.Number(), Type.Boolean()]);

/** Structured-mode CloudEvents 1.0; extension names follow the spec (lower-case letters and digits). */
export function envelopeSchema(data: TSchema = Type.Unknown()): TSchema {
  return Type.Object(
    {
      specversion: Type.Literal('1.0'),
      id: Type.String({ minLength: 1, maxLength: 255 }),
      source: Type.String({ minLength: 1, maxLength: 255 }),
      type: Type.String({ minLength: 1, maxLength: 255 }),
      subject: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
      // The lengths are the log's column sizes: an event that validates must fit.
      time: Type.Optional(Type.String({ format: 'date-time', maxLength: 64 })),
      datacontenttype: Type.Optional(Type.String({ pattern: '^application/([a-z0-9.+-]+\\+)?json(;.*)?$', maxLength: 255 })),
      dataschema: Type.Optional(Type.String({ format: 'uri', maxLength: 1024 })),
      data,
    },
    // Any other attribute is an extension: a lower-case alphanumeric name (so no data_base64: data is JSON).
    { propertyNames: { pattern: '^[a-z0-9]{1,32}$' }, additionalProperties: ExtensionValue },
  );
}

// An address as RFC 6531 (SMTPUTF8) allows it: the dot-atom of RFC 5322 plus any non-ASCII character
// that is not a control, format (bidi, zero-width) or space character in the local part, and labels of
// letters, marks and digits of any script in the domain (`josé@example.com`, `用户@例子.公司`). Every
// address ajv-formats' `email` accepts, this accepts too. Ajv compiles patterns with the `u` flag.
const ATOM = "(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\\p{C}\\p{Z}\\x00-\\x7f])+";
// Written so that no character can be matched two ways: the check stays linear in the input's length.
const LABEL = '[\\p{L}\\p{M}\\p{N}]+(?:-+[\\p{L}\\p{M}\\p{N}]+)*';
export const EMAIL_ADDRESS_PATTERN = `^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+${LABEL}$`;

const Email = Type.Object({
  value: Type.String({ pattern: EMAIL_ADDRESS_PATTERN, maxLength: 320 }),
  type: Type.Optional(Type.String()),
  primary: Type.Optional(Type.Boolean()),
  display: Type.Optional(Type.String()),
});

const Name = Type.Object({
  formatted: Type.Optional(Type.String({ maxLength: 512 })),
  familyName: Type.Optional(Type.String({ maxLength: 256 })),
  givenName: Type.Optional(Type.String({ maxLength: 256 })),
  middleName: Type.Optional(Type.String({ maxLength: 256 })),
});

const EnterpriseUser = Type.Object({
  employeeNumber: Type.Optional(Type.String({ maxLength: 128 })),
  department: Type.Optional(Type.String({ maxLength: 256 })),
  organization: Type.Optional(Type.String({ maxLength: 256 })),
  division: Type.Optional(Type.String({ maxLength: 256 })),
  manager: Type.Optional(
    Type.Object({ value: Type.Optional(Type.String()), displayName: Type.Optional(Type.String()) }),
  ),
});

const userFields = {
  schemas: Type.Array(Type.String(), { minItems: 1, contains: Type.Literal(SCIM_USER) }),
  id: Type.Optional(Type.String({ maxLength: 255 })),
  externalId: Type.Optional(Type.String({ maxLength: 255 })),
  userName: Type.String({ minLength: 1, maxLength: 320 }),
  name: Type.Optional(Name),
  displayName: Type.Optional(Type.String({ maxLength: 512 })),
  title: Type.Optional(Type.String({ maxLength: 256 })),
  emails: Type.Array(Email, { minItems: 1, maxItems: 20 }),
  active: Type.Boolean(),
  [SCIM_ENTERPRISE_USER]: Type.Optional(EnterpriseUser),
};

/** A SCIM 2.0 User (RFC 7643 §4.1) with the enterprise extension; unknown attributes are kept. */
export const ScimUser = Type.Object(userFields, { additionalProperties: true });

export const ScimUserReference = Type.Object(
  {
    schemas: Type.Optional(Type.Array(Type.String())),
    id: Type.Optional(Type.String({ maxLength: 255 })),
    userName: Type.String({ minLength: 1, maxLength: 320 }),
  },
  { additionalProperties: true },
);

export const DocumentPublished = Type.Object(
  {
    uri: Type.String({ minLength: 1, maxLength: 1024 }),
    title: Type.String({ minLength: 1, maxLength: 1024 }),
    // Within MAX_DATA_BYTES (storable.ts) at 4 bytes a character; `onramp docs add` inlines files of up to
    // 1 MiB and publishes larger ones by location.
    text: Type.Optional(Type.String({ maxLength: 1024 * 1024 })),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    acl: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 256 }),
    mediaType: Type.Optional(Type.String({ maxLength: 255 })),
    department: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: true, anyOf: [{ required: ['text'] }, { required: ['location'] }] },
);

const GroupMember = Type.Object(
  {
    value: Type.String({ minLength: 1, maxLength: 255 }),
    display: Type.Optional(Type.String({ maxLength: 512 })),
    type: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: true },
);

/**
 * A SCIM 2.0 Group (RFC 7643 §4.2). `members`, when present, lists members the door reported; a door that
 * reports a membership change rather than the whole list says so in `membersAdded` / `membersRemoved`.
 */
export const ScimGroup = Type.Object(
  {
    schemas: Type.Array(Type.String(), { minItems: 1, contains: Type.Literal(SCIM_GROUP) }),
    id: Type.String({ minLength: 1, maxLength: 255 }),
    externalId: Type.Optional(Type.String({ maxLength: 255 })),
    displayName: Type.Optional(Type.String({ maxLength: 512 })),
    members: Type.Optional(Type.Array(GroupMember, { maxItems: 10_000 })),
    membersAdded: Type.Optional(Type.Array(GroupMember, { maxItems: 10_000 })),
    membersRemoved: Type.Optional(Type.Array(GroupMember, { maxItems: 10_000 })),
  },
  { additionalProperties: true },
);

export const ScimGroupReference = Type.Object(
  { schemas: Type.Optional(Type.Array(Type.String())), id: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: true },
);
