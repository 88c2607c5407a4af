// The parts of RFC 7643 / RFC 7644 that onramp reads and writes. Resources keep every attribute the
// server returned (index signature): a provider's dialect may add attributes we do not know about.

export const SCIM_CONTENT_TYPE = 'application/scim+json';
export const SCIM_SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

export interface ScimMeta {
  resourceType?: string;
  created?: string;
  lastModified?: string;
  location?: string;
  /** The entity tag (RFC 7644 §3.14), e.g. W/"3". */
  version?: string;
}

export interface ScimResource {
  schemas: string[];
  id: string;
  externalId?: string;
  meta?: ScimMeta;
  [attribute: string]: unknown;
}

export interface ScimEmail {
  value: string;
  type?: string;
  primary?: boolean;
}

export interface ScimGroupRef {
  value: string;
  display?: string;
  $ref?: string;
}

export interface ScimUserResource extends ScimResource {
  userName: string;
  active?: boolean;
  name?: { formatted?: string; givenName?: string; familyName?: string };
  displayName?: string;
  emails?: ScimEmail[];
  /** Read-only in RFC 7643 §4.1.2; not every server returns it. */
  groups?: ScimGroupRef[];
}

export interface ScimMember {
  value: string;
  display?: string;
  $ref?: string;
  type?: string;
}

export interface ScimGroupResource extends ScimResource {
  displayName: string;
  members?: ScimMember[];
}

/** What onramp sends to create a user. */
export interface ScimUserInput {
  userName: string;
  active: boolean;
  name?: { formatted?: string; givenName?: string; familyName?: string };
  displayName?: string;
  emails: ScimEmail[];
  externalId?: string;
}

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

export interface ListResponse<T extends ScimResource> {
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

export interface ListQuery {
  filter?: string;
  startIndex?: number;
  count?: number;
  attributes?: string[];
  excludedAttributes?: string[];
}

/** RFC 7643 §5, the parts a client acts on. */
export interface ServiceProviderConfig {
  patch: { supported: boolean };
  filter: { supported: boolean; maxResults: number };
  etag: { supported: boolean };
  sort: { supported: boolean };
  bulk: { supported: boolean };
}

/** A SCIM filter string literal (RFC 7644 §3.4.2.2 uses JSON string syntax): quotes and backslashes escaped. */
export function scimString(value: string): string {
  return JSON.stringify(value);
}
