// The SCIM client used when GITBOOK_SCIM_URL is unset: it makes no call, records the calls it would
// make (as if GitBook had none of the people or groups yet), and answers with made-up resources.
import { SCIM_SCHEMA, type ScimClient, type ScimGroupResource, type ScimUserResource } from '@onramp/core';

export interface DryRunScim extends ScimClient {
  readonly calls: string[];
}

const config = {
  patch: { supported: true },
  filter: { supported: true, maxResults: 100 },
  etag: { supported: false },
  sort: { supported: false },
  bulk: { supported: false },
};

export function createDryRunScim(): DryRunScim {
  const calls: string[] = [];
  let n = 0;
  const record = (call: string) => calls.push(call);
  return {
    calls,
    async serviceProviderConfig() {
      return config;
    },
    async findUserByUserName(userName) {
      record(`GET /Users?filter=userName eq ${JSON.stringify(userName)}`);
      return undefined;
    },
    async getUser(id) {
      record(`GET /Users/${id}`);
      return undefined;
    },
    async createUser(user) {
      record('POST /Users');
      const created: ScimUserResource = { schemas: [SCIM_SCHEMA.user], id: `dry-run-user-${++n}`, ...user, groups: [] };
      return { user: created, adopted: false };
    },
    async patchUser(id, operations) {
      record(`PATCH /Users/${id} ${operations.map((o) => `${o.op} ${o.path ?? ''}`.trim()).join(', ')}`);
      return undefined;
    },
    async deleteUser(id) {
      record(`DELETE /Users/${id}`);
      return false;
    },
    async findGroupByDisplayName(displayName) {
      record(`GET /Groups?filter=displayName eq ${JSON.stringify(displayName)}`);
      return undefined;
    },
    async createGroup(displayName) {
      record('POST /Groups');
      const group: ScimGroupResource = { schemas: [SCIM_SCHEMA.group], id: `dry-run-group-${++n}`, displayName };
      return { group, adopted: false };
    },
    async addGroupMember(groupId, userId) {
      record(`PATCH /Groups/${groupId} add members ${userId}`);
    },
    async removeGroupMember(groupId, userId) {
      record(`PATCH /Groups/${groupId} remove members ${userId}`);
    },
    async listUsers(query = {}) {
      record(`GET /Users${query.filter === undefined ? '' : `?filter=${query.filter}`}`);
      return { totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] };
    },
    async listGroups(query = {}) {
      record(`GET /Groups${query.filter === undefined ? '' : `?filter=${query.filter}`}`);
      return { totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] };
    },
    async listAll(endpoint, query = {}) {
      record(`GET ${endpoint}${query.filter === undefined ? '' : `?filter=${query.filter}`}`);
      return [];
    },
  };
}
