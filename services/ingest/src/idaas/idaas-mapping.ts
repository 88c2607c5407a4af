// IDaaS address-book events in onramp's stored vocabulary: users become SCIM Users, organizational
// units and groups SCIM Groups. What onramp does not keep (passwords, the test event) is never mapped.
import { idaasCallbackSource, LIFECYCLE, SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_USER } from '@onramp/core';
import { IDAAS_EVENT } from './idaas-event-types.js';
import type { IdaasEventData } from './idaas-sync-event.js';

export type Mapped =
  | { kind: 'event'; event: Record<string, unknown> }
  /** Answered as handled, nothing written (the test event). */
  | { kind: 'test' }
  /** Not kept by onramp: answered as skipped. */
  | { kind: 'skip'; reason: string }
  /** Cannot be kept: answered as failed, which IDaaS does not retry. */
  | { kind: 'fail'; code: string; reason: string };

/** Attributes of a group that are IDaaS's own (kind of group, parent unit), under their own schema. */
export const IDAAS_GROUP_EXTENSION = 'urn:onramp:idaas:group';

type Biz = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

interface UserRule { type: string; active?: boolean }

// Which stored type each user event becomes, and the `active` it implies (undefined: from `status`).
const USER_RULES: Record<string, UserRule> = {
  [IDAAS_EVENT.userCreate]: { type: LIFECYCLE.userCreated },
  [IDAAS_EVENT.userUpdateInfo]: { type: LIFECYCLE.userUpdated },
  [IDAAS_EVENT.userUpdatePrimaryOu]: { type: LIFECYCLE.userUpdated },
  // A full synchronization states who exists; it is not a hire, so it sends no welcome email.
  [IDAAS_EVENT.userPush]: { type: LIFECYCLE.userUpdated },
  [IDAAS_EVENT.userEnable]: { type: LIFECYCLE.userUpdated, active: true },
  [IDAAS_EVENT.userUnlock]: { type: LIFECYCLE.userUpdated },
  [IDAAS_EVENT.userDisable]: { type: LIFECYCLE.userDeactivated, active: false },
  // DESIGN.md §3: a leaver is "active=false, disabled, locked".
  [IDAAS_EVENT.userLock]: { type: LIFECYCLE.userDeactivated, active: false },
  [IDAAS_EVENT.userDelete]: { type: LIFECYCLE.userDeleted },
};

type GroupChange = 'state' | 'added' | 'removed';
const GROUP_RULES: Record<string, { type: string; kind: 'organizational_unit' | 'group'; change: GroupChange }> = {
  [IDAAS_EVENT.ouCreate]: { type: LIFECYCLE.groupCreated, kind: 'organizational_unit', change: 'state' },
  [IDAAS_EVENT.ouUpdate]: { type: LIFECYCLE.groupUpdated, kind: 'organizational_unit', change: 'state' },
  [IDAAS_EVENT.ouUpdateParent]: { type: LIFECYCLE.groupUpdated, kind: 'organizational_unit', change: 'state' },
  [IDAAS_EVENT.ouPush]: { type: LIFECYCLE.groupUpdated, kind: 'organizational_unit', change: 'state' },
  [IDAAS_EVENT.ouAddUser]: { type: LIFECYCLE.groupUpdated, kind: 'organizational_unit', change: 'added' },
  [IDAAS_EVENT.ouRemoveUser]: { type: LIFECYCLE.groupUpdated, kind: 'organizational_unit', change: 'removed' },
  [IDAAS_EVENT.ouDelete]: { type: LIFECYCLE.groupDeleted, kind: 'organizational_unit', change: 'state' },
  [IDAAS_EVENT.groupCreate]: { type: LIFECYCLE.groupCreated, kind: 'group', change: 'state' },
  [IDAAS_EVENT.groupUpdate]: { type: LIFECYCLE.groupUpdated, kind: 'group', change: 'state' },
  [IDAAS_EVENT.groupAddUser]: { type: LIFECYCLE.groupUpdated, kind: 'group', change: 'added' },
  [IDAAS_EVENT.groupRemoveUser]: { type: LIFECYCLE.groupUpdated, kind: 'group', change: 'removed' },
  [IDAAS_EVENT.groupDelete]: { type: LIFECYCLE.groupDeleted, kind: 'group', change: 'state' },
};

/** The name of the user's primary organizational unit: their department. */
function departmentOf(biz: Biz): string | undefined {
  const units = Array.isArray(biz.userOrganizationalUnits) ? (biz.userOrganizationalUnits as Biz[]) : [];
  const primaryId = text(biz.primaryOrganizationalUnitId);
  const primary = units.find((u) => typeof u === 'object' && u !== null && (u.organizationalUnitId === primaryId || u.primary === true));
  return primary === undefined ? undefined : text(primary.organizationalUnitName) ?? text(primary.name);
}

