// What an HR event means for the person's IDaaS account, as SCIM calls that look before they act: find
// the account (by userName, then by externalId, so an email change does not make a second account),
// create it when absent, PATCH only what differs. Running it twice changes nothing the second time.
import { SCIM_ENTERPRISE_USER, ScimError, scimString, type PatchOperation, type ScimClient, type ScimUserInput, type ScimUserResource } from '@onramp/core';

export type AccountAction = 'created' | 'adopted' | 'updated' | 'unchanged' | 'deactivated' | 'absent';

type Json = Record<string, unknown>;

/** Attributes the account's state is compared on; others in the mapped User (schemas, id) are not the HR system's to set. */
const NOT_COMPARED = new Set(['schemas', 'id', 'meta', 'groups']);
/** RFC 7643: userName is caseExact false; an address is compared the same way. */
const CASE_INSENSITIVE = new Set(['userName', 'value']);

/** Whether `current` already says everything `desired` says (what desired leaves out is not compared). */
function covers(current: unknown, desired: unknown, key = ''): boolean {
  if (Array.isArray(desired)) {
    return Array.isArray(current) && current.length === desired.length && desired.every((d, i) => covers(current[i], d));
  }
  if (typeof desired === 'object' && desired !== null) {
    if (typeof current !== 'object' || current === null) return false;
    return Object.entries(desired).every(([k, v]) => covers((current as Json)[k], v, k));
  }
  if (typeof desired === 'string' && typeof current === 'string' && CASE_INSENSITIVE.has(key)) return desired.toLowerCase() === current.toLowerCase();
  return current === desired;
}

/** The PATCH operations that make `current` what `desired` says (none: nothing to do). */
export function accountChanges(current: ScimUserResource, desired: Json): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const [attribute, value] of Object.entries(desired)) {
    if (NOT_COMPARED.has(attribute)) continue;
    if (attribute === SCIM_ENTERPRISE_USER) {
      const present = (current as Json)[SCIM_ENTERPRISE_USER] as Json | undefined;
      for (const [sub, subValue] of Object.entries(value as Json)) {
        if (!covers(present?.[sub], subValue, sub)) ops.push({ op: 'replace', path: `${SCIM_ENTERPRISE_USER}:${sub}`, value: subValue });
      }
    } else if (!covers((current as Json)[attribute], value, attribute)) {
      ops.push({ op: 'replace', path: attribute, value });
    }
  }
  return ops;
}

/** The account asked for, or an error: an answer that names another user, or has no id, is never acted on. */
function confirmed(found: ScimUserResource | undefined, attribute: 'userName' | 'externalId', wanted: string): ScimUserResource | undefined {
  if (found === undefined) return undefined;
  const shown = (found as Json)[attribute];
  const same = typeof shown === 'string' && (attribute === 'userName' ? shown.toLowerCase() === wanted.toLowerCase() : shown === wanted);
  if (!same || typeof found.id !== 'string' || found.id === '') {
    throw new ScimError('scim_missing_id', `GET /Users: the answer for the ${attribute} asked for is not that account or has no id`, undefined, undefined);
  }
  return found;
}

/** The person's account in IDaaS: by userName, else (an email that changed) by externalId. */
export async function findAccount(scim: ScimClient, desired: Json): Promise<ScimUserResource | undefined> {
  const userName = String(desired.userName);
  const byName = confirmed(await scim.findUserByUserName(userName), 'userName', userName);
  if (byName !== undefined || typeof desired.externalId !== 'string') return byName;
  const externalId = desired.externalId;
  const listed = await scim.listUsers({ filter: `externalId eq ${scimString(externalId)}` });
  // A filter answer is a list of candidates: only one whose externalId is exactly ours is the person.
  const matches = listed.Resources.filter((r) => (r as Json).externalId === externalId);
  if (matches.length > 1) throw new ScimError('scim_conflict', `GET /Users: ${matches.length} accounts have the externalId asked for`, undefined, undefined);
  return confirmed(matches[0], 'externalId', externalId);
}

/** Makes the account what the HR event says; `desired.active` false is a termination. */
export async function upsertAccount(scim: ScimClient, desired: Json): Promise<{ action: AccountAction; account: ScimUserResource | undefined }> {
  const input = Object.fromEntries(Object.entries(desired).filter(([k]) => k !== 'id')) as unknown as ScimUserInput;
  let account = await findAccount(scim, input as unknown as Json);
  let action: AccountAction = 'unchanged';
  if (account === undefined) {
    // Nobody to terminate: not an error, and no account is made just to be switched off.
    if (input.active === false) return { action: 'absent', account: undefined };
    const created = await scim.createUser(input);
    if (!created.adopted) return { action: 'created', account: created.user };
    account = created.user;
    action = 'adopted';
  }
  const ops = accountChanges(account, input as unknown as Json);
  if (ops.length === 0) return { action, account };
  const patched = await scim.patchUser(account.id, ops, account.meta?.version);
  // An answer about another resource tells nothing: the account stays the one found.
  const after = patched !== undefined && patched.id === account.id ? patched : account;
  if (action === 'adopted') return { action, account: after };
  const deactivated = input.active === false && ops.some((o) => o.path === 'active');
  return { action: deactivated ? 'deactivated' : 'updated', account: after };
}
