// What a lifecycle event means in GitBook, as SCIM calls that each look before they act, so that
// running an effect twice changes nothing the second time.
import {
  ScimError,
  cleanText,
  type PatchOperation,
  type ScimClient,
  type ScimUserData,
  type ScimUserInput,
  type ScimUserResource,
} from '@onramp/core';

/** The GitBook user a person should be: userName is the work email. */
export function desiredUser(data: ScimUserData, email: string, active: boolean): ScimUserInput {
  const given = cleanText(data.name?.givenName);
  const family = cleanText(data.name?.familyName);
  const formatted = cleanText(data.name?.formatted) ?? ([given, family].filter(Boolean).join(' ') || undefined);
  const name = { ...(formatted === undefined ? {} : { formatted }), ...(given === undefined ? {} : { givenName: given }), ...(family === undefined ? {} : { familyName: family }) };
  const displayName = cleanText(data.displayName) ?? formatted;
  const externalId = cleanText((data as { id?: unknown }).id) ?? cleanText(data.externalId);
  return {
    userName: email,
    active,
    ...(Object.keys(name).length === 0 ? {} : { name }),
    ...(displayName === undefined ? {} : { displayName }),
    emails: [{ value: email, type: 'work', primary: true }],
    ...(externalId === undefined ? {} : { externalId }),
  };
}

/** The PATCH operations that make `current` what `desired` says (none: nothing to do). */
export function userChanges(current: ScimUserResource, desired: ScimUserInput): PatchOperation[] {
  const ops: PatchOperation[] = [];
  if (current.active !== desired.active) ops.push({ op: 'replace', path: 'active', value: desired.active });
  const same = (a: unknown, b: unknown) => (a ?? undefined) === (b ?? undefined);
  const name = current.name ?? {};
  if (desired.name !== undefined && !(same(name.givenName, desired.name.givenName) && same(name.familyName, desired.name.familyName) && same(name.formatted, desired.name.formatted))) {
    ops.push({ op: 'replace', path: 'name', value: desired.name });
  }
  if (desired.displayName !== undefined && !same(current.displayName, desired.displayName)) {
    ops.push({ op: 'replace', path: 'displayName', value: desired.displayName });
  }
  const email = current.emails?.find((e) => e.primary === true)?.value ?? current.emails?.[0]?.value;
  if (email?.toLowerCase() !== desired.emails[0]!.value.toLowerCase()) ops.push({ op: 'replace', path: 'emails', value: desired.emails });
  return ops;
}

export type UserAction = 'created' | 'adopted' | 'updated' | 'unchanged';

/** The user exists and looks as desired. `knownGroups`: the ids of its groups, when the answer told. */
export async function ensureUser(
  scim: ScimClient,
  desired: ScimUserInput,
): Promise<{ user: ScimUserResource; action: UserAction; knownGroups: string[] | undefined }> {
  const groupsOf = (user: ScimUserResource) => (Array.isArray(user.groups) ? user.groups.map((g) => g.value) : undefined);
  let user = await scim.findUserByUserName(desired.userName);
  let action: UserAction = 'unchanged';
  if (user === undefined) {
    const created = await scim.createUser(desired);
    // A user we have just created belongs to no group, whatever the answer shows.
    if (!created.adopted) return { user: created.user, action: 'created', knownGroups: [] };
    user = created.user;
    action = 'adopted';
  }
  const ops = userChanges(user, desired);
  if (ops.length > 0) {
    user = (await scim.patchUser(user.id, ops, user.meta?.version)) ?? user;
    action = action === 'adopted' ? 'adopted' : 'updated';
  }
  return { user, action, knownGroups: groupsOf(user) };
}

/** A group as the provider shows it. */
export interface KnownGroup {
  id: string;
  displayName: string;
}

/** Group name → the provider's group, learnt once per process: with the group known, a joiner costs four requests. */
export interface GroupDirectory {
  ensure(displayName: string): Promise<KnownGroup & { created: boolean }>;
  /** The remembered group is gone or unreliable: the next ensure looks it up (or makes it) again. */
  forget(displayName: string): void;
}

export function createGroupDirectory(scim: ScimClient): GroupDirectory {
  const known = new Map<string, Promise<KnownGroup>>();
  return {
    async ensure(displayName) {
      const remembered = known.get(displayName);
      if (remembered !== undefined) return { ...(await remembered), created: false };
      let created = false;
      const lookup = (async () => {
        const found = await scim.findGroupByDisplayName(displayName);
        if (found !== undefined) return { id: found.id, displayName: found.displayName };
        const made = await scim.createGroup(displayName);
        created = !made.adopted;
        return { id: made.group.id, displayName: made.group.displayName };
      })();
      known.set(displayName, lookup);
      lookup.catch(() => known.delete(displayName));
      // Only the call that made the group may skip the membership check: a new group has no members.
      return { ...(await lookup), created };
    },
    forget(displayName) {
      known.delete(displayName);
    },
  };
}

/** The remembered group id is not the provider's group of that name any more. */
class GroupGone extends Error {}

async function isMember(scim: ScimClient, groupName: string, userId: string, knownGroups: string[] | undefined, groupId: string) {
  if (knownGroups !== undefined) return knownGroups.includes(groupId);
  const group = await scim.findGroupByDisplayName(groupName, true);
  // Our own look-up says the remembered id is wrong: never PATCH it.
  if (group === undefined || group.id !== groupId) throw new GroupGone();
  return group.members?.some((m) => m.value === userId) ?? false;
}

/** A PATCH of a remembered group that failed in a way a fresh look-up may explain. */
function worthLookingAgain(error: unknown): boolean {
  if (error instanceof GroupGone) return true;
  // 404/410 (scim_not_found): the group is gone. A 5xx: some servers answer 500 for a missing resource.
  return error instanceof ScimError && (error.code === 'scim_not_found' || error.code === 'scim_server_error');
}

/**
 * The user is in the group (found or created, and confirmed on the provider); `added` says whether this
 * call put them there. A remembered group that turns out gone is forgotten and found or made again, once.
 */
export async function ensureMember(
  scim: ScimClient,
  groups: GroupDirectory,
  groupName: string,
  userId: string,
  knownGroups: string[] | undefined,
): Promise<{ groupId: string; groupDisplayName: string; groupCreated: boolean; added: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const { id, displayName, created } = await groups.ensure(groupName);
    const shown = { groupId: id, groupDisplayName: displayName };
    try {
      if (!created && (await isMember(scim, groupName, userId, knownGroups, id))) return { ...shown, groupCreated: false, added: false };
      await scim.addGroupMember(id, userId);
      return { ...shown, groupCreated: created, added: true };
    } catch (error) {
      if (!worthLookingAgain(error) || attempt >= 2) throw error instanceof GroupGone ? new ScimError('scim_not_found', `the group ${groupName} cannot be found`, undefined, undefined) : error;
      groups.forget(groupName);
    }
  }
}

/** The user is not in the group; `removed` says whether this call took them out. */
export async function ensureNotMember(scim: ScimClient, groups: GroupDirectory, groupName: string, userId: string, knownGroups: string[] | undefined) {
  const group = await scim.findGroupByDisplayName(groupName, knownGroups === undefined);
  if (group === undefined) {
    groups.forget(groupName);
    return false;
  }
  const member = knownGroups !== undefined ? knownGroups.includes(group.id) : (group.members?.some((m) => m.value === userId) ?? false);
  if (!member) return false;
  await scim.removeGroupMember(group.id, userId);
  return true;
}