function scimUser(biz: Biz, rule: UserRule): Record<string, unknown> {
  const email = text(biz.email);
  const department = departmentOf(biz);
  const phone = text(biz.phoneNumber);
  const region = text(biz.phoneRegion);
  // Named field by field: whatever else IDaaS sends (a synchronized password among it) stays out of the log.
  return {
    schemas: [SCIM_USER, SCIM_ENTERPRISE_USER],
    ...(text(biz.userId) === undefined ? {} : { id: biz.userId }),
    ...(text(biz.userExternalId) === undefined ? {} : { externalId: biz.userExternalId }),
    ...(text(biz.username) === undefined ? {} : { userName: biz.username }),
    ...(text(biz.displayName) === undefined ? {} : { displayName: biz.displayName, name: { formatted: biz.displayName } }),
    ...(email === undefined ? {} : { emails: [{ value: email, type: 'work', primary: true }] }),
    ...(phone === undefined ? {} : { phoneNumbers: [{ value: region === undefined ? phone : `+${region} ${phone}`, type: 'work' }] }),
    active: rule.active ?? biz.status !== 'disabled',
    ...(department === undefined ? {} : { [SCIM_ENTERPRISE_USER]: { department } }),
  };
}

function memberIds(biz: Biz): string[] {
  const ids = [biz.userId, ...(Array.isArray(biz.userIds) ? biz.userIds : [])];
  return ids.filter((id): id is string => text(id) !== undefined);
}

function scimGroup(biz: Biz, bizId: string | undefined, rule: (typeof GROUP_RULES)[string]): Record<string, unknown> | undefined {
  const ou = rule.kind === 'organizational_unit';
  const id = text(ou ? biz.organizationalUnitId : biz.groupId) ?? bizId;
  if (id === undefined) return undefined;
  const name = ou ? text(biz.organizationalUnitName) ?? text(biz.name) : text(biz.groupName) ?? text(biz.name);
  const externalId = ou ? text(biz.organizationalUnitExternalId) ?? text(biz.externalId) : text(biz.groupExternalId) ?? text(biz.externalId);
  const members = memberIds(biz).map((value) => ({ value, type: 'User' }));
  return {
    schemas: [SCIM_GROUP, IDAAS_GROUP_EXTENSION],
    id,
    ...(externalId === undefined ? {} : { externalId }),
    ...(name === undefined ? {} : { displayName: name }),
    ...(rule.change === 'added' ? { membersAdded: members } : {}),
    ...(rule.change === 'removed' ? { membersRemoved: members } : {}),
    [IDAAS_GROUP_EXTENSION]: { kind: rule.kind, ...(text(biz.parentId) === undefined ? {} : { parentId: biz.parentId }) },
  };
}

function envelope(applicationId: string, data: IdaasEventData, type: string, subject: string, body: Record<string, unknown>, instanceId: string | undefined) {
  return {
    specversion: '1.0',
    id: data.eventId,
    source: idaasCallbackSource(applicationId),
    type,
    subject,
    ...(data.eventTime === undefined ? {} : { time: new Date(data.eventTime).toISOString() }),
    datacontenttype: 'application/json',
    data: body,
    // The provider's own type code, so that what IDaaS said stays visible beside what onramp made of it.
    idaaseventtype: data.eventType,
    ...(instanceId === undefined ? {} : { idaasinstanceid: instanceId }),
  };
}

/** One IDaaS event as onramp keeps it, or why not. */
export function mapIdaasEvent(applicationId: string, data: IdaasEventData, instanceId?: string): Mapped {
  if (data.eventType === IDAAS_EVENT.test) return { kind: 'test' };
  if (data.eventType === IDAAS_EVENT.userUpdatePassword) return { kind: 'skip', reason: 'onramp keeps no passwords' };
  const userRule = USER_RULES[data.eventType];
  if (userRule !== undefined) {
    const user = scimUser(data.bizData, userRule);
    const userId = text(data.bizData.userId) ?? data.bizId;
    if (userId === undefined || user.userName === undefined) return { kind: 'fail', code: 'unmappable', reason: 'the account has no userId or username' };
    return { kind: 'event', event: envelope(applicationId, data, userRule.type, `user/${userId}`, user, instanceId) };
  }
  const groupRule = GROUP_RULES[data.eventType];
  if (groupRule !== undefined) {
    const group = scimGroup(data.bizData, data.bizId, groupRule);
    if (group === undefined) return { kind: 'fail', code: 'unmappable', reason: `the ${groupRule.kind.replace('_', ' ')} has no id` };
    return { kind: 'event', event: envelope(applicationId, data, groupRule.type, `group/${String(group.id)}`, group, instanceId) };
  }
  return { kind: 'skip', reason: `event type ${data.eventType.slice(0, 200)} is not one onramp keeps` };
}

/** Every IDaaS type code the door maps to a stored type, for documentation and tests. */
export const MAPPED_TYPES: Readonly<Record<string, string>> = Object.fromEntries([
  ...Object.entries(USER_RULES).map(([code, rule]) => [code, rule.type]),
  ...Object.entries(GROUP_RULES).map(([code, rule]) => [code, rule.type]),
]);
